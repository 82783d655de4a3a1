"""The suite runs PostgreSQL tests in a database it creates and drops only that one: the database
TICKETBOT_TEST_POSTGRES_URL names keeps its tables, whether the tests pass, fail or are killed."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
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
import time
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

def test_hangs(database_url: str) -> None:
    if {hang!r}:
        time.sleep(60)  # until the parent kills the run
'''


async def _scalar(url: str, query: str) -> object:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text(query))).scalar()
    finally:
        await engine.dispose()


def _exists(name: str) -> bool:
    return asyncio.run(_scalar(
        POSTGRES_URL, f"SELECT count(*) FROM pg_database WHERE datname = '{name}'")) == 1


@pytest.fixture
def door(_postgres: str) -> Iterator[str]:
    """A database standing for "someone else's", with a table of theirs in `public`."""
    url = sibling_url(POSTGRES_URL, own_database_name().replace(OWN_PREFIX, OWN_PREFIX + "door_"))
    name = make_url(url).database
    asyncio.run(server_execute(POSTGRES_URL, f'CREATE DATABASE "{name}"'))
    try:
        asyncio.run(_run(url, "CREATE TABLE sentinel (id int)"))
        yield url
        assert asyncio.run(_scalar(url, "SELECT to_regclass('public.sentinel')::text")) == "sentinel"
    finally:
        asyncio.run(server_execute(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _child(door: str, tmp_path: Path, hang: bool) -> tuple[subprocess.Popen[str], Path]:
    """A pytest run of its own, told to use `door` as its configured database."""
    record = tmp_path / "database.txt"
    child = tmp_path / "test_child.py"
    child.write_text(CHILD_TESTS.format(record=str(record), hang=hang))
    env = {**os.environ, "TICKETBOT_TEST_POSTGRES_URL": door, "TICKETBOT_REQUIRE_POSTGRES": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest",
         "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(child)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, record


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_this_session_uses_a_database_of_its_own(database_url: str) -> None:
    own = make_url(database_url).database or ""
    assert own.startswith(OWN_PREFIX)
    assert own != make_url(POSTGRES_URL).database


@pytest.mark.postgres
def test_a_run_leaves_the_configured_database_alone_and_drops_its_own(
        door: str, tmp_path: Path) -> None:
    proc, record = _child(door, tmp_path, hang=False)
    with proc:
        output, _ = proc.communicate(timeout=120)
    assert "1 failed, 2 passed" in output, output
    used = record.read_text()
    assert used.startswith(f"{OWN_PREFIX}{proc.pid}_")  # created by that run, not the door
    assert not _exists(used)


@pytest.mark.postgres
def test_a_killed_run_still_drops_its_database(door: str, tmp_path: Path) -> None:
    proc, record = _child(door, tmp_path, hang=True)
    with proc:
        deadline = time.monotonic() + 90
        while not record.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        used = record.read_text()
        assert _exists(used)
        time.sleep(0.5)  # into the hanging test
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    assert "KeyboardInterrupt" in output, output
    assert not _exists(used)


async def _run(url: str, statement: str) -> None:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()
