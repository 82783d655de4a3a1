"""What an approval step adds to a change's messages (docs/workflows.md, "Approvals"): each
awaited approver gets a card with Approve and Reject in a direct message when the ticket enters
the step, and the ticket's cards say who has approved and who is still awaited."""

from dataclasses import replace
from datetime import datetime
from typing import Any

from commands.buttons import decision_buttons
from commands.notify import READER_ZONE, NotifyConfig, card_snapshot, personal_target
from commands.ports import OutboxMessage, UnitOfWork
from workflows.approval import approvers_of, decisions_since_entry, progress
from workflows.audit import AuditEntry
from workflows.organisation import Organisation
from workflows.ticket import Ticket

REQUEST = "approval_request"  # the event (and `notify.approval_request` the console's words)
REMINDER = "approval_reminder"  # commands/actions/approval_reminders.py


async def summary(uow: UnitOfWork, ticket: Ticket, entries: list[AuditEntry],
                  org: Organisation) -> dict[str, Any] | None:
    """{"step", "approved", "awaited"} (handles) while the ticket is in an approval step."""
    step_id = str(ticket.status_id)
    step = ticket.flow.approvals.get(step_id)
    if step is None:
        return None
    earlier = await uow.tickets.history(ticket) if ticket.id is not None else []
    decisions = decisions_since_entry([*earlier, *entries], step_id)
    done = progress(step, approvers_of(step, ticket.requester.handle, org, ticket.fields), decisions)
    return {"step": step_id, "approved": list(done.approved), "awaited": list(done.awaited)}


def entered(ticket: Ticket, entries: list[AuditEntry]) -> bool:
    step_id = str(ticket.status_id)
    return any((e.changes.get("workflow_status") or [None, None])[1] == step_id for e in entries)


async def approval_messages(uow: UnitOfWork, ticket: Ticket, entries: list[AuditEntry],
                            org: Organisation, config: NotifyConfig, now: datetime,
                            messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """The change's messages with the step's progress on its cards, and the approvers' cards
    when it has just entered a step. Exactly once per approver and visit: keyed by the audit
    line that entered the step."""
    progress_now = await summary(uow, ticket, entries, org)
    if progress_now is None:
        return messages
    messages = [_with_progress(m, progress_now) for m in messages]
    if any(e.action == REMINDER for e in entries):
        return messages + await _to_approvers(uow, ticket, progress_now, config, now, REMINDER,
                                              {}, org)
    if not entered(ticket, entries):
        return messages
    snapshot = {**card_snapshot(ticket, org), "actions": [], "buttons": decision_buttons(),
                "approval": progress_now}
    return messages + await _to_approvers(uow, ticket, progress_now, config, now, REQUEST,
                                          snapshot, org)


async def _to_approvers(uow: UnitOfWork, ticket: Ticket, progress_now: dict[str, Any],
                        config: NotifyConfig, now: datetime, event: str,
                        snapshot: dict[str, Any], org: Organisation) -> list[OutboxMessage]:
    """One message to each awaited approver: the card (where there are buttons) when asked,
    a line when reminded."""
    messages: list[OutboxMessage] = []
    prefs_by_handle = {}
    for handle in progress_now["awaited"]:
        person = await uow.people.by_handle(handle)
        if person is not None:
            prefs_by_handle[handle] = person
    prefs = await uow.preferences.get_many({p.id for p in prefs_by_handle.values()})
    for person in prefs_by_handle.values():
        # Asked to decide is not a notice one mutes: quiet hours still hold, mutes do not.
        found = personal_target(person, ticket, prefs.get(person.id), config, now, False, org)
        if found is None:
            continue
        platform, address, not_before, locale, zone = found
        card = platform in config.card_dm_platforms and bool(snapshot)
        params = ({**snapshot, READER_ZONE: zone} if card else {
            "key": ticket.key, "title": ticket.title, "requester": ticket.requester.label,
            "status": ticket.status.value, "approval": progress_now, READER_ZONE: zone})
        messages.append(OutboxMessage(
            idempotency_key=f"{ticket.key}:v{ticket.version}:{event}:{platform.value}:{address}",
            ticket_id=ticket.id, ticket_key=ticket.key, event=event, platform=platform,
            address=address, template="card" if card else f"notify.{event}", params=params,
            locale=locale, urgent=False, created_at=now, not_before=not_before,
            person_id=person.id))
    return messages


def _with_progress(message: OutboxMessage, done: dict[str, Any]) -> OutboxMessage:
    if message.template != "card":
        return message
    return replace(message, params={**message.params, "approval": done})
