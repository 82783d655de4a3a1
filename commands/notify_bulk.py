"""One message per person for a bulk assign: the new assignee, each previous assignee and each
requester read the tickets that concern them in a single notice, not one per ticket."""

from dataclasses import dataclass, field
from datetime import datetime
from hashlib import sha256
from typing import Any

from commands.notify import READER_ZONE, NotifyConfig, personal_target
from commands.ports import OutboxMessage, UnitOfWork
from workflows.audience import is_urgent
from workflows.organisation import Organisation
from workflows.people import Person
from workflows.ticket import Ticket

# What a person reads, in this order: tickets now theirs, taken from them, requested by them.
SECTIONS = ("assigned", "taken", "requested")


@dataclass
class _Reader:
    person: Person
    tickets: dict[str, list[Ticket]] = field(default_factory=dict)


def _summary(ticket: Ticket) -> dict[str, Any]:
    return {"key": ticket.key, "title": ticket.title}


async def plan_bulk_assign(uow: UnitOfWork, moved: list[tuple[Ticket, str | None]], to: Person,
                           actor: Person, reason: str | None, config: NotifyConfig,
                           now: datetime, org: Organisation) -> list[OutboxMessage]:
    """`moved`: each ticket assigned, with the handle of whoever had it before."""
    readers: dict[int, _Reader] = {}

    async def add(person: Person | None, section: str, ticket: Ticket) -> None:
        if person is None or person.id == actor.id:
            return  # the lead knows what they did
        reader = readers.setdefault(person.id, _Reader(person))  # type: ignore[arg-type]
        if any(t.key == ticket.key for told in reader.tickets.values() for t in told):
            return  # a requester who now has their own ticket reads it once
        reader.tickets.setdefault(section, []).append(ticket)

    for ticket, previous in moved:
        await add(to, "assigned", ticket)
        if previous:
            await add(await uow.people.by_handle(previous), "taken", ticket)
        await add(ticket.requester, "requested", ticket)
    prefs = await uow.preferences.get_many(set(readers))
    # The saved versions name this request exactly; hashed, as a long list would not fit.
    stem = sha256("+".join(f"{t.key}:v{t.version}" for t, _ in moved).encode()).hexdigest()[:32]
    messages = []
    for person_id, reader in readers.items():
        pref = prefs.get(person_id)
        if pref is not None and (not pref.notify or pref.channel_only):
            continue  # channel-only people read each ticket's line in the channel
        tickets = [t for section in reader.tickets.values() for t in section]
        urgent = any(is_urgent("assign", t.priority) for t in tickets)
        muted = pref.muted_ticket_ids if pref is not None and not urgent else ()
        sections = {name: [_summary(t) for t in reader.tickets.get(name, []) if t.id not in muted]
                    for name in SECTIONS}
        shown = [s for name in SECTIONS for s in sections[name]]
        if not shown:
            continue
        found = personal_target(reader.person, tickets[0], pref, config, now, urgent, org)
        if found is None:
            continue
        platform, address, not_before, locale, zone = found
        params = {**sections, "actor": actor.label, "assignee": to.label, "reason": reason,
                  READER_ZONE: zone,
                  "key": ", ".join(s["key"] for s in shown),
                  "title": " / ".join(s["title"] for s in shown)[:120]}
        messages.append(OutboxMessage(
            idempotency_key=f"bulk-assign:{stem}:{platform.value}:{address}", ticket_id=None,
            ticket_key=None, event="bulk_assign", platform=platform, address=address,
            template="notify.bulk_assign", params=params, locale=locale, urgent=urgent,
            created_at=now, not_before=not_before, person_id=person_id))
    return messages
