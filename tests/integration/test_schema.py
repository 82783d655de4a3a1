"""Migrations, the start-up schema check, and the append-only audit trail."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.bootstrap import App, SchemaOutOfDate, build_app
from bot.settings import Settings
from storage.engine import make_engine
from storage.models import Base
from tests.support.chat import Chat


async def test_migrations_produce_exactly_the_models(app: App) -> None:
    async with app.engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    assert diff == []


async def test_start_is_refused_on_an_unmigrated_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(SchemaOutOfDate, match="Run: ticketbot db upgrade"):
        await build_app(settings)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_audit_trail_cannot_be_rewritten_on_postgres(chat: Chat) -> None:
    await chat.user("alice").says("new Laptop will not boot")
    engine = make_engine(str(chat.app.engine.url.render_as_string(hide_password=False)))
    try:
        for statement in ("UPDATE audit_events SET reason = 'forged'", "DELETE FROM audit_events"):
            with pytest.raises(DBAPIError, match="append-only"):
                async with engine.begin() as conn:
                    await conn.execute(text(statement))
    finally:
        await engine.dispose()
