"""SLA state in and out of the ticket row, and the sweep's claim on due tickets.

A claim finds due tickets through the partial index on `sla_next_due_at`, skips rows another
transaction holds (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises writers), bumps
each ticket's fencing token and pushes its due time ahead by a lease: no other sweep takes it
meanwhile, and if the claimer dies the ticket falls due again when the lease runs out.

"Due" is measured by the database's clock as well as the sweeping replica's (the earlier of the
two), so a replica whose clock runs fast does nothing early. A step that keeps failing is
counted here (fenced by its claim) and, after the sweep's limit, no longer claimed: a dead
letter that `ticketbot sla failed` lists and `sla retry` re-queues.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Insert, bindparam, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.ports import SlaClaim, SlaFailure
from storage.dialects import ByDialect
from storage.models import SlaFailureRow, TicketRow
from workflows.sla_clock import ClockProgress, SlaSnapshot, SlaState

# Ended pauses travel in the snapshot's JSON (no new column): a row written before they did has
# no "pauses" key, and its `sla_paused_business` is carried over as a number.
PAUSES, CARRIED = "pauses", "paused_carried"


def _snapshot_json(state: SlaState) -> dict[str, Any]:
    pauses = [[begin.astimezone(UTC).isoformat(), end.astimezone(UTC).isoformat()]
              for begin, end in state.pauses]
    return {**state.snapshot.to_json(), PAUSES: pauses,
            CARRIED: int(state.carried.total_seconds())}


def _pauses(data: dict[str, Any], row: TicketRow) -> tuple[list[tuple[datetime, datetime]],
                                                           timedelta]:
    if PAUSES not in data:
        return [], timedelta(seconds=row.sla_paused_business or 0)
    pauses = [(datetime.fromisoformat(begin), datetime.fromisoformat(end))
              for begin, end in data[PAUSES]]
    return pauses, timedelta(seconds=data.get(CARRIED) or 0)


_T, _F = TicketRow.__table__, SlaFailureRow.__table__
# Whether a claimed ticket's step failed before: only then does its success forget the attempts.
_FAILING = exists().where(_F.c.ticket_id == _T.c.id).label("failing")
_CLAIMED_TICKET = (select(_T.c.id).where(_T.c.key == bindparam("_key"),
                                         _T.c.sla_fence == bindparam("_fence"))
                   .with_for_update())


def _count_failure(insert: Callable[..., Any]) -> Insert:
    statement = insert(_F)
    return statement.on_conflict_do_update(index_elements=[_F.c.ticket_id], set_={
        "attempts": _F.c.attempts + 1, "last_error": statement.excluded.last_error,
        "last_failed_at": statement.excluded.last_failed_at,
    }).returning(_F.c.attempts)


# Due tickets locked for a batch done in the same transaction: nothing written to claim them.
_LOCK_DUE = (select(_T.c.key, _T.c.sla_fence, _FAILING)
             .where(_T.c.sla_next_due_at <= bindparam("_now"))
             .order_by(_T.c.sla_next_due_at).limit(bindparam("_limit"))
             .with_for_update(of=_T, skip_locked=True))
_COUNT_FAILURE = ByDialect(_count_failure, ("ticket_id", "attempts", "last_error",
                                            "first_failed_at", "last_failed_at"))
_GIVE_UP = update(_F).where(_F.c.ticket_id == bindparam("_id")).values(dead_at=bindparam("_at"))
_UNSCHEDULE = update(_T).where(_T.c.id == bindparam("_id")).values(sla_next_due_at=None)
_RESCHEDULE = update(_T).where(_T.c.id == bindparam("_id")).values(
    sla_next_due_at=bindparam("_at"))
_FORGET = delete(_F).where(_F.c.ticket_id == bindparam("_id"))
_DONE = delete(_F).where(_F.c.ticket_id.in_(select(_T.c.id).where(_T.c.key == bindparam("_key"))))
_ALL_DONE = delete(_F).where(_F.c.ticket_id.in_(
    select(_T.c.id).where(_T.c.key.in_(bindparam("_keys", expanding=True)))))
# The databases' own clocks: PostgreSQL's time of this statement; SQLite's in the text form the
# UTCDateTime columns are stored in.
_DATABASE_NOW = {"postgresql": select(func.statement_timestamp()),
                 "sqlite": select(func.strftime("%Y-%m-%d %H:%M:%f", "now"))}


def sla_values(state: SlaState | None) -> dict[str, Any]:
    if state is None:
        return {}
    return {
        "sla_policy": state.snapshot.policy, "sla_calendar": state.snapshot.calendar,
        "sla_snapshot": _snapshot_json(state), "sla_started_at": state.started_at,
        "sla_paused_since": state.paused_since,
        "sla_paused_business": int(state.paused_business.total_seconds()),
        "sla_paused_total": int(state.paused_total.total_seconds()),
        "sla_response_met": state.response_met,
        "sla_response_used": (int(state.response_used.total_seconds())
                              if state.response_used is not None else None),
        "sla_response_stage": state.response.stage,
        "sla_response_anchor": state.response.anchor,
        "sla_response_breached_at": state.response.breached_at,
        "sla_resolution_stage": state.resolution.stage,
        "sla_resolution_anchor": state.resolution.anchor,
        "sla_resolution_breached_at": state.resolution.breached_at,
        "sla_next_due_at": state.next_due_at, "sla_fence": state.fence,
    }


def sla_state(row: TicketRow) -> SlaState | None:
    if row.sla_snapshot is None or row.sla_started_at is None:
        return None
    pauses, carried = _pauses(row.sla_snapshot, row)
    return SlaState(
        snapshot=SlaSnapshot.from_json(row.sla_snapshot), started_at=row.sla_started_at,
        paused_since=row.sla_paused_since,
        paused_business=timedelta(seconds=row.sla_paused_business or 0),
        paused_total=timedelta(seconds=row.sla_paused_total or 0),
        response_met=row.sla_response_met,
        response_used=(timedelta(seconds=row.sla_response_used)
                       if row.sla_response_used is not None else None),
        response=ClockProgress(row.sla_response_stage or 0, row.sla_response_anchor,
                               row.sla_response_breached_at),
        resolution=ClockProgress(row.sla_resolution_stage or 0, row.sla_resolution_anchor,
                                 row.sla_resolution_breached_at),
        next_due_at=row.sla_next_due_at, fence=row.sla_fence or 0,
        pauses=pauses, carried=carried,
    )


class SqlSlaClaims:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[SlaClaim]:
        due = (select(TicketRow.id).where(TicketRow.sla_next_due_at <= now)
               .order_by(TicketRow.sla_next_due_at).limit(limit)
               .with_for_update(skip_locked=True))
        rows = await self.session.execute(
            update(TicketRow).where(TicketRow.id.in_(due.scalar_subquery()))
            .values(sla_fence=TicketRow.sla_fence + 1, sla_next_due_at=now + lease)
            .returning(TicketRow.key, TicketRow.sla_fence, _FAILING)
            .execution_options(synchronize_session=False))
        return [SlaClaim(key, fence, bool(failing)) for key, fence, failing in rows]

    async def lock_due(self, now: datetime, limit: int) -> list[SlaClaim]:
        rows = await (await self.session.connection()).execute(_LOCK_DUE,
                                                               {"_now": now, "_limit": limit})
        return [SlaClaim(key, fence or 0, bool(failing)) for key, fence, failing in rows]

    async def database_now(self) -> datetime:
        connection = await self.session.connection()
        value = await connection.scalar(_DATABASE_NOW[connection.dialect.name])
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    async def step_failed(self, claim: SlaClaim, error: str, now: datetime, max_attempts: int
                          ) -> SlaFailure | None:
        connection = await self.session.connection()
        ticket_id = await connection.scalar(_CLAIMED_TICKET,
                                            {"_key": claim.key, "_fence": claim.fence})
        if ticket_id is None:  # another sweep holds the ticket now: its attempt counts, not ours
            return None
        error = error[:2000]
        attempts = await _COUNT_FAILURE.scalar(self.session, {
            "ticket_id": ticket_id, "attempts": 1, "last_error": error,
            "first_failed_at": now, "last_failed_at": now})
        dead = attempts >= max_attempts
        if dead:
            await connection.execute(_GIVE_UP, {"_id": ticket_id, "_at": now})
            await connection.execute(_UNSCHEDULE, {"_id": ticket_id})
        return SlaFailure(claim.key, attempts, error, now, now if dead else None)

    async def step_done(self, key: str) -> None:
        await (await self.session.connection()).execute(_DONE, {"_key": key})

    async def steps_done(self, keys: list[str]) -> None:
        if keys:
            await (await self.session.connection()).execute(_ALL_DONE, {"_keys": keys})

    async def dead_letters(self, limit: int = 100) -> list[SlaFailure]:
        rows = await self.session.execute(
            select(_T.c.key, _F.c.attempts, _F.c.last_error, _F.c.last_failed_at, _F.c.dead_at)
            .join(_T, _T.c.id == _F.c.ticket_id).where(_F.c.dead_at.is_not(None))
            .order_by(_F.c.dead_at, _T.c.id).limit(limit))
        return [SlaFailure(*row) for row in rows]

    async def retry(self, keys: list[str] | None) -> list[str]:
        query = (select(_T.c.id, _T.c.key, _F.c.first_failed_at)
                 .join(_F, _F.c.ticket_id == _T.c.id)
                 .where(_F.c.dead_at.is_not(None)).order_by(_T.c.id))
        if keys is not None:
            query = query.where(_T.c.key.in_([k.upper() for k in keys]))
        found = (await self.session.execute(query)).all()
        connection = await self.session.connection()
        for ticket_id, _, first_failed_at in found:
            # Due again since it first failed: the next sweep of any replica takes it, with a
            # fresh set of attempts.
            await connection.execute(_RESCHEDULE, {"_id": ticket_id, "_at": first_failed_at})
            await connection.execute(_FORGET, {"_id": ticket_id})
        return [key for _, key, _ in found]
