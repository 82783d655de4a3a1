"""`build_report`: every figure of a report, from the facts of the tickets in two periods.

A pure function: the same facts, period and scope always give the same `Report`. Storage loads
the facts (`storage/reports.py`); the chat answer, charts, files and digests read the `Report`.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from workflows.reports.facts import TicketFacts
from workflows.reports.heap import collector_paused
from workflows.reports.lifecycle import Life, read
from workflows.reports.period import Period
from workflows.reports.stats import Spread, median, share
from workflows.reports.summary import life_of

COMMENTS_SHOWN = 3
BREACHES_SHOWN = 10


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose tickets: some teams (None: every team), one agent's work, one requester's."""

    teams: frozenset[str] | None = None
    agent: str | None = None
    requester: str | None = None

    def admits(self, facts: TicketFacts, life: Life) -> bool:
        if self.teams is not None and facts.team not in self.teams:
            return False
        if self.requester is not None and facts.requester != self.requester:
            return False
        if self.agent is not None:
            return (self.agent in life.handlers or life.assignee_at_end == self.agent
                    or life.resolved_by == self.agent)
        return True


@dataclass(frozen=True, slots=True)
class Times:
    business: Spread  # in each ticket's SLA calendar, pauses excluded
    wall: Spread  # elapsed time, pauses included


@dataclass(frozen=True, slots=True)
class Attainment:
    evaluated: int
    met: int
    percent: float | None
    breaches: tuple[str, ...]  # ticket keys, oldest first


@dataclass(frozen=True, slots=True)
class Csat:
    ratings: int
    average: float | None
    response_rate: float | None  # % of the period's resolved tickets rated in it
    distribution: tuple[int, int, int, int, int]  # how many 1s, 2s, … 5s
    comments: tuple[tuple[str, int, str], ...]  # (ticket, score, comment), latest first


@dataclass(frozen=True, slots=True)
class Figures:
    created: int
    resolved: int
    backlog: int  # open at the period's end (or now, for the current period)
    backlog_median_age: float | None  # seconds
    backlog_oldest: tuple[str, float] | None  # (ticket, age in seconds)
    response: Times
    resolution: Times
    response_sla: Attainment
    resolution_sla: Attainment
    reopened: int
    reopen_rate: float | None  # % of the resolved
    one_touch: int
    one_touch_rate: float | None  # % of the resolved
    deflected: int  # resolved by their requester with a knowledge-base article (self-service)
    deflected_rate: float | None  # % of the resolved
    csat: Csat


