"""SQLAlchemy implementation of the use cases' ports, and the Alembic migrations.

Nothing here creates an engine or a session at import time.
"""
