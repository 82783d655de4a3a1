"""Plan the webhook deliveries a change promises: one outbox row per event and subscription,
written in the change's transaction. The body is built here, once; the relay only signs and
posts it, so every retry sends the same bytes under the same event id."""

import uuid
from datetime import datetime
from typing import Any

from commands.ports import OutboxMessage
from workflows.audit import AuditEntry
from workflows.kinds import Source
from workflows.people import Person
from workflows.ticket import Ticket
from workflows.webhooks import Subscription, events_of

WEBHOOK_TEMPLATE = "webhook"  # the relay's sign: post `params` as the JSON body
_EVENT_IDS = uuid.UUID("6f1c2a52-3d7e-4a8e-9a51-1f0f4f3b7c11")  # a namespace for uuid5


def event_id(ticket_key: str, version: int, index: int, event: str) -> str:
    """Stable for one change: the same saved version, entry and event always give the same id
    (a receiver de-duplicates on it)."""
    return str(uuid.uuid5(_EVENT_IDS, f"{ticket_key}:v{version}:{index}:{event}"))


def _person(p: Person | None) -> dict[str, Any] | None:
    return None if p is None else {"handle": p.handle, "name": p.name}


def ticket_body(ticket: Ticket) -> dict[str, Any]:
    return {
        "key": ticket.key, "title": ticket.title, "status": ticket.status.value,
        "priority": ticket.priority.value, "type": ticket.type.value,
        "category": ticket.category, "queue": ticket.queue, "team": ticket.team,
        "requester": _person(ticket.requester), "assignee": _person(ticket.assignee),
        "created_at": ticket.created_at.isoformat(), "updated_at": ticket.updated_at.isoformat(),
        "resolution_due_at": ticket.resolution_due_at.isoformat()
        if ticket.resolution_due_at else None,
    }


def _change(entry: AuditEntry, actor: Person | None) -> dict[str, Any]:
    return {
        "action": entry.action,
        "actor": _person(actor) if actor is not None and entry.actor_id == actor.id else None,
        "from_status": entry.from_status.value if entry.from_status else None,
        "to_status": entry.to_status.value if entry.to_status else None,
        "changes": entry.changes, "reason": entry.reason, "internal": entry.internal,
    }


def plan_webhooks(ticket: Ticket, entries: list[AuditEntry], subscriptions: tuple[Subscription, ...],
                  actor: Person | None, now: datetime) -> list[OutboxMessage]:
    if not subscriptions:
        return []
    messages: list[OutboxMessage] = []
    comments = iter(ticket.new_comments)  # one per reply/note entry, in order
    version = ticket.version + 1  # the version this change saves
    for index, entry in enumerate(entries):
        comment = next(comments) if entry.action in ("reply", "note") else None
        for event in events_of(entry):
            wanted = [s for s in subscriptions if s.wants(event, ticket)]
            if not wanted:
                continue
            eid = event_id(ticket.key, version, index, event)
            body: dict[str, Any] = {
                "id": eid, "type": event, "occurred_at": entry.at.isoformat(),
                "ticket": ticket_body(ticket), "change": _change(entry, actor),
            }
            if comment is not None:
                body["comment"] = {"body": comment.body, "internal": comment.internal}
            for sub in wanted:
                messages.append(OutboxMessage(
                    idempotency_key=f"webhook:{eid}:{sub.name}", ticket_id=ticket.id,
                    ticket_key=ticket.key, event=event, platform=Source.WEBHOOK,
                    address=sub.name, template=WEBHOOK_TEMPLATE, params=body, locale="en",
                    urgent=False, created_at=now, not_before=now))
    return messages
