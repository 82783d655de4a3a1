"""`INSERT … ON CONFLICT` on both databases: SQLAlchemy spells it alike for PostgreSQL and
SQLite, through each dialect's own `insert`."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


class ByDialect:
    """One statement built once per dialect (each memoises its cache key), picked per session."""

    def __init__(self, build: Callable[[Callable[..., Any]], Insert]) -> None:
        self._statements = {"postgresql": build(pg_insert), "sqlite": build(sqlite_insert)}

    def __call__(self, session: AsyncSession) -> Insert:
        return self._statements[session.bind.dialect.name]
