"""Assignment strategies: who in a team gets a new ticket, and why.

Pure: the caller passes the team's state read from the database (weighted open load per member,
the round-robin cursor, who is away until when, members' skills) and `now`.

Tie rule, the same for every strategy: people are ordered by the team's rotation, which is the
declared member order started just after the person the team assigned last (the cursor). Among
equals (same load, same skill coverage) the first in that order wins, so ties are broken
deterministically and still take turns.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from workflows.choice import Choice, How
from workflows.priority import Priority
from workflows.roster import Roster
from workflows.status import Status

UTC_ZONE = ZoneInfo("UTC")

# Open work weighs by priority: one P1 keeps an agent as busy as five P4s.
DEFAULT_WEIGHTS: dict[Priority, int] = {
    Priority.P1: 5, Priority.P2: 3, Priority.P3: 2, Priority.P4: 1, Priority.P5: 1,
}
# Tickets someone is working on. New ones have nobody yet; suspended ones are parked.
LOAD_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING)


class Strategy(StrEnum):
    MANUAL = "manual"  # tickets wait in the team's triage channel for someone to claim them
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"
    SKILL = "skill"
    ON_DUTY = "on_duty"


class P1Bypass(StrEnum):
    NONE = "none"
    ON_DUTY = "on_duty"  # then the lead when nobody is on duty
    LEAD = "lead"


@dataclass(frozen=True, slots=True)
class AssignmentPolicy:
    strategy: Strategy = Strategy.MANUAL
    p1_bypass: P1Bypass = P1Bypass.NONE
    tz: ZoneInfo = UTC_ZONE
    roster: Roster = field(default_factory=Roster)


@dataclass(frozen=True, slots=True)
class TeamState:
    members: tuple[str, ...]  # who takes tickets, in declared order
    leads: tuple[str, ...] = ()
    loads: Mapping[str, int] = field(default_factory=dict)  # weighted; missing means 0
    last: str | None = None  # the cursor: whom this team assigned last
    away: Mapping[str, datetime] = field(default_factory=dict)  # handle -> away until
    skills: Mapping[str, frozenset[str]] = field(default_factory=dict)


def weighted_load(counts: Mapping[Priority, int],
                  weights: Mapping[Priority, int] = DEFAULT_WEIGHTS) -> int:
    return sum(weights[p] * n for p, n in counts.items())


def rotation(order: tuple[str, ...], last: str | None) -> tuple[str, ...]:
    """`order` started just after `last`; from the top when `last` is not in it."""
    start = order.index(last) + 1 if last in order else 0
    return order[start:] + order[:start]


def choose(policy: AssignmentPolicy, state: TeamState, priority: Priority,
           skills: frozenset[str], now: datetime) -> Choice:
    away = {h: until for h, until in state.away.items() if until > now}
    zone = str(policy.tz)
    if priority is Priority.P1 and policy.p1_bypass is not P1Bypass.NONE:
        bypass = _p1_bypass(policy, state, away, now, zone)
        if bypass is not None:
            return bypass
    if policy.strategy is Strategy.MANUAL:
        return Choice(None, How.MANUAL, zone=zone)
    if policy.strategy is Strategy.ON_DUTY:
        return _on_duty(policy, state, away, now, How.ON_DUTY)
    if not state.members:
        return Choice(None, How.NO_MEMBERS, zone=zone)
    order = rotation(state.members, state.last)
    skipped = tuple((h, away[h]) for h in order if h in away)
    available = [h for h in order if h not in away]
    if not available:
        return Choice(None, How.ALL_AWAY, skipped=skipped, zone=zone)
    if policy.strategy is Strategy.ROUND_ROBIN:
        after = state.last if state.last in state.members else None
        return Choice(available[0], How.ROUND_ROBIN, skipped=skipped, after=after, zone=zone)
    if policy.strategy is Strategy.SKILL and skills:
        cover = {h: skills & state.skills.get(h, frozenset()) for h in available}
        best = max(len(c) for c in cover.values())
        if best == 0:
            return Choice(None, How.NO_SKILL, skipped=skipped, lacks=tuple(sorted(skills)),
                          zone=zone)
        fitting = [h for h in available if len(cover[h]) == best]
        pick, compared = _least_loaded(fitting, state)
        return Choice(pick, How.SKILL, compared, skipped, has=tuple(sorted(cover[pick])),
                      lacks=tuple(sorted(skills - cover[pick])), zone=zone)
    pick, compared = _least_loaded(available, state)
    how = How.SKILL if policy.strategy is Strategy.SKILL else How.LEAST_LOADED
    return Choice(pick, how, compared, skipped, zone=zone)


def _least_loaded(ordered: list[str], state: TeamState) -> tuple[str, tuple[tuple[str, int], ...]]:
    compared = tuple((h, state.loads.get(h, 0)) for h in ordered)
    pick = min(compared, key=lambda pair: pair[1])  # min keeps the first of equals: rotation
    return pick[0], compared


def _on_duty(policy: AssignmentPolicy, state: TeamState, away: Mapping[str, datetime],
             now: datetime, how: How) -> Choice:
    zone = str(policy.tz)
    duties = policy.roster.on_duty(now, policy.tz)
    if not duties:
        return Choice(None, How.NOBODY_ON_DUTY, zone=zone, at=now)
    skipped = tuple((d.handle, away[d.handle]) for d in duties if d.handle in away)
    present = {d.handle: d for d in duties if d.handle not in away}
    if not present:
        return Choice(None, How.ALL_AWAY, skipped=skipped, zone=zone)
    everyone = state.members + tuple(h for h in sorted(present) if h not in state.members)
    ordered = [h for h in rotation(everyone, state.last) if h in present]
    pick, compared = _least_loaded(ordered, state)
    return Choice(pick, how, compared if len(compared) > 1 else (), skipped,
                  duty=present[pick], zone=zone)


def _p1_bypass(policy: AssignmentPolicy, state: TeamState, away: Mapping[str, datetime],
               now: datetime, zone: str) -> Choice | None:
    if policy.p1_bypass is P1Bypass.ON_DUTY:
        choice = _on_duty(policy, state, away, now, How.P1_ON_DUTY)
        if choice.handle is not None:
            return choice
    for lead in state.leads:
        if lead not in away:
            return Choice(lead, How.P1_LEAD, zone=zone)
    return None
