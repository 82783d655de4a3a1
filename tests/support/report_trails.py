"""Random ticket trails for the report's property tests: audit lines of the report's actions,
shaped as the use cases write them (storage/reports.py reads them back the same way), biased
towards the plain trails a report sums up (workflows/reports/summary.py)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from workflows.reports.facts import Event
from workflows.status import Status

PEOPLE = ("ann", "bob", "req", None)  # ann and bob are agents, req a requester, None the system
AGENTS = frozenset({"ann", "bob"})
BASE = datetime(2026, 10, 1, tzinfo=UTC)
# (action, the status it sets): the common path first, so that shrinking ends there.
STEPS = (("claim", Status.IN_PROGRESS), ("sla_response", None), ("reply", None),
         ("resolve", Status.RESOLVED), ("sla_stop", None), ("rate", None),
         ("close", Status.CLOSED), ("assign", Status.ASSIGNED), ("note", None),
         ("pend", Status.PENDING), ("resume", Status.IN_PROGRESS), ("reopen", Status.IN_PROGRESS),
         ("transfer", Status.ASSIGNED), ("escalate", None), ("cancel", Status.CANCELLED),
         ("sla_breach", None), ("suspend", Status.SUSPENDED))


def _changes(action: str, draw: Any) -> dict[str, list[Any]]:
    if action in ("claim", "assign", "transfer"):
        return {"assignee": [None, draw(st.sampled_from(("ann", "bob", None)))]}
    if action in ("sla_response", "sla_stop"):
        return {"used": [None, float(draw(st.integers(0, 9000)))],
                "met": [None, draw(st.booleans())]}
    if action == "resolve" and draw(st.booleans()):
        return {"self_service": [None, True]}
    if action == "rate":
        return {"csat": [None, draw(st.integers(1, 5))]}
    return {}


@st.composite
def trails(draw: Any) -> tuple[datetime, tuple[Event, ...]]:
    """(created at, the lines oldest first): a create, then up to 9 steps, times in minutes
    (ties included: lines of one transaction share their time)."""
    created = BASE + timedelta(minutes=draw(st.integers(0, 100)))
    events = [Event(created, "create", "req", Status.NEW, {}, None)]
    at = created
    for _ in range(draw(st.integers(0, 9))):
        action, status = draw(st.sampled_from(STEPS))
        at += timedelta(minutes=draw(st.integers(0, 60)))
        reason = draw(st.sampled_from((None, "thanks"))) if action == "rate" else None
        events.append(Event(at, action, draw(st.sampled_from(PEOPLE)), status,
                            _changes(action, draw), reason))
    return created, tuple(events)


def windows() -> st.SearchStrategy[tuple[datetime, datetime]]:
    """A period [start, end) over the trails' span, its edges on or between lines."""
    minute = st.integers(0, 800).map(lambda m: BASE + timedelta(minutes=m))
    return st.tuples(minute, minute).map(sorted).map(tuple)  # type: ignore[arg-type]
