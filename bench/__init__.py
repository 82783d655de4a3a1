"""Benchmarks: scripts that print a JSON summary and a one-line verdict. Loopback only, bounded."""
