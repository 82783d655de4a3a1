"""A scratch PostgreSQL database for benchmarks, created by the run, migrated to head, and dropped
when the process exits. The admin URL's database is only used to create and drop it.

TICKETBOT_BENCH_DB chooses the name; a database of that name that this process did not create
is refused, never dropped."""

import asyncio
import atexit
import os
import secrets

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.engine import make_engine
from storage.migrate import upgrade

ADMIN_URL = os.environ.get("TICKETBOT_BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
BENCH_DB = os.environ.get("TICKETBOT_BENCH_DB") or (
    f"ticketbot_bench_{os.getpid()}_{secrets.token_hex(4)}")
_created: set[str] = set()


async def _admin(statement: str) -> object:
    admin = make_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1)
    try:
        async with admin.connect() as conn:
            result = await conn.execute(text(statement))
            return result.scalar() if result.returns_rows else None
    finally:
        await admin.dispose()


async def fresh_database() -> str:
    """An empty database for one measurement (the previous one this run made is replaced)."""
    if BENCH_DB in _created:
        await _admin(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        _created.discard(BENCH_DB)
    elif await _admin(f"SELECT 1 FROM pg_database WHERE datname = '{BENCH_DB}'"):
        raise SystemExit(f"database {BENCH_DB!r} exists already and is not this run's: "
                         "choose another TICKETBOT_BENCH_DB")
    await _admin(f'CREATE DATABASE "{BENCH_DB}"')
    _created.add(BENCH_DB)
    return make_url(ADMIN_URL).set(database=BENCH_DB).render_as_string(hide_password=False)


def _drop_at_exit() -> None:
    for name in list(_created):
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        _created.discard(name)


atexit.register(_drop_at_exit)


def migrate(url: str) -> None:
    upgrade(url)
