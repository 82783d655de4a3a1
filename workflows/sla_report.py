"""What `sla IT-42`, `sla explain` and `ticketbot sla simulate` show: views of the clocks, and a
dry run of the escalation state machine for a ticket nobody touches."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from workflows.calendar import DAY, BusinessCalendar
from workflows.escalation import StepKind, next_step, running_clocks
from workflows.organisation import Organisation
from workflows.priority import Priority
from workflows.sla import calendar_of
from workflows.sla_clock import SlaSnapshot, SlaState
from workflows.sla_dry_run import Act, NextStep, People, dry_run, new_ticket
from workflows.sla_policy import Clock, Facts, SlaPolicy
from workflows.ticket import Ticket


@dataclass(frozen=True, slots=True)
class ClockView:
    state: str  # untracked, running, breached, paused, met, missed, stopped
    target: timedelta | None
    used: timedelta
    due: datetime | None
    breached_at: datetime | None


@dataclass(frozen=True, slots=True)
class SlaView:
    policy: str
    calendar: str
    priority: str
    response: ClockView
    resolution: ClockView
    paused_total: timedelta
    paused_since: datetime | None
    next: NextStep | None
    business: bool = False  # an office calendar: spans read in business hours and days
    workday: timedelta | None = None  # its working day's length, when all are alike


def hours_kind(calendar: BusinessCalendar) -> tuple[bool, timedelta | None]:
    """Whether the calendar keeps office hours (not round the clock), and how long its working
    day is when every working weekday lasts the same (so targets can read in business days)."""
    business = (any(spans != ((0, DAY),) for spans in calendar.week)
                or calendar.source is not None or bool(calendar.holidays))
    lengths = {sum(b - a for a, b in spans) for spans in calendar.week if spans}
    workday = timedelta(minutes=lengths.pop()) if business and len(lengths) == 1 else None
    return business, workday


def _next(step_kind: StepKind, clock: Clock, at: datetime, number: int, action: str | None,
          fraction: float | None) -> NextStep:
    return NextStep(clock.value, step_kind.value, at, number, action,
                    round(fraction * 100) if fraction is not None else None)


def view(ticket: Ticket, org: Organisation, now: datetime) -> SlaView | None:
    state = ticket.sla
    if state is None:
        return None
    calendar = calendar_of(state, org.sla)
    paused = state.paused_since is not None

    def clock_view(clock: Clock) -> ClockView:
        target = state.snapshot.targets.of(clock)
        progress = state.progress(clock)
        done = ticket.first_response_at if clock is Clock.RESPONSE else None
        used = state.used(clock, calendar, now)
        if clock is Clock.RESPONSE and state.response_used is not None:
            used = state.response_used  # later pauses must not shrink it
        due = state.due(clock, calendar)
        if target is None:
            status = "untracked"
        elif clock is Clock.RESPONSE and done is not None:
            status = "met" if used <= target else "missed"
        elif not ticket.status.is_open:
            status = "stopped"
        elif paused:
            status = "paused"
        elif progress.breached_at is not None or (due is not None and due <= now):
            status = "breached"
        else:
            status = "running"
        return ClockView(status, target, used, due, progress.breached_at)

    clocks = running_clocks(state, ticket.first_response_at is not None, ticket.status.is_open)
    step = next_step(state, calendar, clocks)
    upcoming = None
    if step is not None:
        upcoming = _next(step.kind, step.clock, step.due, step.number,
                         step.action.action.value if step.action else None, step.fraction)
    return SlaView(state.snapshot.policy, state.snapshot.calendar, ticket.priority.value,
                   clock_view(Clock.RESPONSE), clock_view(Clock.RESOLUTION), state.paused_total,
                   state.paused_since if ticket.status.is_open else None, upcoming,
                   *hours_kind(calendar))


def simulate(org: Organisation, policy: SlaPolicy, priority: Priority, facts: Facts,
             opened: datetime, acts: tuple[Act, ...] = (), limit: int = 200) -> list[NextStep]:
    """Every step the sweep would take for a ticket opened at `opened` on `policy`, with `acts`
    (claims, pends, resumes, priority changes) done at their instants, and never resolved."""
    people = People()
    ticket = new_ticket(org, policy, priority, facts, opened, people)
    return dry_run(org, ticket, acts, people, limit)


@dataclass(frozen=True, slots=True)
class Explanation:
    policy: str
    calendar: str
    timezone: str
    priority: str
    opened: datetime
    response_due: datetime | None
    resolution_due: datetime | None
    timeline: list[NextStep]
    more: int = 0  # steps of the whole timeline not shown (`sla explain … all` shows them)
    response_target: timedelta | None = None
    resolution_target: timedelta | None = None
    business: bool = False
    workday: timedelta | None = None


SHOWN_STEPS = 12  # what `sla explain` shows unless asked for all
WHOLE_TIMELINE = 500  # a bound on any timeline (reminders end in the exhaustion step)


def explain(org: Organisation, priority: Priority, facts: Facts, now: datetime,
            shown: int | None = SHOWN_STEPS) -> Explanation:
    """Dry run: the policy and calendar a ticket opened now would get, and its due times. The
    whole timeline is computed; `shown` steps of it are kept and the rest counted."""
    book = org.sla
    policy = book.match(facts)
    state = SlaState(SlaSnapshot.of(policy, priority), started_at=now)
    calendar = calendar_of(state, book)
    timeline = simulate(org, policy, priority, facts, now, limit=WHOLE_TIMELINE)
    kept = timeline if shown is None else timeline[:shown]
    return Explanation(policy.name, calendar.name, str(calendar.tz), priority.value, now,
                       state.due(Clock.RESPONSE, calendar), state.due(Clock.RESOLUTION, calendar),
                       kept, len(timeline) - len(kept), state.snapshot.targets.of(Clock.RESPONSE),
                       state.snapshot.targets.of(Clock.RESOLUTION), *hours_kind(calendar))
