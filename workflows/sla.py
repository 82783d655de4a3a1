"""A ticket's SLA clocks kept in step with its changes, and the escalation steps done to it.

`settle` runs with every change, inside the change's transaction (commands.context): it starts
or resumes the clocks, pauses them while the ticket is pending, suspended or resolved, stops the
response clock at the first response, re-targets on a priority change, and records each of these
in the audit trail. `perform` does one due escalation step.
"""

from datetime import datetime, timedelta
from typing import Any

from workflows.actions import Action
from workflows.audit import AuditEntry
from workflows.calendar import BusinessCalendar
from workflows.errors import DomainError
from workflows.escalation import DueStep, StepKind, advance, due_step, next_step, retarget, running_clocks
from workflows.kinds import Source
from workflows.organisation import Organisation
from workflows.people import Person
from workflows.priority import Priority
from workflows.sla_clock import SlaSnapshot, SlaState
from workflows.sla_policy import Clock, Facts, SlaBook, StepAction
from workflows.status import Status
from workflows.ticket import Actor, Ticket

PAUSING = frozenset({Status.PENDING, Status.SUSPENDED, Status.RESOLVED})


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def seconds(value: timedelta | None) -> int | None:
    return int(value.total_seconds()) if value is not None else None


def facts_of(ticket: Ticket, org: Organisation) -> Facts:
    return Facts(ticket.queue, ticket.team, ticket.type, ticket.category,
                 org.groups_of(ticket.requester.handle))


def calendar_of(state: SlaState, book: SlaBook) -> BusinessCalendar:
    return book.calendar(state.snapshot.calendar)


def start(ticket: Ticket, org: Organisation, at: datetime) -> None:
    """Snapshot the matching policy onto a new ticket and set its due times."""
    policy = org.sla.match(facts_of(ticket, org))
    ticket.sla = SlaState(SlaSnapshot.of(policy, ticket.priority), started_at=at)
    refresh(ticket, org.sla)


def refresh(ticket: Ticket, book: SlaBook) -> None:
    """The due times shown on the ticket, and when the sweep should next look at it."""
    state = ticket.sla
    assert state is not None
    calendar = calendar_of(state, book)
    ticket.response_due_at = state.due(Clock.RESPONSE, calendar)
    ticket.resolution_due_at = state.due(Clock.RESOLUTION, calendar)
    clocks = running_clocks(state, ticket.first_response_at is not None, ticket.status.is_open)
    step = next_step(state, calendar, clocks)
    state.next_due_at = step.due if step is not None else None


def settle(ticket: Ticket, org: Organisation, now: datetime) -> None:
    if ticket.workflow is None:
        ticket.workflow = org.workflow_for(ticket.kind)
    if ticket.sla is None:
        if not ticket.status.is_open:
            return
        start(ticket, org, ticket.created_at)  # a ticket from before SLA tracking
    state, book = ticket.sla, org.sla
    assert state is not None
    trigger: AuditEntry | None = ticket.new_audit[-1] if ticket.new_audit else None

    def note(action: str, **details: Any) -> None:
        ticket.record_system(action, now, {k: [None, v] for k, v in details.items()},
                             actor_id=trigger.actor_id if trigger else None,
                             source=trigger.source if trigger else Source.SYSTEM)

    if ticket.priority is not state.snapshot.priority:
        snapshot = SlaSnapshot.of(book.policy(state.snapshot.policy), ticket.priority)
        retarget(state, snapshot, book.calendar(snapshot.calendar), now)
        calendar = calendar_of(state, book)
        note("sla_retarget", policy=snapshot.policy, priority=ticket.priority.value,
             calendar=snapshot.calendar,
             response_due=iso(state.due(Clock.RESPONSE, calendar)),
             resolution_due=iso(state.due(Clock.RESOLUTION, calendar)))
    calendar = calendar_of(state, book)
    target = state.snapshot.targets.response
    if ticket.first_response_at is not None and state.response_met is None and target is not None:
        used = state.used(Clock.RESPONSE, calendar, ticket.first_response_at)
        state.response_met, state.response_used = used <= target, used
        note("sla_response", used=seconds(used), target=seconds(target), met=state.response_met)
    if ticket.status in PAUSING and state.paused_since is None:
        if ticket.status is Status.RESOLVED:
            resolution = state.snapshot.targets.resolution
            used = state.used(Clock.RESOLUTION, calendar, now)
            note("sla_stop", used=seconds(used), target=seconds(resolution),
                 met=None if resolution is None else used <= resolution)
        else:
            note("sla_pause", status=ticket.status.value)
        state.pause(now)
    elif ticket.status not in PAUSING and state.paused_since is not None and ticket.status.is_open:
        wall, business = state.resume(now, calendar)
        note("sla_resume", paused=seconds(wall), business=seconds(business),
             total=seconds(state.paused_total))
    refresh(ticket, book)


