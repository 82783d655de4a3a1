"""Schedules in and out of their rows, the tick's way in (the partial index on `next_due`), and
the occurrence key that makes each work order once.

A tick reads only ids whose `next_due` has come, then works on each schedule in its own
transaction: `lock_due` takes the row (`FOR UPDATE SKIP LOCKED` on PostgreSQL: a schedule
another replica is working on is skipped; SQLite serialises writers) and re-checks that it is
still due, and `occurred` inserts the (schedule, instant) key with `ON CONFLICT DO NOTHING`,
so even a replica that got past the lock some other way creates nothing twice.
"""

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialects import ByDialect, insert_for
from storage.models import ScheduleOccurrenceRow, ScheduleRow
from workflows.kinds import TicketType
from workflows.priority import Priority
from workflows.schedule import CatchUp, Limits, OffDays, Progress
from workflows.work_order import ChecklistItem, Schedule, Template, When

_S, _O = ScheduleRow.__table__, ScheduleOccurrenceRow.__table__
_OCCURRED = ByDialect(
    lambda insert: insert(_O).on_conflict_do_nothing(
        index_elements=[_O.c.schedule_id, _O.c.due_at]).returning(_O.c.schedule_id),
    ["schedule_id", "due_at", "made_at", "late"])
_DUE = (select(_S.c.id).where(_S.c.next_due.is_not(None), _S.c.next_due <= bindparam("_now"))
        .order_by(_S.c.next_due).limit(bindparam("_limit")))
# A tick's statements, built once (Core: a thousand of them per busy minute).
_LOCK_DUE = (select(_S).where(_S.c.id == bindparam("_id"), _S.c.next_due <= bindparam("_now"))
             .with_for_update(skip_locked=True))
_SAVE = update(_S).where(_S.c.id == bindparam("_id"))
# A batch of due schedules in one statement, id order, skipping those another replica holds.
_LOCK_DUE_MANY = (select(_S).where(_S.c.id.in_(bindparam("_ids", expanding=True)),
                                   _S.c.next_due <= bindparam("_now"))
                  .order_by(_S.c.id).with_for_update(skip_locked=True))


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _columns(s: Schedule) -> dict[str, Any]:
    t, w, p = s.template, s.when, s.progress
    return {
        "name": s.name, "title": t.title, "description": t.description, "team": t.team,
        "priority": t.priority.value, "type": t.type.value if t.type else None,
        "category": t.category,
        "checklist": [{"text": i.text, "required": i.required} for i in t.checklist],
        "asset": t.asset, "asset_type": t.asset_type,
        "rrule": w.rrule, "at_time": w.at.strftime("%H:%M"), "tz": w.tz.key,
        "start_date": w.start.isoformat(),
        "until_date": w.until.isoformat() if w.until else None, "off_days": w.off_days.value,
        "calendar": w.calendar, "catch_up": s.catch_up.value, "max_count": s.limits.max_count,
        "pause_after": s.limits.pause_after, "made": p.made, "since_resume": p.since_resume,
        "paused": p.paused, "last_at": p.last, "next_due": s.next_due, "owner": s.owner,
        "origin": s.origin,
    }


def _schedule(row: Any) -> Schedule:
    template = Template(
        row.title, row.team, Priority(row.priority), row.description,
        TicketType(row.type) if row.type else None, row.category,
        tuple(ChecklistItem(i["text"], bool(i.get("required", True))) for i in row.checklist),
        row.asset, row.asset_type)
    when = When(row.rrule, time.fromisoformat(row.at_time), ZoneInfo(row.tz),
                date.fromisoformat(row.start_date),
                date.fromisoformat(row.until_date) if row.until_date else None,
                OffDays(row.off_days), row.calendar)
    return Schedule(row.name, template, when, row.owner, CatchUp(row.catch_up),
                    Limits(row.max_count, row.pause_after),
                    Progress(row.made, row.since_resume, row.paused, row.last_at),
                    row.next_due, row.origin, row.id)


class SqlSchedules:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, schedule: Schedule, now: datetime) -> bool:
        if await self._row(schedule.name) is not None:
            return False
        row = ScheduleRow(**_columns(schedule), created_at=now, updated_at=now)
        self.session.add(row)
        await self.session.flush()
        schedule.id = row.id
        return True

    async def _row(self, name: str, for_update: bool = False) -> ScheduleRow | None:
        query = select(ScheduleRow).where(ScheduleRow.name == name)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def get(self, name: str, *, for_update: bool = False) -> Schedule | None:
        row = await self._row(name, for_update)
        return _schedule(row) if row is not None else None

    async def all(self) -> list[Schedule]:
        rows = (await self.session.execute(select(ScheduleRow).order_by(ScheduleRow.name)))
        return [_schedule(r) for r in rows.scalars()]

    async def save(self, schedule: Schedule, now: datetime) -> None:
        connection = await self.session.connection()
        await connection.execute(_SAVE, {"_id": schedule.id, **_columns(schedule),
                                         "updated_at": now})

    async def remove(self, name: str) -> bool:
        row = await self._row(name, for_update=True)
        if row is None:
            return False
        await self.session.execute(delete(_O).where(_O.c.schedule_id == row.id))
        await self.session.delete(row)
        await self.session.flush()
        return True

    async def due(self, now: datetime, limit: int) -> list[int]:
        connection = await self.session.connection()
        return list((await connection.execute(_DUE, {"_now": now, "_limit": limit})).scalars())

    async def lock_due(self, schedule_id: int, now: datetime) -> Schedule | None:
        connection = await self.session.connection()
        row = (await connection.execute(_LOCK_DUE, {"_id": schedule_id, "_now": now})).first()
        return _schedule(row) if row is not None else None

    async def occurred(self, schedule_id: int, at: datetime, now: datetime, late: bool) -> bool:
        found = await _OCCURRED.scalar(self.session, {"schedule_id": schedule_id, "due_at": at,
                                                      "made_at": now, "late": late})
        return found is not None

    async def lock_due_many(self, ids: list[int], now: datetime) -> list[Schedule]:
        if not ids:
            return []
        connection = await self.session.connection()
        rows = await connection.execute(_LOCK_DUE_MANY, {"_ids": ids, "_now": now})
        return [_schedule(row) for row in rows]

    async def save_many(self, schedules: list[Schedule], now: datetime) -> None:
        if schedules:
            connection = await self.session.connection()
            await connection.execute(_SAVE, [{"_id": s.id, **_columns(s), "updated_at": now}
                                             for s in schedules])

    async def occurred_many(self, keys: list[tuple[int, datetime, bool]], now: datetime
                            ) -> set[tuple[int, datetime]]:
        """Record the keys (schedule, instant, late) in one statement; the ones that were new,
        as (schedule, instant in UTC). A key recorded before is not returned."""
        if not keys:
            return set()
        connection = await self.session.connection()
        statement = (insert_for(connection)(_O)
                     .on_conflict_do_nothing(index_elements=[_O.c.schedule_id, _O.c.due_at])
                     .returning(_O.c.schedule_id, _O.c.due_at))
        rows = await connection.execute(statement, [
            {"schedule_id": i, "due_at": at, "made_at": now, "late": late}
            for i, at, late in keys])
        return {(schedule_id, _utc(at)) for schedule_id, at in rows}
