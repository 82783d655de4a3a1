"""A dry run of a ticket's SLA: the sweep's own functions (`workflows.sla`: `due_now`,
`reassign_target`, `perform`, `settle`) applied to an in-memory ticket, with what people do to it
at their instants. Nothing is re-implemented, so a dry run and the sweep cannot disagree: a
reassign to nobody is skipped, a P1 is not raised, an exhausted chain suspends only a ticket that
may be suspended, and a retarget after a raise moves the steps that follow."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from workflows.audit import AuditEntry
from workflows.errors import DomainError
from workflows.escalation import DueStep, StepKind
from workflows.kinds import Source
from workflows.organisation import Organisation
from workflows.people import Person
from workflows.priority import Priority
from workflows.sla import due_now, perform, reassign_target, refresh, settle
from workflows.sla_clock import SlaSnapshot, SlaState
from workflows.sla_policy import Facts, SlaPolicy
from workflows.status import Status
from workflows.ticket import Actor, Ticket


@dataclass(frozen=True, slots=True)
class NextStep:
    clock: str
    kind: str  # warning, breach, chain, reminder, exhausted
    at: datetime  # when it is due, or (a dry run) when the sweep does it
    number: int
    action: str | None  # chain steps: notify_lead, post_channel, reassign, raise_priority
    percent: int | None  # warnings
    to: str | None = None  # what a done reassign or raise led to: the handle, the priority
    skipped: bool = False  # a chain step with nobody to reassign to, or a P1 to raise
    suspended: bool = True  # exhausted: whether the ticket could be suspended
    late_for: datetime | None = None  # done late: when it was due
    folded: int = 0  # earlier warnings or reminders done as this one

    @property
    def template(self) -> str:
        """The catalog key that says what this step does."""
        if self.kind == StepKind.CHAIN and self.skipped:
            return "sla.step.skipped"
        if self.kind == StepKind.CHAIN and self.to is not None:
            return f"sla.step.{self.action}"
        if self.kind == StepKind.EXHAUSTED and not self.suspended:
            return "sla.step.exhausted_unsuspended"
        return f"sla.step.{self.kind}"


@dataclass(frozen=True, slots=True)
class Act:
    """Something a person does to the ticket during a dry run."""

    at: datetime
    action: str  # claim, reply, pend, resume, priority
    by: str  # the person's handle
    priority: Priority | None = None  # for `priority`


class People:
    """Stand-ins for the organisation's people: one stable id per handle, as in the database."""

    def __init__(self) -> None:
        self._known: dict[str, Person] = {}

    def __call__(self, handle: str) -> Person:
        if handle not in self._known:
            self._known[handle] = Person(len(self._known) + 1, handle, handle)
        return self._known[handle]


REQUESTER = "(requester)"  # no handle of the organisation file has parentheses


def new_ticket(org: Organisation, policy: SlaPolicy, priority: Priority, facts: Facts,
               opened: datetime, people: People) -> Ticket:
    """A ticket nobody has taken, opened at `opened`, its clocks on `policy`."""
    ticket = Ticket(key=f"{facts.queue}-0", queue=facts.queue, number=0, title="dry run",
                    description="", type=facts.type, priority=priority, status=Status.NEW,
                    requester=people(REQUESTER), team=facts.team, source=Source.SYSTEM,
                    created_at=opened, updated_at=opened, category=facts.category, id=0)
    ticket.sla = SlaState(SlaSnapshot.of(policy, priority), started_at=opened)
    refresh(ticket, org.sla)
    return ticket


def dry_run(org: Organisation, ticket: Ticket, acts: Iterable[Act] = (),
            people: People | None = None, limit: int = 200) -> list[NextStep]:
    """Every step the sweep would do to `ticket`, run at each step's due instant, with `acts`
    done at theirs. An act at a step's instant comes first (a pend then pauses the clock before
    the step is due); an act the ticket's state refuses changes nothing, as in chat."""
    people = people or People()
    waiting = sorted(acts, key=lambda a: a.at)
    timeline: list[NextStep] = []
    now = ticket.created_at
    while len(timeline) < limit:
        due_at = ticket.sla.next_due_at if ticket.sla else None
        if waiting and (due_at is None or waiting[0].at <= due_at):
            act = waiting.pop(0)
            now = max(now, act.at)
            _act(org, ticket, act, people)
            continue
        if due_at is None:
            break
        # A change can make a step due in the past (a raise to a target already used up): the
        # sweep does it at once, late, never before what came earlier.
        now = max(now, due_at)
        due = due_now(ticket, org, now)
        if due is None:  # cannot happen: next_due_at is the next step's due time
            break
        handle = reassign_target(ticket, org, due, now)
        done = len(ticket.new_audit)
        perform(ticket, org, due, now, people(handle) if handle else None)
        settle(ticket, org, now)
        timeline.append(_outcome(due, now, ticket.new_audit[done:]))
    return timeline


def _act(org: Organisation, ticket: Ticket, act: Act, people: People) -> None:
    actor = Actor.of(people(act.by), ticket, org, act.at, Source.CONSOLE)
    try:
        if act.action == "claim":
            ticket.claim(actor)
        elif act.action == "reply":
            ticket.reply(actor, "dry run")
        elif act.action == "pend":
            ticket.pend(actor, "dry run")
        elif act.action == "resume":
            ticket.resume(actor)
        elif act.action == "priority" and act.priority is not None:
            ticket.set_priority(actor, act.priority, None)
        else:
            raise ValueError(f"unknown dry-run action {act.action!r}")
    except DomainError:
        return
    settle(ticket, org, act.at)


def _outcome(due: DueStep, now: datetime, entries: list[AuditEntry]) -> NextStep:
    """The step as the audit lines `perform` wrote for it say it went, done at `now`."""
    step = due.step
    by_action = {e.action: e for e in entries}
    to = None
    if (entry := by_action.get("escalate") or by_action.get("priority")) is not None:
        to = next(iter(entry.changes.values()))[1]
    return NextStep(step.clock.value, step.kind.value, now, step.number,
                    step.action.action.value if step.action else None,
                    round(step.fraction * 100) if step.fraction is not None else None,
                    to, "sla_step_skipped" in by_action,
                    step.kind is not StepKind.EXHAUSTED or "suspend" in by_action,
                    step.due if due.late is not None else None, due.skipped)
