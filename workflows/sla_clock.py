"""The SLA state a ticket carries: the policy snapshot, the pauses, and how far each clock's
warnings and escalation chain have gone. Pure data and arithmetic; time is a parameter."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from workflows.calendar import BusinessCalendar
from workflows.priority import Priority
from workflows.sla_policy import (
    Clock,
    ClockTargets,
    EscalationChain,
    EscalationStep,
    SlaPolicy,
    StepAction,
)


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def _delta(value: int | float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


@dataclass(frozen=True, slots=True)
class SlaSnapshot:
    """The policy as it was when the ticket opened (or changed priority): editing the policy
    later never rewrites a ticket's history."""

    policy: str
    priority: Priority
    calendar: str
    targets: ClockTargets
    warnings: tuple[float, ...]
    chain: EscalationChain

    @classmethod
    def of(cls, policy: SlaPolicy, priority: Priority) -> "SlaSnapshot":
        return cls(policy.name, priority, policy.calendar_for(priority), policy.targets[priority],
                   tuple(sorted(policy.warnings)), policy.chain)

    def to_json(self) -> dict[str, Any]:
        chain = self.chain
        return {
            "policy": self.policy, "priority": self.priority.value, "calendar": self.calendar,
            "response": _seconds(self.targets.response),
            "resolution": _seconds(self.targets.resolution),
            "warnings": list(self.warnings),
            "steps": [{"action": s.action.value, "after": _seconds(s.after),
                       "business": s.business, "to": s.to} for s in chain.steps],
            "repeat_every": _seconds(chain.repeat_every), "repeat_business": chain.repeat_business,
            "max_reminders": chain.max_reminders,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SlaSnapshot":
        steps = tuple(EscalationStep(StepAction(s["action"]), timedelta(seconds=s["after"]),
                                     s["business"], s["to"]) for s in data["steps"])
        chain = EscalationChain(steps, timedelta(seconds=data["repeat_every"]),
                                data["repeat_business"], data["max_reminders"])
        return cls(data["policy"], Priority(data["priority"]), data["calendar"],
                   ClockTargets(_delta(data["response"]), _delta(data["resolution"])),
                   tuple(data["warnings"]), chain)


@dataclass
class ClockProgress:
    stage: int = 0  # index of this clock's next step: warnings, breach, chain, reminders, end
    anchor: datetime | None = None  # when the last step from the breach on was due
    breached_at: datetime | None = None


Interval = tuple[datetime, datetime]


@dataclass
class SlaState:
    snapshot: SlaSnapshot
    started_at: datetime
    paused_since: datetime | None = None
    # Paused business time in the snapshot's calendar, for reading only: due times are measured
    # from `pauses`, so a calendar change (priority) re-measures them.
    paused_business: timedelta = timedelta(0)
    paused_total: timedelta = timedelta(0)  # wall time, for the audit trail
    response_met: bool | None = None  # None until the first response
    response_used: timedelta | None = None  # business time the first response took
    response: ClockProgress = field(default_factory=ClockProgress)
    resolution: ClockProgress = field(default_factory=ClockProgress)
    next_due_at: datetime | None = None  # the sweep's index: when the next step is due
    fence: int = 0  # bumped by every claim and every step: a stale run does nothing
    pauses: list[Interval] = field(default_factory=list)  # ended pauses, in wall-clock instants
    carried: timedelta = timedelta(0)  # business time paused before pauses were kept as intervals

    def progress(self, clock: Clock) -> ClockProgress:
        return self.response if clock is Clock.RESPONSE else self.resolution

    def due(self, clock: Clock, calendar: BusinessCalendar, fraction: float = 1.0
            ) -> datetime | None:
        """When `fraction` of the clock's target is used up (if nothing more is paused). A
        breach once done never moves: its due time is the instant it was done for."""
        breached_at = self.progress(clock).breached_at
        if fraction >= 1.0 and breached_at is not None:
            return breached_at
        return self.reaches(clock, calendar, fraction)

    def reaches(self, clock: Clock, calendar: BusinessCalendar, fraction: float = 1.0
                ) -> datetime | None:
        """The instant the clock, running outside its pauses, has used `fraction` of its target.
        A pause that begins after that instant changes nothing: it cannot postpone a breach."""
        target = self.snapshot.targets.of(clock)
        if target is None:
            return None
        cursor, remaining = self.started_at, target * fraction + self.carried
        for begin, end in self.pauses:
            reached = calendar.add(cursor, remaining)
            if reached < begin:
                return reached
            remaining -= calendar.elapsed(cursor, begin)
            cursor = max(cursor, end)
        return calendar.add(cursor, remaining)

    def used(self, clock: Clock, calendar: BusinessCalendar, until: datetime) -> timedelta:
        """Business time the clock has used by `until`, pauses excluded."""
        end = min(until, self.paused_since) if self.paused_since else until
        paused = self.carried + sum((calendar.elapsed(begin, min(stop, end))
                                     for begin, stop in self.pauses), timedelta(0))
        return max(timedelta(0), calendar.elapsed(self.started_at, end) - paused)

    def remeasure(self, calendar: BusinessCalendar) -> None:
        """The paused business time in another calendar (a priority change moved the ticket)."""
        self.paused_business = self.carried + sum(
            (calendar.elapsed(begin, end) for begin, end in self.pauses), timedelta(0))

    def pause(self, now: datetime) -> None:
        if self.paused_since is None:
            self.paused_since = now

    def resume(self, now: datetime, calendar: BusinessCalendar) -> tuple[timedelta, timedelta]:
        """End a pause; returns its (wall, business) length. A running escalation chain moves
        on by the pause's wall length, so no step falls due just because time passed paused."""
        if self.paused_since is None:
            return timedelta(0), timedelta(0)
        wall = now - self.paused_since
        business = calendar.elapsed(self.paused_since, now)
        self.pauses.append((self.paused_since, now))
        self.paused_business += business
        self.paused_total += wall
        for progress in (self.response, self.resolution):
            if progress.anchor is not None:
                progress.anchor += wall
        self.paused_since = None
        return wall, business
