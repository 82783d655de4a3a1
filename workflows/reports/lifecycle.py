"""One ticket's story within a period, read from its audit lines (see docs/reports.md)."""

from dataclasses import dataclass
from datetime import datetime

from workflows.reports.facts import Event, TicketFacts
from workflows.status import Status

HAND_OVERS = frozenset({"transfer", "transfer_team", "escalate"})
# What an agent does to a ticket that counts as handling it.
# Assigning or copying someone in is not working on it: the assignee counts, not the lead.
WORK = frozenset({"claim", "transfer", "reply", "note", "pend", "resume", "resolve", "suspend",
                  "merge", "transfer_team"})


@dataclass(frozen=True, slots=True)
class Clock:
    """A stopped SLA clock: business seconds used (pauses excluded), wall seconds, met."""

    business: float | None
    wall: float
    met: bool | None


@dataclass(frozen=True, slots=True)
class Life:
    facts: TicketFacts
    created: bool  # in the period
    open_at_end: bool
    assignee_at_end: str | None
    response: Clock | None  # the first response, if it came in the period
    resolved_by: str | None  # the last resolution in the period: who
    resolved_at: datetime | None  # … and when
    resolution: Clock | None  # … and how long it took
    reopened: bool  # a reopen in the period
    one_touch: bool  # resolved in the period by one agent, no hand-over, never reopened
    rating: tuple[int, str | None, datetime] | None  # the last rating given in the period
    rated_for: str | None  # who had resolved the ticket that was rated
    handlers: frozenset[str]  # agents who worked on it in the period


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def read(facts: TicketFacts, start: datetime, end: datetime, agents: frozenset[str]) -> Life:
    events = facts.until(end)
    inside = [e for e in events if e.at >= start]
    status: Status | None = None
    assignee: str | None = None
    people: set[str] = set()
    for e in events:
        if e.to_status is not None:
            status = e.to_status
        if "assignee" in e.changes:
            assignee = e.after("assignee")
            if assignee:
                people.add(assignee)
        if e.actor in agents and e.action in WORK:
            people.add(e.actor)
    response = _response(facts, inside)
    resolve = next((e for e in reversed(inside) if e.action == "resolve"), None)
    resolution = _resolution(facts, inside, resolve) if resolve else None
    ever_reopened = any(e.action == "reopen" for e in events)
    handed_over = any(e.action in HAND_OVERS for e in events)
    rate = next((e for e in reversed(inside) if e.action == "rate"), None)
    rating = None
    rated_for = None
    if rate is not None and _number(rate.after("csat")) is not None:
        rating = (int(rate.after("csat")), rate.reason, rate.at)
        rated_for = next((e.actor for e in reversed(events)
                          if e.action == "resolve" and e.at <= rate.at), None)
    handlers = frozenset({e.actor for e in inside if e.actor in agents and e.action in WORK}
                         | {a for e in inside if (a := e.after("assignee"))})
    return Life(
        facts=facts, created=start <= facts.created_at < end,
        open_at_end=facts.created_at < end and status is not None and status.is_open,
        assignee_at_end=assignee, response=response,
        resolved_by=resolve.actor if resolve else None,
        resolved_at=resolve.at if resolve else None, resolution=resolution,
        reopened=any(e.action == "reopen" for e in inside),
        one_touch=(resolve is not None and not ever_reopened and not handed_over
                   and len(people) == 1),
        rating=rating, rated_for=rated_for, handlers=handlers,
    )


def _response(facts: TicketFacts, inside: list[Event]) -> Clock | None:
    line = next((e for e in inside if e.action == "sla_response"), None)
    if line is None:
        return None
    met = line.after("met")
    return Clock(_number(line.after("used")), (line.at - facts.created_at).total_seconds(),
                 met if isinstance(met, bool) else None)


def _resolution(facts: TicketFacts, inside: list[Event], resolve: Event) -> Clock:
    # The clocks stop in the same transaction as the resolution: its `sla_stop` line.
    stop = next((e for e in reversed(inside) if e.action == "sla_stop" and e.at >= resolve.at),
                None)
    met = stop.after("met") if stop else None
    return Clock(_number(stop.after("used")) if stop else None,
                 (resolve.at - facts.created_at).total_seconds(),
                 met if isinstance(met, bool) else None)
