"""A scratch PostgreSQL database for benchmarks (dropped and re-created), migrated to head."""

import os

from sqlalchemy import text

from storage.engine import make_engine
from storage.migrate import upgrade

ADMIN_URL = os.environ.get("TICKETBOT_BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
BENCH_DB = os.environ.get("TICKETBOT_BENCH_DB", "ticketbot_bench")


async def fresh_database() -> str:
    admin = make_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{BENCH_DB}"'))
    finally:
        await admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    return url


def migrate(url: str) -> None:
    upgrade(url)
