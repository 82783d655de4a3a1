"""The escalation state machine of one SLA clock, as an ordered list of steps:

    warnings (e.g. 50 %, 75 % of the target) → breach → chain steps → reminders → exhausted

`ClockProgress.stage` is the index of the next step, so each step is done once. Warnings and
the breach are due at fractions of the business-time target; every later step is due a delay
after the step before it (its `anchor`), in business or wall time.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from workflows.calendar import BusinessCalendar
from workflows.sla_clock import SlaSnapshot, SlaState
from workflows.sla_policy import Clock, EscalationStep

LATE_AFTER = timedelta(minutes=2)  # a step done later than this after its due time says so


class StepKind(StrEnum):
    WARNING = "warning"
    BREACH = "breach"
    CHAIN = "chain"
    REMINDER = "reminder"
    EXHAUSTED = "exhausted"


@dataclass(frozen=True, slots=True)
class Step:
    clock: Clock
    index: int
    kind: StepKind
    due: datetime
    fraction: float | None = None  # warnings
    action: EscalationStep | None = None  # chain steps
    number: int = 0  # chain step or reminder number, from 1


@dataclass(frozen=True, slots=True)
class DueStep:
    step: Step
    skipped: int  # earlier warnings or reminders folded into this one (bot was down)
    late: timedelta | None  # how late the step is done, when it is late


def _shift(anchor: datetime, delay: timedelta, business: bool, calendar: BusinessCalendar
           ) -> datetime:
    return calendar.add(anchor, delay) if business else anchor + delay


def step_at(state: SlaState, clock: Clock, index: int, calendar: BusinessCalendar,
            anchor: datetime | None = None) -> Step | None:
    """Step `index` of the clock, or None past the end (or for an untracked clock)."""
    snap = state.snapshot
    if snap.targets.of(clock) is None:
        return None
    warnings, chain = len(snap.warnings), snap.chain
    if index < warnings:
        fraction = snap.warnings[index]
        return Step(clock, index, StepKind.WARNING, state.due(clock, calendar, fraction), fraction)  # type: ignore[arg-type]
    if index == warnings:
        return Step(clock, index, StepKind.BREACH, state.due(clock, calendar))  # type: ignore[arg-type]
    anchor = anchor or state.progress(clock).anchor
    if anchor is None:  # the breach has not been done: nothing after it is scheduled yet
        return None
    position = index - warnings - 1
    if position < len(chain.steps):
        action = chain.steps[position]
        due = _shift(anchor, action.after, action.business, calendar)
        return Step(clock, index, StepKind.CHAIN, due, action=action, number=position + 1)
    reminder = position - len(chain.steps) + 1
    if reminder > chain.max_reminders + 1:
        return None
    due = _shift(anchor, chain.repeat_every, chain.repeat_business, calendar)
    if reminder == chain.max_reminders + 1:
        return Step(clock, index, StepKind.EXHAUSTED, due, number=chain.max_reminders)
    return Step(clock, index, StepKind.REMINDER, due, number=reminder)


def running_clocks(state: SlaState, responded: bool, open_: bool) -> list[Clock]:
    """Clocks whose steps may fall due: none while paused or once the ticket is done."""
    if state.paused_since is not None or not open_:
        return []
    return [c for c in Clock if not (c is Clock.RESPONSE and responded)]


def next_step(state: SlaState, calendar: BusinessCalendar, clocks: list[Clock]) -> Step | None:
    steps = [step_at(state, c, state.progress(c).stage, calendar) for c in clocks]
    found = [s for s in steps if s is not None]
    return min(found, key=lambda s: (s.due, s.clock != Clock.RESPONSE)) if found else None


def due_step(state: SlaState, calendar: BusinessCalendar, clocks: list[Clock], now: datetime
             ) -> DueStep | None:
    """The one step to do now, if any. Warnings overtaken by a later warning or the breach, and
    reminders overtaken by a later reminder, are folded into the latest: missed work is done
    once, marked late, instead of as a burst of stale messages."""
    step = next_step(state, calendar, clocks)
    if step is None or step.due > now:
        return None
    skipped = 0
    while step.kind in (StepKind.WARNING, StepKind.REMINDER):
        following = step_at(state, step.clock, step.index + 1, calendar, anchor=step.due)
        if following is None or following.due > now or not _folds(step, following):
            break
        step, skipped = following, skipped + 1
    late = now - step.due
    return DueStep(step, skipped, late if late > LATE_AFTER else None)


def _folds(step: Step, following: Step) -> bool:
    if step.kind is StepKind.WARNING:
        return following.kind in (StepKind.WARNING, StepKind.BREACH)
    return following.kind is StepKind.REMINDER


def advance(state: SlaState, step: Step) -> None:
    """Record that `step` is done: the next one becomes due."""
    progress = state.progress(step.clock)
    progress.stage = step.index + 1
    if step.kind is not StepKind.WARNING:
        progress.anchor = step.due
    if step.kind is StepKind.BREACH:
        progress.breached_at = step.due


def retarget(state: SlaState, snapshot: SlaSnapshot, calendar: BusinessCalendar, now: datetime
             ) -> None:
    """Measure the clocks against new targets (priority change). A breach the new targets undo
    ends its escalation; warnings not yet reached under the new targets will be given."""
    old = state.snapshot
    state.snapshot = snapshot
    state.remeasure(calendar)  # pauses are instants: the new calendar measures them itself
    for clock in Clock:
        progress = state.progress(clock)
        if progress.stage > len(old.warnings):  # past the breach: keep the place in the chain
            end = len(snapshot.warnings) + len(snapshot.chain.steps) + snapshot.chain.max_reminders + 2
            progress.stage = min(progress.stage - len(old.warnings) + len(snapshot.warnings), end)
        else:  # never skip the breach because the new policy has fewer warnings
            progress.stage = min(progress.stage, len(snapshot.warnings))
        first_future = len(snapshot.warnings) + 1
        for index, fraction in enumerate((*snapshot.warnings, 1.0)):
            due = state.reaches(clock, calendar, fraction)  # not the breach done before
            if due is not None and due > now:
                first_future = index
                break
        if first_future <= len(snapshot.warnings):  # not (or no longer) breached
            progress.stage = min(progress.stage, first_future)
            if progress.stage <= len(snapshot.warnings):
                progress.anchor = progress.breached_at = None