# -- escalation steps ------------------------------------------------------------------------


def due_now(ticket: Ticket, org: Organisation, now: datetime) -> DueStep | None:
    state = ticket.sla
    if state is None:
        return None
    clocks = running_clocks(state, ticket.first_response_at is not None, ticket.status.is_open)
    return due_step(state, calendar_of(state, org.sla), clocks, now)


def reassign_target(ticket: Ticket, org: Organisation, due: DueStep, now: datetime) -> str | None:
    """The handle a reassign step hands the ticket to: the team lead or the person on duty."""
    action = due.step.action
    team = org.team(ticket.team)
    if action is None or action.action is not StepAction.REASSIGN or team is None:
        return None
    if action.to == "on_duty" and (handle := team.on_duty_at(now)):
        return handle
    return sorted(team.leads)[0] if team.leads else None


def perform(ticket: Ticket, org: Organisation, due: DueStep, now: datetime,
            reassign_to: Person | None = None) -> None:
    """Do one step: its audit line (and the change it makes), then mark it done."""
    step = due.step
    state = ticket.sla
    assert state is not None
    details: dict[str, Any] = {"clock": step.clock.value, "due": iso(step.due)}
    if due.late is not None:
        details["late"] = seconds(due.late)
    if due.skipped:
        details["skipped"] = due.skipped
    system = Actor.system(now)

    def note(name: str, reason: str | None = None, **more: Any) -> None:
        ticket.record_system(name, now, {k: [None, v] for k, v in {**details, **more}.items()},
                             reason=reason)

    if step.kind is StepKind.WARNING:
        note("sla_warning", percent=round((step.fraction or 0) * 100),
             breach_at=iso(state.due(step.clock, calendar_of(state, org.sla))))
    elif step.kind is StepKind.BREACH:
        note("sla_breach")
    elif step.kind is StepKind.REMINDER:
        note("sla_reminder", number=step.number, of=state.snapshot.chain.max_reminders)
    elif step.kind is StepKind.EXHAUSTED:
        # A ticket nobody has taken cannot be suspended: the line must not say it was.
        suspended = ticket.flow.may(Action.SUSPEND, ticket.status_id, system.roles)
        note("sla_exhausted", reminders=step.number, suspended=suspended)
        if suspended:
            _try(lambda: ticket.suspend(system, "SLA escalation exhausted"))
    else:
        _chain_step(ticket, due, system, reassign_to, note)
    advance(state, step)


def _chain_step(ticket: Ticket, due: DueStep, system: Actor, reassign_to: Person | None,
                note: Any) -> None:
    step = due.step
    action = step.action.action  # type: ignore[union-attr]
    late = f"; done {int(due.late.total_seconds() // 60)} min late" if due.late else ""
    reason = f"SLA escalation step {step.number} ({step.clock.value} breached{late})"
    if action is StepAction.NOTIFY_LEAD:
        note("escalation", step=step.number)
    elif action is StepAction.POST_CHANNEL:
        note("escalation_channel", step=step.number)
    elif action is StepAction.REASSIGN:
        if reassign_to is None or not _try(lambda: ticket.escalate_to(system, reassign_to, reason)):
            note("sla_step_skipped", reason="nobody to reassign to", step=step.number,
                 action=action.value)
    elif action is StepAction.RAISE_PRIORITY:
        higher = Priority(f"P{ticket.priority.rank - 1}") if ticket.priority.rank > 1 else None
        if higher is None or not _try(lambda: ticket.set_priority(system, higher, reason)):
            note("sla_step_skipped", reason="priority cannot be raised", step=step.number,
                 action=action.value)


def _try(change: Any) -> bool:
    """A step whose change the ticket's state no longer allows is skipped, not retried."""
    try:
        change()
    except DomainError:
        return False
    return True
