"""A unit of work whose people and preferences are read once for a batch of changes.

Planning messages asks, per audit line, who the team leads are and what each recipient prefers
(language, quiet hours, mutes). For a batch of SLA steps that is the same few people again and
again: this view answers from what it has read in this transaction and asks the database only
for people and preferences it has not seen. Everything else is the wrapped unit of work.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from commands.ports import Preferences, UnitOfWork
from workflows.people import Person


class _People:
    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._by_handle: dict[str, Person | None] = {}

    async def by_handle(self, handle: str) -> Person | None:
        if handle not in self._by_handle:
            self._by_handle[handle] = await self._inner.by_handle(handle)
        return self._by_handle[handle]

    async def add(self, handle: str, name: str, now: datetime, *args: Any, **kwargs: Any
                  ) -> tuple[Person, bool]:
        found = await self._inner.add(handle, name, now, *args, **kwargs)
        self._by_handle[handle] = found[0]
        return cast(tuple[Person, bool], found)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _Preferences:
    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._known: dict[int, Preferences] = {}

    async def get_many(self, person_ids: set[int], *,
                       mutes: bool = True) -> dict[int, Preferences]:
        if not mutes:  # not remembered: the batch's other tickets may be muted
            return await self._inner.get_many(person_ids, mutes=False)  # type: ignore[no-any-return]
        missing = set(person_ids) - self._known.keys()
        if missing:
            self._known.update(await self._inner.get_many(missing))
        return {pid: self._known[pid] for pid in person_ids if pid in self._known}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class BatchLookups:
    """`uow` with people by handle and preferences remembered for the rest of the batch."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.people = _People(uow.people)
        self.preferences = _Preferences(uow.preferences)

    async def preload(self, person_ids: Iterable[int], handles: Iterable[str]) -> None:
        """Read the people of `handles`, then in one go the preferences of them and of
        `person_ids`."""
        found = [await self.people.by_handle(handle) for handle in sorted(set(handles))]
        await self.preferences.get_many(set(person_ids) | {p.id for p in found if p})

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)
