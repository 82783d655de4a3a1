"""Test databases: a migrated SQLite template copied per test, and a PostgreSQL database of the
suite's own, created on the server TICKETBOT_TEST_POSTGRES_URL names, migrated once per session,
truncated between tests and dropped at the end.

The configured database is only a door to the server (CREATE / DROP DATABASE): nothing in it is
ever read, changed or dropped, so the suite can point at a database other work is using."""

import asyncio
import atexit
import os
import secrets
import shutil
import signal
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.engine import make_engine
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "TICKETBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("TICKETBOT_REQUIRE_POSTGRES") == "1"
TABLES = ("report_facts", "report_facts_mark", "api_idempotency", "api_tokens", "webhook_subscriptions",
          "sla_failures", "audit_events", "comments", "ticket_links", "ticket_collaborators", "outbox",
          "ticket_mutes", "preferences", "rate_buckets", "inbound_events", "ticket_messages", "tickets",
          "queues", "people", "team_cursors", "away", "report_digests",
          "schedule_occurrences", "schedules", "assets", "person_identities",
          "link_codes", "link_failures", "dialogues")
OWN_PREFIX = "ticketbot_test_"


async def pg_execute(url: str, *statements: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def server_execute(admin_url: str, statement: str) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    engine = make_engine(admin_url, isolation_level="AUTOCOMMIT", pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


def own_database_name() -> str:
    """Unique per run, so two suites on one server (two worktrees, CI) never share a database."""
    return f"{OWN_PREFIX}{os.getpid()}_{secrets.token_hex(4)}"


def sibling_url(url: str, database: str) -> str:
    """The same server and credentials as `url`, another database."""
    return make_url(url).set(database=database).render_as_string(hide_password=False)


class OwnPostgres:
    """A database this suite created, and the only one it will ever drop."""

    def __init__(self, admin_url: str = POSTGRES_URL) -> None:
        self.admin_url = admin_url
        self.name = own_database_name()
        self.url = sibling_url(admin_url, self.name)
        self._created = False

    def create(self) -> str:
        """Create and migrate it; skip (or fail, with TICKETBOT_REQUIRE_POSTGRES=1) when the
        server is down or refuses."""
        try:
            asyncio.run(server_execute(self.admin_url, f'CREATE DATABASE "{self.name}"'))
        except Exception as error:
            message = (f"PostgreSQL at {self.admin_url} cannot create a test database "
                       f"({type(error).__name__}: {error})")
            if REQUIRE_POSTGRES:
                pytest.fail(message)
            pytest.skip(message)
        self._created = True
        atexit.register(self.drop)  # also when the session is interrupted before its teardown
        _interrupt_on_sigterm()  # so a run killed by `kill` or a CI timeout unwinds to atexit
        upgrade(self.url)
        return self.url

    def drop(self) -> None:
        if not self._created:
            return
        assert self.name.startswith(OWN_PREFIX)  # never a database someone else made
        # FORCE: a connection a failed test left open must not keep the database alive.
        asyncio.run(server_execute(
            self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self._created = False


def _interrupt_on_sigterm() -> None:
    """SIGTERM ends Python without running atexit; as an interrupt, pytest stops and tears down."""
    if threading.current_thread() is threading.main_thread() and (
            signal.getsignal(signal.SIGTERM) is signal.SIG_DFL):
        signal.signal(signal.SIGTERM, _raise_interrupt)


def _raise_interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


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
