"""What a report reads about one ticket: a few fixed fields and its audit lines, in order.

Everything a metric needs is in the audit trail (status changes, assignments, replies, ratings)
and the SLA lines the clocks write into it (`sla_response`, `sla_stop`, `sla_breach`), so the
same question always gets the same answer.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from workflows.checklist import CheckItem
from workflows.status import Status

if TYPE_CHECKING:
    from workflows.reports.summary import Summary


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    action: str
    actor: str | None  # handle; None for the system
    to_status: Status | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)
    reason: str | None = None

    def after(self, name: str) -> Any:
        """The new value of a changed field (`changes` holds [before, after])."""
        pair = self.changes.get(name)
        return pair[1] if pair else None


class TicketFacts(NamedTuple):
    """A tuple: a large report makes tens of thousands (a frozen dataclass cost 2.5 µs each)."""

    key: str
    team: str  # the team that has the ticket now
    priority: str  # "P1".."P5", now
    category: str | None
    requester: str  # handle
    created_at: datetime
    calendar: str | None  # the SLA calendar its business times were measured in
    events: tuple[Event, ...]  # oldest first
    # Read only for an export (`ReportQuery.details`): the figures never need them.
    title: str = ""
    checklist: tuple[CheckItem, ...] = ()
    # Read instead of `events` when set: the trail summed up for every period (summary.py).
    summary: "Summary | None" = None

    def until(self, end: datetime) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.at < end)
