"""Engines for PostgreSQL (asyncpg) and the embedded SQLite default (aiosqlite)."""

import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.connection_problems import check_url

# A pooled connection unused for longer than this is checked (one round trip) before it is
# handed out; busier ones are not, as pinging every checkout cost a round trip or three per
# transaction. A connection that broke since its last use fails its statement, which tells
# the pool to replace every connection it holds, and the caller says "please retry".
PING_IDLE_AFTER = 1.0  # seconds


def async_url(url: str) -> str:
    """Accept plain `postgresql://` and `sqlite:///` URLs and pick the async drivers."""
    check_url(url)
    parsed = make_url(url)
    driver = {"postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg",
              "sqlite": "sqlite+aiosqlite"}.get(parsed.drivername)
    if driver:
        parsed = parsed.set(drivername=driver)
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    url = async_url(url)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, **kwargs)
        _serialize_sqlite_writers(engine)
        return engine
    # Kept open rather than overflowing: opening a PostgreSQL connection costs more than most
    # requests, so a pool that opens and closes connections under load spends its time there.
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 10)
    engine = create_async_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_idle_connections(engine)
    return engine


def _ping_idle_connections(engine: AsyncEngine) -> None:
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_IDLE_AFTER:
            return
        try:
            dbapi_connection.ping()
        except Exception as error:
            raise DisconnectionError(str(error)) from error  # the pool opens a new one


@contextlib.asynccontextmanager
async def autocommit(sessions: async_sessionmaker[AsyncSession]
                     ) -> AsyncIterator[AsyncConnection]:
    """A connection whose statements commit one by one: on PostgreSQL a single statement then
    costs no BEGIN and COMMIT round trips. SQLite runs them in one transaction instead."""
    async with sessions() as session:
        options = ({"isolation_level": "AUTOCOMMIT"}
                   if session.bind is not None and session.bind.dialect.name == "postgresql"
                   else None)
        yield await session.connection(execution_options=options)
        await session.commit()


def _serialize_sqlite_writers(engine: AsyncEngine) -> None:
    # SQLite has no row locks: take the write lock at BEGIN so two read-then-write
    # transactions (two claims of one ticket) run one after the other, never interleaved.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
