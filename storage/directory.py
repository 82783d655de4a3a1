"""Bring the people and queues declared in the organisation file into the database."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.dialects import ByDialect
from storage.models import PersonIdentityRow, PersonRow, QueueRow

_PEOPLE, _QUEUES = PersonRow.__table__, QueueRow.__table__
_IDENTITIES = PersonIdentityRow.__table__


def _upsert_person(insert: Callable[..., Any]) -> Insert:
    """By handle: the file's name wins (accounts are person_identities rows, upserted next)."""
    statement = insert(_PEOPLE)
    return statement.on_conflict_do_update(index_elements=[_PEOPLE.c.handle],
                                           set_={"name": statement.excluded.name})


# Two replicas starting at once both run this: each statement is exact, neither fails.
_UPSERT_PERSON = ByDialect(_upsert_person, ("handle", "name", "created_at"))
# An account the file gives someone is theirs from now on, taken from whoever had it before.
def _upsert_identity(insert: Callable[..., Any]) -> Insert:
    statement = insert(_IDENTITIES)
    return statement.on_conflict_do_update(
        index_elements=[_IDENTITIES.c.platform, _IDENTITIES.c.workspace, _IDENTITIES.c.external_id],
        set_={"person_id": statement.excluded.person_id})


_UPSERT_IDENTITY = ByDialect(_upsert_identity, ("person_id", "platform", "workspace",
                                                "external_id", "created_at"))
_ADD_QUEUE = ByDialect(lambda insert: insert(_QUEUES).on_conflict_do_nothing(),
                       ("key", "next_number"))


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    handle: str
    name: str
    slack_id: str | None = None
    dingtalk_id: str | None = None
    # (platform, workspace, external id): every account the file lists, today's ids included.
    identities: tuple[tuple[str, str, str], ...] = ()

    def accounts(self) -> list[tuple[str, str, str]]:
        legacy = [(p, "", v) for p, v in (("slack", self.slack_id), ("dingtalk", self.dingtalk_id))
                  if v]
        return list(dict.fromkeys([*legacy, *self.identities]))


async def sync_directory(sessions: async_sessionmaker[AsyncSession],
                         people: Iterable[DirectoryEntry], queues: Iterable[str],
                         now: datetime) -> None:
    """Upsert declared people by handle and make sure every queue has its counter row."""
    rows = [{"handle": e.handle, "name": e.name, "created_at": now} for e in people]
    keys = [{"key": key, "next_number": 0} for key in dict.fromkeys(queues)]
    async with sessions() as session, session.begin():
        for row in rows:  # one statement each: a compiled upsert does not batch on asyncpg
            await _UPSERT_PERSON.execute(session, row)
        await _sync_identities(session, people, now)
        for key in keys:
            await _ADD_QUEUE.execute(session, key)


async def _sync_identities(session: AsyncSession, people: Iterable[DirectoryEntry],
                           now: datetime) -> None:
    entries = [e for e in people if e.accounts()]
    if not entries:
        return
    handles = [e.handle for e in entries]
    rows = await session.execute(
        select(_PEOPLE.c.handle, _PEOPLE.c.id).where(_PEOPLE.c.handle.in_(handles)))
    ids = {handle: person_id for handle, person_id in rows}
    for entry in entries:
        for platform, workspace, external_id in entry.accounts():
            await _UPSERT_IDENTITY.execute(session, {
                "person_id": ids[entry.handle], "platform": platform, "workspace": workspace,
                "external_id": external_id, "created_at": now})
