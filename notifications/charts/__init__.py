"""Report charts as PNG bytes (matplotlib, Agg backend: no display is ever needed)."""
