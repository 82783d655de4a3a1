"""Reminders of an approval step (`remind_after` in docs/workflows.md), run with each SLA sweep:
once the ticket has waited that long in the step, the approvers still awaited hear it once.

Each ticket is its own transaction under its row lock; the reminder is an audit line, so a
second sweep (or another replica) finds it and reminds nobody again. A ticket sent back and
submitted again waits afresh and is reminded again.
"""

from dataclasses import dataclass, field

from commands.context import commit_change
from commands.notify import NotifyConfig
from commands.ports import Clock, UnitOfWorkFactory
from workflows.organisation import Organisation

REMINDER = "approval_reminder"
BATCH = 200


@dataclass
class ReminderReport:
    reminded: list[str] = field(default_factory=list)  # ticket keys


def _steps(org: Organisation) -> set[str]:
    flows = [*org.workflows.values()]
    return {sid for flow in flows for sid, step in flow.approvals.items()
            if step.remind_after is not None}


async def remind_approvers(uow: UnitOfWorkFactory, org: Organisation, clock: Clock,
                           notify: NotifyConfig) -> ReminderReport:
    report = ReminderReport()
    steps = _steps(org)
    if not steps:
        return report
    async with uow() as reading:
        keys = await reading.tickets.in_workflow_statuses(steps, BATCH)
    for key in keys:
        async with uow() as work:
            ticket = await work.tickets.get(key, for_update=True)
            ticket.workflow = org.workflow_for(ticket.kind)
            step_id = str(ticket.status_id)
            step = ticket.flow.approvals.get(step_id)
            if step is None or step.remind_after is None or not ticket.status.is_open:
                continue
            entered_at = None
            reminded = False
            for line in await work.tickets.history(ticket):
                moved = (line.changes or {}).get("workflow_status")
                if moved and len(moved) == 2 and moved[1] == step_id:
                    entered_at, reminded = line.at, False
                if line.action == REMINDER and (line.changes or {}).get(
                        "approval", [None])[0] == step_id:
                    reminded = True
            now = clock.now()
            if entered_at is None or reminded or now < _aware(entered_at, now) + step.remind_after:
                continue
            ticket.record_system(REMINDER, now, {"approval": [step_id, None]})
            await commit_change(work, ticket, org, notify, None, now)
            report.reminded.append(key)
    return report


def _aware(at, now):  # type: ignore[no-untyped-def]
    """SQLite hands back naive times (stored as UTC)."""
    return at.replace(tzinfo=now.tzinfo) if at.tzinfo is None and now.tzinfo else at
