"""One ticket's story within a period, read from its audit lines (see docs/reports.md)."""

from datetime import datetime
from typing import NamedTuple

from workflows.reports.facts import Event, TicketFacts
from workflows.status import Status

HAND_OVERS = frozenset({"transfer", "transfer_team", "escalate"})
# What an agent does to a ticket that counts as handling it.
# Assigning or copying someone in is not working on it: the assignee counts, not the lead.
WORK = frozenset({"claim", "transfer", "reply", "note", "pend", "resume", "resolve", "suspend",
                  "merge", "transfer_team"})


class Clock(NamedTuple):
    """A stopped SLA clock: business seconds used (pauses excluded), wall seconds, met."""

    business: float | None
    wall: float
    met: bool | None


class Life(NamedTuple):
    """A tuple, like `Clock`: a large report makes one per ticket and period (54,000 for a
    million-ticket organisation's month), and a frozen dataclass cost 3 µs each to make."""

    facts: TicketFacts
    created: bool  # in the period
    open_at_end: bool
    assignee_at_end: str | None
    response: Clock | None  # the first response, if it came in the period
    resolved_by: str | None  # the last resolution in the period: who
    resolved_at: datetime | None  # … and when
    resolution: Clock | None  # … and how long it took
    deflected: bool  # … and it was the requester's own, with a knowledge-base article
    reopened: bool  # a reopen in the period
    one_touch: bool  # resolved in the period by one agent, no hand-over, never reopened
    rating: tuple[int, str | None, datetime] | None  # the last rating given in the period
    rated_for: str | None  # who had resolved the ticket that was rated
    handlers: frozenset[str]  # agents who worked on it in the period


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _met(line: Event | None) -> bool | None:
    met = line.after("met") if line is not None else None
    return met if isinstance(met, bool) else None


def read(facts: TicketFacts, start: datetime, end: datetime, agents: frozenset[str]) -> Life:
    """One pass over the lines before `end` (they are in order): reports read tens of
    thousands of tickets, twice (the period and the one before)."""
    status: Status | None = None
    assignee: str | None = None
    people: set[str] = set()  # every agent who worked on it or held it, ever
    handlers: set[str] = set()  # … in the period
    response = resolve = stop = rate = None
    reopened = ever_reopened = handed_over = False
    resolver: str | None = None
    rated_for: str | None = None
    for e in facts.events:
        if e.at >= end:
            break
        action, actor = e.action, e.actor
        if e.to_status is not None:
            status = e.to_status
        held = "assignee" in e.changes
        if held:
            assignee = e.changes["assignee"][1]
            if assignee:
                people.add(assignee)
        worked = actor is not None and action in WORK and actor in agents
        if worked:
            people.add(actor)  # type: ignore[arg-type]
        if action == "reopen":
            ever_reopened = True
        elif action in HAND_OVERS:
            handed_over = True
        elif action == "resolve":
            resolver = actor
        if e.at < start:
            continue
        if worked:
            handlers.add(actor)  # type: ignore[arg-type]
        if held and assignee:
            handlers.add(assignee)
        if action == "sla_response" and response is None:
            response = e
        elif action == "resolve":
            resolve, stop = e, None
        elif action == "sla_stop" and resolve is not None:
            stop = e  # written with the resolution, in its transaction
        elif action == "reopen":
            reopened = True
        elif action == "rate" and _number(e.after("csat")) is not None:
            rate, rated_for = e, resolver
    created = facts.created_at
    return Life(
        facts=facts, created=start <= created < end,
        open_at_end=created < end and status is not None and status.is_open,
        assignee_at_end=assignee,
        response=None if response is None else Clock(
            _number(response.after("used")), (response.at - created).total_seconds(),
            _met(response)),
        resolved_by=resolve.actor if resolve else None,
        resolved_at=resolve.at if resolve else None,
        resolution=None if resolve is None else Clock(
            _number(stop.after("used")) if stop else None,
            (resolve.at - created).total_seconds(), _met(stop)),
        deflected=resolve is not None and resolve.after("self_service") is True,
        reopened=reopened,
        one_touch=(resolve is not None and not ever_reopened and not handed_over
                   and len(people) == 1),
        rating=None if rate is None else (int(rate.after("csat")), rate.reason, rate.at),
        rated_for=rated_for if rate is not None else None,
        handlers=frozenset(handlers),
    )
