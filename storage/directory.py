"""Bring the people and queues declared in the organisation file into the database."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.dialects import ByDialect
from storage.models import PersonRow, QueueRow

_PEOPLE, _QUEUES = PersonRow.__table__, QueueRow.__table__


def _upsert_person(insert: Callable[..., Any]) -> Insert:
    """By handle: the file's name wins; a platform id the file leaves out is kept."""
    statement = insert(_PEOPLE)
    new = statement.excluded
    return statement.on_conflict_do_update(index_elements=[_PEOPLE.c.handle], set_={
        "name": new.name,
        "slack_id": func.coalesce(new.slack_id, _PEOPLE.c.slack_id),
        "dingtalk_id": func.coalesce(new.dingtalk_id, _PEOPLE.c.dingtalk_id),
    })


# Two replicas starting at once both run this: each statement is exact, neither fails.
_UPSERT_PERSON = ByDialect(_upsert_person, ("handle", "name", "slack_id", "dingtalk_id",
                                            "created_at"))
_ADD_QUEUE = ByDialect(lambda insert: insert(_QUEUES).on_conflict_do_nothing(),
                       ("key", "next_number"))


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
    rows = [{"handle": e.handle, "name": e.name, "slack_id": e.slack_id or None,
             "dingtalk_id": e.dingtalk_id or None, "created_at": now} for e in people]
    keys = [{"key": key, "next_number": 0} for key in dict.fromkeys(queues)]
    async with sessions() as session, session.begin():
        for row in rows:  # one statement each: a compiled upsert does not batch on asyncpg
            await _UPSERT_PERSON.execute(session, row)
        for key in keys:
            await _ADD_QUEUE.execute(session, key)
