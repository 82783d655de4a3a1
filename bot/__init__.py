"""The edge: settings, organisation file, console and messenger adapters, and the bootstrap."""
