"""SLA state in and out of the ticket row, and the sweep's claim on due tickets.

A claim finds due tickets through the partial index on `sla_next_due_at`, skips rows another
transaction holds (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises writers), bumps
each ticket's fencing token and pushes its due time ahead by a lease: no other sweep takes it
meanwhile, and if the claimer dies the ticket falls due again when the lease runs out.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.ports import SlaClaim
from storage.models import TicketRow
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
            .returning(TicketRow.key, TicketRow.sla_fence)
            .execution_options(synchronize_session=False))
        return [SlaClaim(key, fence) for key, fence in rows]
