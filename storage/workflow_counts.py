"""Open tickets per (type, phase, workflow status): what `config check` compares with the
organisation file's workflows. One grouped read; closed and cancelled tickets never move again."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import TicketRow
from workflows.status import Status
from workflows.workflow_drift import StatusCount

# An organisation's own type has its own workflow: it counts under its id, not its built-in's.
_KIND = func.coalesce(TicketRow.custom_type, TicketRow.type)
_COUNTS = (
    select(_KIND, TicketRow.status, TicketRow.workflow_status,
           func.count(), func.min(TicketRow.key))
    .where(TicketRow.status.not_in([Status.CLOSED.value, Status.CANCELLED.value]))
    .group_by(_KIND, TicketRow.status, TicketRow.workflow_status)
)


async def open_status_counts(engine: AsyncEngine) -> list[StatusCount]:
    async with engine.connect() as connection:
        rows = (await connection.execute(_COUNTS)).all()
    return [StatusCount(t, s, w, n, k) for t, s, w, n, k in rows]
