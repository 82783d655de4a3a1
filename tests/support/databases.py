"""Test databases: a migrated SQLite template copied per test, and the PostgreSQL `test` database
migrated once per session and truncated between tests."""

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.engine import make_engine
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "TICKETBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("TICKETBOT_REQUIRE_POSTGRES") == "1"
TABLES = ("sla_failures", "audit_events", "comments", "ticket_links", "ticket_collaborators", "outbox",
          "ticket_mutes", "preferences", "rate_buckets", "inbound_events", "ticket_messages", "tickets",
          "queues", "people", "team_cursors", "away")


async def pg_execute(url: str, *statements: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


def prepare_postgres() -> str:
    """Migrate a clean `test` database once; skip (or fail in CI) if PostgreSQL is down."""
    try:
        asyncio.run(pg_execute(POSTGRES_URL, "DROP SCHEMA IF EXISTS public CASCADE",
                               "CREATE SCHEMA public"))
    except Exception as error:
        message = f"PostgreSQL at {POSTGRES_URL} is not reachable ({type(error).__name__}: {error})"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    upgrade(POSTGRES_URL)
    return POSTGRES_URL


async def truncate_postgres(url: str) -> None:
    await pg_execute(url, f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")


def sqlite_template(directory: Path) -> Path:
    path = directory / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def sqlite_copy(template: Path, directory: Path) -> str:
    target = directory / "ticketbot.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"
