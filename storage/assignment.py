"""The round-robin cursor per team and each agent's open work, for automatic assignment."""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialects import ByDialect
from storage.models import PersonRow, TeamCursorRow, TicketRow
from workflows.priority import Priority
from workflows.status import Status

_CREATE_CURSOR = ByDialect(lambda insert: insert(TeamCursorRow.__table__)
                           .on_conflict_do_nothing(), ("team", "last_handle", "turns"))


class SqlAssignment:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def cursor(self, team: str, *, lock: bool) -> str | None:
        if lock:
            # Make sure the row exists, then hold its lock until commit (FOR UPDATE on
            # PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
            await _CREATE_CURSOR.execute(self.session,
                                         {"team": team, "last_handle": None, "turns": 0})
        stmt = select(TeamCursorRow.last_handle).where(TeamCursorRow.team == team)
        if lock:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def advance(self, team: str, handle: str, now: datetime) -> None:
        await self.session.execute(
            update(TeamCursorRow).where(TeamCursorRow.team == team)
            .values(last_handle=handle, turns=TeamCursorRow.turns + 1, updated_at=now))

    async def open_work(self, handles: Collection[str],
                        statuses: tuple[Status, ...]) -> dict[str, dict[Priority, int]]:
        if not handles:
            return {}
        rows = await self.session.execute(
            select(PersonRow.handle, TicketRow.priority, func.count())
            .join(TicketRow, TicketRow.assignee_id == PersonRow.id)
            .where(PersonRow.handle.in_(list(handles)),
                   TicketRow.status.in_([s.value for s in statuses]))
            .group_by(PersonRow.handle, TicketRow.priority))
        work: dict[str, dict[Priority, int]] = {}
        for handle, priority, count in rows:
            work.setdefault(handle, {})[Priority(priority)] = int(count)
        return work
