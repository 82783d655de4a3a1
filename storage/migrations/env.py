"""Alembic environment: async engine, URL from the caller (never from a file of secrets)."""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from storage.engine import make_engine
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    applied: list[str] = config.attributes.setdefault("applied", [])
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      on_version_apply=lambda step, **_: applied.append(_described(step)))
    with context.begin_transaction():
        context.run_migrations()


def _described(step: object) -> str:
    """`0006: outbox claim tokens`: the revision and the first line of its docstring."""
    revision = getattr(step, "up_revision", None)
    doc = (getattr(revision, "doc", "") or "").strip().splitlines()
    return f"{getattr(revision, 'revision', '?')}: {doc[0] if doc else ''}".rstrip(": ")


async def _run_async() -> None:
    engine = make_engine(config.attributes["url"])
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.attributes["url"], target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
