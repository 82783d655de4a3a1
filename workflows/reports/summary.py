"""A ticket's report facts that hold for every period: `summarize` reads them from its audit
lines once, `life_of` answers `lifecycle.read` for any period from them.

Only a *plain* trail can be summed up this way: its status leaves the open statuses at most
once and never comes back, and it has at most one assignment, one first-response clock, one
resolution (with at most one resolution clock, after it) and one rating, and no reopen or
hand-over. Most tickets' trails are plain; any other gets no summary, and the report reads its
lines (`lifecycle.read`). The property tests hold the two readings equal for any trail and period
(tests/unit/test_report_summary.py, tests/integration/test_report_summary_db.py).
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from workflows.reports.facts import Event, TicketFacts
from workflows.reports.lifecycle import HAND_OVERS, WORK, Clock, Life, _met, _number

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def micros(at: datetime) -> int:
    """A moment as whole microseconds since 1970 (exact, unlike a float of seconds)."""
    return (at - _EPOCH) // _MICRO


class Summary(NamedTuple):  # a tuple: tens of thousands are made per report
    """Moments are whole microseconds since 1970 (`micros`): compared as integers, and read
    from the database as integers, which costs a fraction of making datetimes."""

    status_from: int | None  # the first line that set a status
    left_open_at: int | None  # the first line that set a status that is not open
    assigned_at: int | None  # the one line that named an assignee (or none)
    assignee: str | None
    work: tuple[tuple[str, int], ...]  # (who, when in micros) of each work line, in order
    response_at: int | None  # the first-response clock's line
    response_used: float | None
    response_met: bool | None
    resolved_at: int | None
    resolved_by: str | None
    self_service: bool
    stop_at: int | None  # the resolution clock's line, after the resolution
    stop_used: float | None
    stop_met: bool | None
    rated_at: int | None  # the rating with a score
    csat: int | None
    comment: str | None
    rated_after_resolution: bool  # the resolution's line came before the rating's


def summarize(events: tuple[Event, ...]) -> Summary | None:
    """The summary of a trail (all of its report lines, oldest first), None unless plain."""
    status_from = left_open = assigned_at = None
    assignee = None
    work: list[tuple[str, int]] = []
    response = resolve = stop = rate = None
    resolve_before_rate = False
    for e in events:
        action = e.action
        if e.to_status is not None:
            if status_from is None:
                status_from = micros(e.at)
            if not e.to_status.is_open:
                if left_open is None:
                    left_open = micros(e.at)
            elif left_open is not None:
                return None  # open again
        if "assignee" in e.changes:
            if assigned_at is not None:
                return None
            assigned_at, assignee = micros(e.at), e.changes["assignee"][1]
        if action in HAND_OVERS or action == "reopen":
            return None
        if action in WORK and e.actor is not None:
            work.append((e.actor, micros(e.at)))
        if action == "sla_response":
            if response is not None:
                return None
            response = e
        elif action == "resolve":
            if resolve is not None:
                return None
            resolve = e
        elif action == "sla_stop":
            if stop is not None or resolve is None:
                return None
            stop = e
        elif action == "rate":
            if rate is not None:
                return None
            rate, resolve_before_rate = e, resolve is not None
    csat = _number(rate.after("csat")) if rate is not None else None
    return Summary(
        status_from=status_from, left_open_at=left_open, assigned_at=assigned_at,
        assignee=assignee, work=tuple(work),
        response_at=micros(response.at) if response else None,
        response_used=_number(response.after("used")) if response else None,
        response_met=_met(response),
        resolved_at=micros(resolve.at) if resolve else None,
        resolved_by=resolve.actor if resolve else None,
        self_service=resolve is not None and resolve.after("self_service") is True,
        stop_at=micros(stop.at) if stop else None,
        stop_used=_number(stop.after("used")) if stop else None, stop_met=_met(stop),
        rated_at=micros(rate.at) if rate is not None and csat is not None else None,
        csat=int(csat) if csat is not None else None,
        comment=rate.reason if rate is not None and csat is not None else None,
        rated_after_resolution=resolve_before_rate)


def moment(us: int) -> datetime:
    """The UTC datetime of `micros`' integer, exactly."""
    return _EPOCH + timedelta(microseconds=us)


_edge = lru_cache(maxsize=16)(micros)  # a period's start and end, for every ticket


def life_of(facts: TicketFacts, s: Summary, start: datetime, end: datetime,
            agents: frozenset[str]) -> Life | None:
    """`lifecycle.read(facts, start, end, agents)` for a ticket whose trail `s` sums up, or
    None when that reading would be *idle*: nothing of the ticket happened in the period and
    it was not open at its end, so it counts in no figure (`idle`)."""
    since, until = _edge(start), _edge(end)
    created = micros(facts.created_at)
    assigned = s.assigned_at is not None and s.assigned_at < until
    people: set[str] = set()  # agents who worked on it or held it before `end`
    handlers: set[str] = set()  # … in the period
    for who, at in s.work:
        if at >= until:
            break
        if who in agents:
            people.add(who)
            if at >= since:
                handlers.add(who)
    if assigned and s.assignee:
        people.add(s.assignee)
        if since <= s.assigned_at:  # type: ignore[operator]
            handlers.add(s.assignee)
    is_created = since <= created < until
    open_at_end = (created < until and s.status_from is not None and s.status_from < until
                   and (s.left_open_at is None or until <= s.left_open_at))
    responded = s.response_at is not None and since <= s.response_at < until
    resolved = s.resolved_at is not None and since <= s.resolved_at < until
    rated = s.rated_at is not None and since <= s.rated_at < until
    if not (is_created or open_at_end or responded or resolved or rated or handlers):
        return None
    response = None
    if responded:  # wall seconds as timedelta.total_seconds() gives them: microseconds / 10**6
        response = Clock(s.response_used, (s.response_at - created) / 10**6,  # type: ignore[operator]
                         s.response_met)
    resolution = None
    if resolved:
        stopped = s.stop_at is not None and s.stop_at < until
        resolution = Clock(s.stop_used if stopped else None,
                           (s.resolved_at - created) / 10**6,  # type: ignore[operator]
                           s.stop_met if stopped else None)
    return Life(
        facts=facts, created=is_created, open_at_end=open_at_end,
        assignee_at_end=s.assignee if assigned else None,
        response=response,
        resolved_by=s.resolved_by if resolved else None,
        resolved_at=moment(s.resolved_at) if resolved else None,  # type: ignore[arg-type]
        resolution=resolution,
        deflected=resolved and s.self_service,
        reopened=False,
        one_touch=resolved and len(people) == 1,
        rating=(s.csat, s.comment, moment(s.rated_at)) if rated else None,  # type: ignore[arg-type]
        rated_for=(s.resolved_by if s.rated_after_resolution else None) if rated else None,
        handlers=frozenset(handlers),
    )


def idle(life: Life) -> bool:
    """Whether a ticket's reading counts in no figure of a report (`build_report`): not created
    in the period, not open at its end, no first response, resolution, reopen or rating in it,
    nobody handling it in it. Such readings are left out of a report's tickets."""
    return not (life.created or life.open_at_end or life.response or life.resolution
                or life.reopened or life.rating or life.handlers)
