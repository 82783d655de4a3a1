import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.bootstrap import App, build_app
from bot.settings import Settings
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.databases import (
    OwnPostgres,
    sqlite_copy,
    sqlite_template,
    truncate_postgres,
)

pytest_plugins = ["tests.fakes.fixtures"]


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def _own_postgres() -> Iterator[OwnPostgres]:
    """The suite's own PostgreSQL database, dropped when the session ends (tests failed or not)."""
    database = OwnPostgres()
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture(scope="session")
def _postgres(_own_postgres: OwnPostgres) -> str:
    return _own_postgres.create()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every storage-touching test runs on the embedded SQLite default and on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_copy(request.getfixturevalue("_sqlite_template"), tmp_path)
    url: str = request.getfixturevalue("_postgres")
    asyncio.run(truncate_postgres(url))
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url, org_file=None, locale="en",
                    timezone="UTC")


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    application = await build_app(settings, clock=clock)
    yield application
    await application.aclose()


@pytest.fixture
def chat(app: App) -> Chat:
    return Chat(app)
