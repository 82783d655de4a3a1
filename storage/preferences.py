from collections.abc import Callable
from datetime import time
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.ports import Preferences
from storage.models import MuteRow, PreferenceRow
from workflows.kinds import Source


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


# Built once (a statement memoises its cache key); read as plain rows, not ORM objects.
_P, _M = PreferenceRow.__table__, MuteRow.__table__
_IDS = bindparam("_ids", expanding=True)
_PREFERENCES_OF = select(_P.c.person_id, _P.c.notify, _P.c.channel_only, _P.c.platform,
                         _P.c.locale, _P.c.quiet_from, _P.c.quiet_to,
                         _P.c.timezone, _P.c.messenger_locale,
                         _P.c.messenger_platform).where(_P.c.person_id.in_(_IDS))
_MUTES_OF = select(_M.c.person_id, _M.c.ticket_id).where(_M.c.person_id.in_(_IDS))


class SqlPreferences:
    def __init__(self, session: AsyncSession,
                 changed: Callable[[int], None] = lambda person_id: None) -> None:
        self.session = session
        self.changed = changed  # told whose preferences this unit of work changed

    async def get_many(self, person_ids: set[int], *,
                       mutes: bool = True) -> dict[int, Preferences]:
        """Their preferences; with `mutes=False` the tickets they muted are not read (a ticket
        being created cannot be muted yet)."""
        if not person_ids:
            return {}
        if self.session.new or self.session.dirty:
            await self.session.flush()  # a change this unit of work made is read back
        connection, ids = await self.session.connection(), {"_ids": sorted(person_ids)}
        rows = {r.person_id: r for r in await connection.execute(_PREFERENCES_OF, ids)}
        muted_by: dict[int, set[int]] = {}
        for person_id, ticket_id in (await connection.execute(_MUTES_OF, ids)) if mutes else ():
            muted_by.setdefault(person_id, set()).add(ticket_id)
        result = {}
        for pid in person_ids:
            row = rows.get(pid)
            muted = frozenset(muted_by.get(pid, ()))
            if row is None:
                result[pid] = Preferences(pid, muted_ticket_ids=muted)
                continue
            result[pid] = Preferences(
                pid, row.notify, bool(row.channel_only),
                Source(row.platform) if row.platform else None, row.locale,
                _time(row.quiet_from), _time(row.quiet_to), row.timezone, muted,
                (Source(row.messenger_platform), row.messenger_locale)
                if row.messenger_platform and row.messenger_locale else None)
        return result

    async def update(self, person_id: int, **changes: Any) -> Preferences:
        self.changed(person_id)
        row = await self.session.get(PreferenceRow, person_id)
        if row is None:
            row = PreferenceRow(person_id=person_id, notify=True, channel_only=False)
            self.session.add(row)
        for name, value in changes.items():
            if isinstance(value, time):
                value = value.strftime("%H:%M")
            elif isinstance(value, Source):
                value = value.value
            setattr(row, name, value)
        await self.session.flush()
        return (await self.get_many({person_id}))[person_id]

    async def mute(self, person_id: int, ticket_id: int, muted: bool) -> bool:
        """Set the mute; False when it was already so."""
        existing = await self.session.get(MuteRow, (person_id, ticket_id))
        if muted == (existing is not None):
            return False
        if muted:
            self.session.add(MuteRow(person_id=person_id, ticket_id=ticket_id))
        else:
            await self.session.execute(delete(MuteRow).where(
                MuteRow.person_id == person_id, MuteRow.ticket_id == ticket_id))
        await self.session.flush()
        return True
