"""SLA policies: which tickets a policy covers, its targets per priority, its warnings and its
escalation chain, and the calendar its targets are measured in."""

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from workflows.calendar import BusinessCalendar
from workflows.kinds import TicketType
from workflows.priority import Priority


class Clock(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"


@dataclass(frozen=True, slots=True)
class ClockTargets:
    """Business time allowed to the first response and to the resolution; None: not tracked."""

    response: timedelta | None
    resolution: timedelta | None

    def of(self, clock: Clock) -> timedelta | None:
        return self.response if clock is Clock.RESPONSE else self.resolution


class StepAction(StrEnum):
    NOTIFY_LEAD = "notify_lead"
    POST_CHANNEL = "post_channel"
    REASSIGN = "reassign"  # to the team lead or the person on duty
    RAISE_PRIORITY = "raise_priority"


@dataclass(frozen=True, slots=True)
class EscalationStep:
    action: StepAction
    after: timedelta = timedelta(0)  # after the previous step (the first: after the breach)
    business: bool = True  # the delay counts business time of the policy's calendar
    to: str = "lead"  # reassign: "lead" or "on_duty"


@dataclass(frozen=True, slots=True)
class EscalationChain:
    steps: tuple[EscalationStep, ...] = (
        EscalationStep(StepAction.NOTIFY_LEAD), EscalationStep(StepAction.POST_CHANNEL))
    repeat_every: timedelta = timedelta(minutes=30)
    repeat_business: bool = True
    max_reminders: int = 5  # then the ticket is suspended and the control channel is told


@dataclass(frozen=True, slots=True)
class Facts:
    """What a policy matches on."""

    queue: str
    team: str
    type: TicketType
    category: str | None
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PolicyMatch:
    """Empty sets match anything; every non-empty set must contain the ticket's value."""

    queues: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()
    types: frozenset[TicketType] = frozenset()
    categories: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()

    def matches(self, facts: Facts) -> bool:
        category = (facts.category or "").lower()
        return ((not self.queues or facts.queue.upper() in self.queues)
                and (not self.teams or facts.team in self.teams)
                and (not self.types or facts.type in self.types)
                and (not self.categories or category in self.categories)
                and (not self.groups or bool(self.groups & facts.groups)))


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    name: str
    targets: dict[Priority, ClockTargets]
    calendar: str
    calendars: dict[Priority, str] = field(default_factory=dict)  # e.g. P1 on a 24x7 calendar
    match: PolicyMatch = PolicyMatch()
    warnings: tuple[float, ...] = (0.5, 0.75)  # fractions of the target
    chain: EscalationChain = EscalationChain()
    channels: dict[str, dict[str, str]] = field(default_factory=dict)  # escalation|control -> ids

    def calendar_for(self, priority: Priority) -> str:
        return self.calendars.get(priority, self.calendar)

    def problems(self) -> list[str]:
        found = []
        for clock in Clock:
            # None (no target) is the loosest target: after it, every priority must have none.
            loosest = timedelta(0)
            for priority in Priority:
                target = self.targets[priority].of(clock) if priority in self.targets else None
                value = target if target is not None else timedelta.max
                if value < loosest:
                    found.append(f"{clock} target of {priority} is shorter than a higher priority's")
                    break
                loosest = value
        if all(t.response is None and t.resolution is None for t in self.targets.values()):
            found.append("every target is zero: the policy would track nothing")
        if missing := [p.value for p in Priority if p not in self.targets]:
            found.append(f"no targets for {', '.join(missing)}")
        if any(not 0 < w < 1 for w in self.warnings):
            found.append("warnings are fractions of the target between 0 and 100%")
        if self.chain.max_reminders < 0 or self.chain.repeat_every <= timedelta(0):
            found.append("reminders repeat after a positive delay, at most max_reminders times")
        return found


@dataclass(frozen=True, slots=True)
class SlaBook:
    """Every policy and calendar of the organisation; the first matching policy wins."""

    calendars: dict[str, BusinessCalendar]
    policies: tuple[SlaPolicy, ...]
    default: str

    @classmethod
    def wall_clock(cls, targets: dict[Priority, ClockTargets]) -> "SlaBook":
        """One policy on a 24x7 UTC calendar: the wall-clock targets of older organisation files."""
        always = BusinessCalendar.always()
        policy = SlaPolicy("default", dict(targets), always.name)
        return cls({always.name: always}, (policy,), policy.name)

    def match(self, facts: Facts) -> SlaPolicy:
        for policy in self.policies:
            if policy.name != self.default and policy.match.matches(facts):
                return policy
        return self.policy(self.default)

    def policy(self, name: str) -> SlaPolicy:
        """A policy by name; one removed since a ticket snapshotted it falls back to the default."""
        for policy in self.policies:
            if policy.name == name:
                return policy
        return next(p for p in self.policies if p.name == self.default)

    def calendar(self, name: str) -> BusinessCalendar:
        return self.calendars.get(name) or self.calendars[self.policy(self.default).calendar]

    def problems(self) -> list[str]:
        found = []
        names = [p.name for p in self.policies]
        if self.default not in names:
            found.append(f"default policy {self.default!r} is not defined")
        for policy in self.policies:
            for name in {policy.calendar, *policy.calendars.values()}:
                if name not in self.calendars:
                    found.append(f"policy {policy.name}: unknown calendar {name!r}")
            found += [f"policy {policy.name}: {problem}" for problem in policy.problems()]
        for calendar in self.calendars.values():
            found += [f"calendar {calendar.name}: {problem}" for problem in calendar.problems()]
        return found
