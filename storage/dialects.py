"""`INSERT … ON CONFLICT` on both databases, compiled once.

SQLAlchemy spells it alike for PostgreSQL and SQLite through each dialect's own `insert`, but
in SQLAlchemy 2.0 those constructs cannot be cached: every execution compiled them anew (three
times per ticket creation). Here each is compiled once per database, for a fixed set of
columns, and the compiled form is executed on the session's connection, in its transaction.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Compiled, CursorResult, Insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def insert_for(connection: AsyncConnection) -> Callable[..., Insert]:
    """The database's own `insert` (with its `on_conflict_…`), for statements built per call."""
    return _INSERTS[connection.dialect.name]  # type: ignore[return-value]


class ByDialect:
    """One statement, built with the database's `insert` and compiled for `columns` (the keys
    every execution passes) the first time that database runs it."""

    def __init__(self, build: Callable[[Callable[..., Any]], Insert],
                 columns: Iterable[str]) -> None:
        self._build = build
        self._columns = list(columns)
        self._compiled: dict[tuple[str, str], Compiled] = {}

    def compiled(self, connection: AsyncConnection) -> Compiled:
        dialect = connection.dialect
        found = self._compiled.get((dialect.name, dialect.driver))
        if found is None:
            statement = self._build(_INSERTS[dialect.name])
            found = statement.compile(dialect=dialect, column_keys=self._columns)
            self._compiled[(dialect.name, dialect.driver)] = found
        return found

    async def execute(self, session: AsyncSession | AsyncConnection,
                      params: Mapping[str, Any] | Sequence[Mapping[str, Any]]
                      ) -> CursorResult[Any]:
        """Run it with `params`; a list of them runs it once for each (executemany)."""
        connection = await session.connection() if isinstance(session, AsyncSession) \
            else session
        return await connection.execute(self.compiled(connection), params)  # type: ignore[call-overload, no-any-return]

    async def scalar(self, session: AsyncSession | AsyncConnection,
                     params: Mapping[str, Any]) -> Any:
        return (await self.execute(session, params)).scalar()
