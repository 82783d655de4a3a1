"""The suite runs PostgreSQL tests in a database it creates and drops only that one: the database
TICKETBOT_TEST_POSTGRES_URL names keeps its tables, whether the tests pass or fail."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.engine import make_engine
from tests.support.databases import (
    OWN_PREFIX,
    POSTGRES_URL,
    own_database_name,
    server_execute,
    sibling_url,
)

ROOT = Path(__file__).resolve().parents[2]
CHILD_TESTS = '''
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from storage.engine import make_engine

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)

async def test_writes_into_its_own_database(database_url: str) -> None:
    open({record!r}, "w").write(make_url(database_url).database)
    engine = make_engine(database_url)
    async with engine.connect() as conn:  # migrated: the bot's tables are there
        assert (await conn.execute(text("SELECT count(*) FROM people"))).scalar() == 0
    await engine.dispose()

async def test_fails(database_url: str) -> None:
    raise AssertionError("a failing test must not leave the database behind")
'''


async def _scalar(url: str, query: str) -> object:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text(query))).scalar()
    finally:
        await engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_this_session_uses_a_database_of_its_own(database_url: str) -> None:
    own = make_url(database_url).database or ""
    assert own.startswith(OWN_PREFIX)
    assert own != make_url(POSTGRES_URL).database


@pytest.mark.postgres
def test_a_run_leaves_the_configured_database_alone_and_drops_its_own(
        _postgres: str, tmp_path: Path) -> None:
    # A database standing for "someone else's", with a table of theirs in `public`.
    door = sibling_url(POSTGRES_URL, own_database_name().replace(OWN_PREFIX, OWN_PREFIX + "door_"))
    door_name = make_url(door).database
    asyncio.run(server_execute(POSTGRES_URL, f'CREATE DATABASE "{door_name}"'))
    try:
        asyncio.run(_run(door, "CREATE TABLE sentinel (id int)"))
        record = tmp_path / "database.txt"
        child = tmp_path / "test_child.py"
        child.write_text(CHILD_TESTS.format(record=str(record)))
        env = {**os.environ, "TICKETBOT_TEST_POSTGRES_URL": door, "TICKETBOT_REQUIRE_POSTGRES": "1"}
        with subprocess.Popen(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 "-p", "tests.conftest", "-c", str(ROOT / "pyproject.toml"),
                 "--rootdir", str(ROOT), str(child)],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True) as proc:
            output, _ = proc.communicate(timeout=120)
        assert "1 failed, 1 passed" in output, output

        used = record.read_text()
        assert used.startswith(f"{OWN_PREFIX}{proc.pid}_")  # created by that run, not the door
        assert asyncio.run(_scalar(
            POSTGRES_URL, f"SELECT count(*) FROM pg_database WHERE datname = '{used}'")) == 0
        assert asyncio.run(_scalar(door, "SELECT to_regclass('public.sentinel')::text")) \
            == "sentinel"
    finally:
        asyncio.run(server_execute(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{door_name}" WITH (FORCE)'))


async def _run(url: str, statement: str) -> None:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()
