"""The knowledge-base evaluation set and its scorer."""