@dataclass(frozen=True, slots=True)
class AgentRow:
    handle: str
    handled: int
    resolved: int
    open_load: int
    median_resolution: float | None  # business seconds
    csat_average: float | None
    csat_ratings: int


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One priority or category: its volume, SLA attainment and median resolution."""

    name: str
    created: int
    resolved: int
    response_sla: float | None
    resolution_sla: float | None
    median_resolution: float | None  # business seconds


@dataclass(frozen=True, slots=True)
class WeekPoint:
    monday: date
    created: int
    resolved: int


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    as_of: datetime  # the end of the period, or now while it runs
    scope: Scope
    current: Figures
    previous: Figures
    agents: tuple[AgentRow, ...]  # by resolved, then handled, then handle
    agents_previous: dict[str, AgentRow]
    by_priority: tuple[GroupRow, ...]
    by_category: tuple[GroupRow, ...]
    weekly: tuple[WeekPoint, ...]
    resolution_times: tuple[float, ...]  # business seconds, each resolved ticket, sorted
    resolution_wall_times: tuple[float, ...]

    @property
    def empty(self) -> bool:
        c = self.current
        return not (c.created or c.resolved or c.backlog or c.csat.ratings
                    or c.response.business.count)


def build_report(facts: Iterable[TicketFacts], period: Period, scope: Scope, now: datetime,
                 agents: frozenset[str]) -> Report:
    """The report of `period` for `scope`, with the previous period beside it.

    `facts`: every ticket that was created, changed or open in either period (more do no harm:
    each figure selects its own tickets). `agents`: the handles of the organisation's agents
    (their work counts as handling; a requester's does not). `now`: a running period is measured
    up to now.
    """
    with collector_paused():
        return _build(list(facts), period, scope, now, agents)


def _build(facts: list[TicketFacts], period: Period, scope: Scope, now: datetime,
           agents: frozenset[str]) -> Report:
    before = period.previous()
    lives = _lives(facts, period, scope, now, agents)
    earlier = _lives(facts, before, scope, now, agents)
    as_of = min(period.end, now)
    current = _figures(lives, as_of)
    resolved = [life for life in lives if life.resolution is not None]
    return Report(
        period=period, as_of=as_of, scope=scope, current=current,
        previous=_figures(earlier, min(before.end, now)),
        agents=_agents(lives, agents, scope),
        agents_previous={row.handle: row for row in _agents(earlier, agents, scope)},
        by_priority=_groups(lives, lambda f: f.priority),
        by_category=_groups(lives, lambda f: f.category or "-"),
        weekly=tuple(_weekly(lives, period)),
        resolution_times=tuple(sorted(v for life in resolved
                                      if (v := life.resolution.business) is not None)),  # type: ignore[union-attr]
        resolution_wall_times=tuple(sorted(life.resolution.wall for life in resolved)),  # type: ignore[union-attr]
    )


def _lives(facts: list[TicketFacts], period: Period, scope: Scope, now: datetime,
           agents: frozenset[str]) -> list[Life]:
    start, end = period.start, period.end  # a running period reads what has happened so far
    found = []
    for ticket in facts:
        if ticket.created_at >= end:
            continue
        summary = ticket.summary
        # An idle reading (summary.idle) counts in no figure: the summary leaves it out early.
        life = (read(ticket, start, end, agents) if summary is None
                else life_of(ticket, summary, start, end, agents))
        if life is not None and scope.admits(ticket, life):
            found.append(life)
    return found


def _attainment(clocks: Sequence[tuple[str, bool | None, datetime]]) -> Attainment:
    judged = [(key, met, at) for key, met, at in clocks if met is not None]
    met = sum(1 for _, ok, _ in judged if ok)
    # Only the breaches sorted (oldest first; a period's keys are unique, so the order is the
    # same as sorting every clock then keeping the breaches).
    breaches = tuple(key for _, key in sorted((at, key) for key, ok, at in judged if not ok))
    return Attainment(len(judged), met, share(met, len(judged)), breaches)


def _figures(lives: list[Life], as_of: datetime) -> Figures:
    responded = [life for life in lives if life.response is not None]
    resolved = [life for life in lives if life.resolution is not None]
    backlog = [life for life in lives if life.open_at_end]
    ages = [(as_of - life.facts.created_at).total_seconds() for life in backlog]
    oldest = max(backlog, key=lambda life: (-life.facts.created_at.timestamp(), life.facts.key),
                 default=None)
    reopened = sum(1 for life in lives if life.reopened)
    one_touch = sum(1 for life in resolved if life.one_touch)
    deflected = sum(1 for life in resolved if life.deflected)
    return Figures(
        created=sum(1 for life in lives if life.created), resolved=len(resolved),
        backlog=len(backlog), backlog_median_age=median(ages),
        backlog_oldest=(oldest.facts.key, (as_of - oldest.facts.created_at).total_seconds())
        if oldest else None,
        response=_times([life.response for life in responded]),  # type: ignore[misc]
        resolution=_times([life.resolution for life in resolved]),  # type: ignore[misc]
        response_sla=_attainment([(life.facts.key, life.response.met,  # type: ignore[union-attr]
                                   life.facts.created_at) for life in responded]),
        resolution_sla=_attainment([(life.facts.key, life.resolution.met,  # type: ignore[union-attr]
                                     life.facts.created_at) for life in resolved]),
        reopened=reopened, reopen_rate=share(reopened, len(resolved)),
        one_touch=one_touch, one_touch_rate=share(one_touch, len(resolved)),
        csat=_csat(lives, len(resolved)),
        deflected=deflected, deflected_rate=share(deflected, len(resolved)),
    )


def _times(clocks: list) -> Times:  # type: ignore[type-arg]
    return Times(Spread.of([c.business for c in clocks if c.business is not None]),
                 Spread.of([c.wall for c in clocks]))


def _csat(lives: list[Life], resolved: int) -> Csat:
    rated = [life for life in lives if life.rating is not None]
    scores = [life.rating[0] for life in rated]  # type: ignore[index]
    counts = Counter(scores)
    comments = sorted(((life.rating[2], life.facts.key, life.rating[0], life.rating[1])  # type: ignore[index]
                       for life in rated if life.rating[1]), reverse=True)  # type: ignore[index]
    return Csat(
        ratings=len(scores), average=sum(scores) / len(scores) if scores else None,
        response_rate=share(len(scores), resolved),
        distribution=(counts[1], counts[2], counts[3], counts[4], counts[5]),
        comments=tuple((key, score, text) for _, key, score, text in comments[:COMMENTS_SHOWN]),
    )


def _agents(lives: list[Life], agents: frozenset[str], scope: Scope) -> tuple[AgentRow, ...]:
    handled: dict[str, int] = defaultdict(int)
    resolved: dict[str, list[float | None]] = defaultdict(list)
    load: dict[str, int] = defaultdict(int)
    ratings: dict[str, list[int]] = defaultdict(list)
    for life in lives:
        for handle in life.handlers:
            handled[handle] += 1
        if life.resolution is not None and life.resolved_by:
            resolved[life.resolved_by].append(life.resolution.business)
        if life.open_at_end and life.assignee_at_end:
            load[life.assignee_at_end] += 1
        if life.rating is not None and life.rated_for:
            ratings[life.rated_for].append(life.rating[0])
    if scope.requester is not None:  # a requester's report names nobody's workload
        return ()
    names = (set(handled) | set(resolved) | set(load) | set(ratings)) & agents
    if scope.agent is not None:
        names &= {scope.agent}
    rows = [AgentRow(
        handle=h, handled=handled[h], resolved=len(resolved[h]), open_load=load[h],
        median_resolution=median([v for v in resolved[h] if v is not None]),
        csat_average=sum(ratings[h]) / len(ratings[h]) if ratings[h] else None,
        csat_ratings=len(ratings[h])) for h in names]
    return tuple(sorted(rows, key=lambda r: (-r.resolved, -r.handled, r.handle)))


def _groups(lives: list[Life], name_of) -> tuple[GroupRow, ...]:  # type: ignore[no-untyped-def]
    groups: dict[str, list[Life]] = defaultdict(list)
    for life in lives:
        groups[name_of(life.facts)].append(life)
    rows = []
    for name, members in sorted(groups.items()):
        # Only what a row shows (not every figure of `_figures`: the breaches sorted, the
        # backlog's ages, the ratings, for each group were a fifth of a large report's time).
        created = sum(1 for life in members if life.created)
        responses = [c.met for life in members if (c := life.response) is not None
                     and c.met is not None]
        resolutions = [c for life in members if (c := life.resolution) is not None]
        stops = [c.met for c in resolutions if c.met is not None]
        if not (created or resolutions or responses):
            continue
        rows.append(GroupRow(name, created, len(resolutions),
                             share(sum(responses), len(responses)),
                             share(sum(stops), len(stops)),
                             median([c.business for c in resolutions if c.business is not None])))
    return tuple(rows)


def _weekly(lives: list[Life], period: Period) -> Iterable[WeekPoint]:
    for monday, start, end in period.weeks():
        created = sum(1 for life in lives if start <= life.facts.created_at < end)
        resolved = sum(1 for life in lives
                       if life.resolved_at is not None and start <= life.resolved_at < end)
        yield WeekPoint(monday, created, resolved)
