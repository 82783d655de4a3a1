"""Bring the people and queues declared in the organisation file into the database."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import PersonRow, QueueRow


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    handle: str
    name: str
    slack_id: str | None = None
    dingtalk_id: str | None = None


async def sync_directory(sessions: async_sessionmaker[AsyncSession],
                         people: Iterable[DirectoryEntry], queues: Iterable[str],
                         now: datetime) -> None:
    """Upsert declared people by handle and make sure every queue has its counter row."""
    async with sessions() as session, session.begin():
        existing = {row.handle: row for row in await session.scalars(select(PersonRow))}
        for entry in people:
            row = existing.get(entry.handle)
            if row is None:
                row = PersonRow(handle=entry.handle, created_at=now)
                session.add(row)
            row.name = entry.name
            if entry.slack_id:
                row.slack_id = entry.slack_id
            if entry.dingtalk_id:
                row.dingtalk_id = entry.dingtalk_id
        known = set(await session.scalars(select(QueueRow.key)))
        for key in queues:
            if key not in known:
                session.add(QueueRow(key=key, next_number=0))
