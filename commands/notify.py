"""Plan the messages a change promises: who hears it (workflows.audience), where, in which
language, and not before their quiet hours end. Written to the outbox with the change."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from commands.ports import OutboxMessage, Preferences, UnitOfWork
from workflows.audience import AUDIENCES, LEAD_STANDS_IN, Audience, is_urgent
from workflows.audit import AuditEntry
from workflows.kinds import Source
from workflows.organisation import Organisation
from workflows.people import Person
from workflows.quiet_hours import QuietHours
from workflows.ticket import Ticket

CHANNELS = frozenset({Audience.QUEUE_CHANNEL, Audience.ESCALATION_CHANNEL,
                      Audience.CONTROL_CHANNEL})


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    platforms: frozenset[Source] = frozenset({Source.CONSOLE})  # where messages can be delivered
    locale: str = "en"
    platform_locales: dict[Source, str] = field(default_factory=dict)
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

    def locale_for(self, platform: Source, preferences: Preferences | None = None) -> str:
        if preferences is not None and preferences.locale:
            return preferences.locale
        return self.platform_locales.get(platform, self.locale)


def _address(person: Person, ticket: Ticket, prefs: Preferences | None,
             platforms: frozenset[Source]) -> tuple[Source, str] | None:
    ids = {Source.SLACK: person.slack_id, Source.DINGTALK: person.dingtalk_id,
           Source.CONSOLE: person.handle}
    order = [prefs.platform] if prefs is not None and prefs.platform else []
    order += [ticket.source, Source.SLACK, Source.DINGTALK, Source.CONSOLE]
    for platform in order:
        if platform in platforms and ids.get(platform):
            return platform, ids[platform]  # type: ignore[return-value]
    return None


def _channels(ticket: Ticket, org: Organisation, platforms: frozenset[Source]
              ) -> list[tuple[Source, str]]:
    team = org.team(ticket.team)
    queue = org.queue(ticket.queue)
    configured = {**(queue.channels if queue else {}), **(team.channels if team else {})}
    found = [(Source(p), c) for p, c in configured.items() if Source(p) in platforms]
    if Source.CONSOLE in platforms:
        name = queue.triage_channel if queue and queue.triage_channel else f"#{ticket.queue}"
        found.append((Source.CONSOLE, name))
    return found


def _sla_channels(kind: str, ticket: Ticket, org: Organisation, platforms: frozenset[Source]
                  ) -> list[tuple[Source, str]]:
    """Escalation or control channels: the policy's, else the team's, per platform."""
    team = org.team(ticket.team)
    configured = dict(team.sla_channels.get(kind, {})) if team else {}
    if ticket.sla is not None:
        configured.update(org.sla.policy(ticket.sla.snapshot.policy).channels.get(kind, {}))
    return [(Source(p), c) for p, c in configured.items() if Source(p) in platforms]


def _params(ticket: Ticket, entry: AuditEntry, actor: Person | None,
            body: str | None) -> dict[str, Any]:
    assignee = entry.changes.get("assignee", [None, None])
    return {
        "details": {name: change[1] for name, change in entry.changes.items()},
        "body": body,
        "key": ticket.key, "title": ticket.title, "priority": ticket.priority.value,
        "status": ticket.status.value, "team": ticket.team,
        "actor": actor.label if actor else None, "reason": entry.reason,
        "requester": ticket.requester.label,
        "assignee": ticket.assignee.label if ticket.assignee else None,
        "previous": assignee[0], "changes": entry.changes,
    }


async def _people(uow: UnitOfWork, audience: Audience, ticket: Ticket, entry: AuditEntry,
                  org: Organisation) -> list[Person]:
    if audience is Audience.REQUESTER:
        return [ticket.requester]
    if audience is Audience.ASSIGNEE:
        if ticket.assignee is not None:
            return [ticket.assignee]
        if entry.action in LEAD_STANDS_IN:  # nobody has it yet: the lead hears it
            return await _people(uow, Audience.TEAM_LEAD, ticket, entry, org)
        return []
    if audience is Audience.COLLABORATORS:
        return list(ticket.collaborators)
    if audience is Audience.AGENT_COLLABORATORS:
        return [p for p in ticket.collaborators if org.is_agent(p.handle)]
    if audience is Audience.NEW_COLLABORATORS:
        before, after = entry.changes.get("collaborators", [[], []])
        return [p for p in ticket.collaborators if p.handle in set(after) - set(before)]
    handles: list[str] = []
    if audience is Audience.PREVIOUS_ASSIGNEE:
        handles = [h for h in entry.changes.get("assignee", [None])[:1] if h]
    elif audience is Audience.TEAM_LEAD:
        team = org.team(ticket.team)
        handles = sorted(team.leads) if team else []
    found = [await uow.people.by_handle(h) for h in handles]
    return [p for p in found if p is not None]


async def plan(uow: UnitOfWork, ticket: Ticket, entries: list[AuditEntry], org: Organisation,
               config: NotifyConfig, actor: Person | None, now: datetime) -> list[OutboxMessage]:
    messages: list[OutboxMessage] = []
    comments = iter(ticket.new_comments)  # one per reply/note entry, in the same order
    for index, entry in enumerate(entries):
        body = next(comments).body if entry.action in ("reply", "note") else None
        audiences = AUDIENCES.get(entry.action, ())
        if not audiences:
            continue
        urgent = is_urgent(entry.action, ticket.priority)
        params = _params(ticket, entry, actor, body)
        if params["previous"]:
            previous = await uow.people.by_handle(params["previous"])
            params["previous"] = previous.label if previous else params["previous"]
        stem = f"{ticket.key}:v{ticket.version}:{index}"
        people: dict[int, Person] = {}
        for audience in audiences:
            if audience not in CHANNELS:
                for person in await _people(uow, audience, ticket, entry, org):
                    people.setdefault(person.id, person)
        if actor is not None:
            people.pop(actor.id, None)
        prefs = await uow.preferences.get_many(set(people))
        targets: list[tuple[Source, str, Person | None, datetime, str]] = []
        for person in people.values():
            pref = prefs.get(person.id)
            if pref is not None and not pref.notify:
                continue
            if pref is not None and ticket.id in pref.muted_ticket_ids and not urgent:
                continue
            where = _address(person, ticket, pref, config.platforms)
            if where is None:
                continue
            not_before = now
            if not urgent and pref is not None and pref.quiet_from and pref.quiet_to:
                tz = ZoneInfo(pref.timezone) if pref.timezone else config.tz
                not_before = QuietHours(pref.quiet_from, pref.quiet_to, tz).until(now) or now
            targets.append((*where, person, not_before, config.locale_for(where[0], pref)))
        channels: list[tuple[Source, str]] = []
        if Audience.QUEUE_CHANNEL in audiences:
            channels += _channels(ticket, org, config.platforms)
        for audience, kind in ((Audience.ESCALATION_CHANNEL, "escalation"),
                               (Audience.CONTROL_CHANNEL, "control")):
            if audience in audiences:
                channels += _sla_channels(kind, ticket, org, config.platforms)
        targets += [(platform, channel, None, now, config.locale_for(platform))
                    for platform, channel in channels]
        seen: set[tuple[Source, str]] = set()
        for platform, address, person, not_before, locale in targets:
            if (platform, address) in seen:
                continue
            seen.add((platform, address))
            messages.append(OutboxMessage(
                idempotency_key=f"{stem}:{platform.value}:{address}", ticket_id=ticket.id,
                ticket_key=ticket.key, event=entry.action, platform=platform, address=address,
                template=f"notify.{entry.action}", params=params, locale=locale, urgent=urgent,
                created_at=now, not_before=not_before,
                person_id=person.id if person else None))
    return messages
