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
    status_from: datetime | None  # the first line that set a status
    left_open_at: datetime | None  # the first line that set a status that is not open
    assigned_at: datetime | None  # the one line that named an assignee (or none)
    assignee: str | None
    work: tuple[tuple[str, int], ...]  # (who, when in micros) of each work line, in order
    response_at: datetime | None  # the first-response clock's line
    response_used: float | None
    response_met: bool | None
    resolved_at: datetime | None
    resolved_by: str | None
    self_service: bool
    stop_at: datetime | None  # the resolution clock's line, after the resolution
    stop_used: float | None
    stop_met: bool | None
    rated_at: datetime | None  # the rating with a score
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
                status_from = e.at
            if not e.to_status.is_open:
                if left_open is None:
                    left_open = e.at
            elif left_open is not None:
                return None  # open again
        if "assignee" in e.changes:
            if assigned_at is not None:
                return None
            assigned_at, assignee = e.at, e.changes["assignee"][1]
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
        response_at=response.at if response else None,
        response_used=_number(response.after("used")) if response else None,
        response_met=_met(response),
        resolved_at=resolve.at if resolve else None,
        resolved_by=resolve.actor if resolve else None,
        self_service=resolve is not None and resolve.after("self_service") is True,
        stop_at=stop.at if stop else None,
        stop_used=_number(stop.after("used")) if stop else None, stop_met=_met(stop),
        rated_at=rate.at if rate is not None and csat is not None else None,
        csat=int(csat) if csat is not None else None,
        comment=rate.reason if rate is not None and csat is not None else None,
        rated_after_resolution=resolve_before_rate)


_edge = lru_cache(maxsize=16)(micros)  # a period's start and end, for every ticket


def life_of(facts: TicketFacts, s: Summary, start: datetime, end: datetime,
            agents: frozenset[str]) -> Life | None:
    """`lifecycle.read(facts, start, end, agents)` for a ticket whose trail `s` sums up, or
    None when that reading would be *idle*: nothing of the ticket happened in the period and
    it was not open at its end, so it counts in no figure (`idle`)."""
    created = facts.created_at
    assigned = s.assigned_at is not None and s.assigned_at < end
    people: set[str] = set()  # agents who worked on it or held it before `end`
    handlers: set[str] = set()  # … in the period
    if s.work:
        since, until = _edge(start), _edge(end)
        for who, at in s.work:
            if at >= until:
                break
            if who in agents:
                people.add(who)
                if at >= since:
                    handlers.add(who)
    if assigned and s.assignee:
        people.add(s.assignee)
        if start <= s.assigned_at:  # type: ignore[operator]
            handlers.add(s.assignee)
    is_created = start <= created < end
    open_at_end = (created < end and s.status_from is not None and s.status_from < end
                   and (s.left_open_at is None or end <= s.left_open_at))
    responded = s.response_at is not None and start <= s.response_at < end
    resolved = s.resolved_at is not None and start <= s.resolved_at < end
    rated = s.rated_at is not None and start <= s.rated_at < end
    if not (is_created or open_at_end or responded or resolved or rated or handlers):
        return None
    response = None
    if responded:
        response = Clock(s.response_used, (s.response_at - created).total_seconds(),
                         s.response_met)
    resolution = None
    if resolved:
        stopped = s.stop_at is not None and s.stop_at < end
        resolution = Clock(s.stop_used if stopped else None,
                           (s.resolved_at - created).total_seconds(),  # type: ignore[operator]
                           s.stop_met if stopped else None)
    return Life(
        facts=facts, created=is_created, open_at_end=open_at_end,
        assignee_at_end=s.assignee if assigned else None,
        response=response,
        resolved_by=s.resolved_by if resolved else None,
        resolved_at=s.resolved_at if resolved else None,
        resolution=resolution,
        deflected=resolved and s.self_service,
        reopened=False,
        one_touch=resolved and len(people) == 1,
        rating=(s.csat, s.comment, s.rated_at) if rated else None,  # type: ignore[arg-type]
        rated_for=(s.resolved_by if s.rated_after_resolution else None) if rated else None,
        handlers=frozenset(handlers),
    )


def idle(life: Life) -> bool:
    """Whether a ticket's reading counts in no figure of a report (`build_report`): not created
    in the period, not open at its end, no first response, resolution, reopen or rating in it,
    nobody handling it in it. Such readings are left out of a report's tickets."""
    return not (life.created or life.open_at_end or life.response or life.resolution
                or life.reopened or life.rating or life.handlers)
