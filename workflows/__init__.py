"""The ticket domain: lifecycle, roles, policies. Pure Python, no I/O; time is always a parameter."""
