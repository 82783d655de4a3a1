"""Plan the messages a change promises: who hears it (workflows.audience), where, in which
language, and not before their quiet hours end. Written to the outbox with the change."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from commands import duplicate_burst as burst
from commands.buttons import ticket_buttons
from commands.card_places import card_destinations, mirrored_to, ticket_channels
from commands.people import zone_from
from commands.ports import OutboxMessage, Preferences, UnitOfWork
from workflows.actions import Action
from workflows.audience import AUDIENCES, LEAD_STANDS_IN, Audience, is_urgent
from workflows.audit import AuditEntry
from workflows.confidential import insider_handles, ticket_is_confidential
from workflows.fields import field_rows
from workflows.kinds import Source
from workflows.organisation import Organisation
from workflows.people import Person
from workflows.quiet_hours import QuietHours
from workflows.roles import Role
from workflows.ticket import Ticket

CHANNELS = frozenset({Audience.QUEUE_CHANNEL, Audience.ESCALATION_CHANNEL,
                      Audience.CONTROL_CHANNEL})


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    platforms: frozenset[Source] = frozenset({Source.CONSOLE})  # where messages can be delivered
    locale: str = "en"
    platform_locales: dict[Source, str] = field(default_factory=dict)
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    # Platforms where a ticket lives as an interactive card in its channel, updated in place,
    # with each change posted in the card's thread. Given by the adapters' wiring
    # (bot/bootstrap.py); without it every change is a message of its own.
    card_platforms: frozenset[Source] = frozenset()
    # Platforms where a direct message can carry buttons (an approver's card); elsewhere it is a
    # line saying the commands to type. Given by the adapters' wiring (bot/bootstrap.py).
    card_dm_platforms: frozenset[Source] = frozenset()
    # Platforms without forms, where a command lacking required fields asks them one at a time
    # in the chat (commands/dialogue.py); the others ask them in their modals. Given by
    # bot/bootstrap.py.
    guided_platforms: frozenset[Source] = frozenset({Source.CONSOLE})
    # Actions whose messages to people the use case writes itself, one per person for a whole
    # request (a bulk assign); channels still hear each ticket.
    gathered: frozenset[str] = frozenset()

    def locale_for(self, platform: Source, preferences: Preferences | None = None) -> str:
        """A person's language on `platform`: the one they chose here, else the one that
        messenger says they read, else the messenger's default."""
        if preferences is not None and preferences.locale:
            return preferences.locale
        said = preferences.messenger_locale if preferences is not None else None
        if said is not None and said[0] == platform:
            return said[1]
        return self.platform_locales.get(platform, self.locale)


def _address(person: Person, ticket: Ticket, prefs: Preferences | None,
             platforms: frozenset[Source]) -> tuple[Source, str] | None:
    """The messenger they chose, else the one they last wrote from, else the ticket's, else any
    account they have; the console (tests, the CLI) by handle last."""
    ids: dict[str, str | None] = {Source.CONSOLE.value: person.handle, **dict(reversed(person.identities))}
    chosen = prefs.platform.value if prefs is not None and prefs.platform else None
    for platform in [*person.reach_order(chosen, ticket.source.value), Source.CONSOLE.value]:
        if platform in platforms and ids.get(platform):
            return Source(platform), ids[platform]  # type: ignore[return-value]
    return None


def personal_target(person: Person, ticket: Ticket, pref: Preferences | None,
                    config: NotifyConfig, now: datetime, urgent: bool, org: Organisation
                    ) -> tuple[Source, str, datetime, str, str] | None:
    """Where, from when (after their quiet hours), in which language and in which time zone a
    person is told."""
    where = _address(person, ticket, pref, config.platforms)
    if where is None:
        return None
    not_before = now
    if not urgent and pref is not None and pref.quiet_from and pref.quiet_to:
        tz = ZoneInfo(pref.timezone) if pref.timezone else config.tz
        not_before = QuietHours(pref.quiet_from, pref.quiet_to, tz).until(now) or now
    zone = zone_from(pref.timezone if pref is not None else None, org, person, config.tz)
    return where[0], where[1], not_before, config.locale_for(where[0], pref), str(zone)


def _channels(ticket: Ticket, org: Organisation, platforms: frozenset[Source]
              ) -> list[tuple[Source, str]]:
    team = org.team(ticket.team)
    queue = org.queue(ticket.queue)
    found = [(Source(p), c) for p, c in ticket_channels(ticket, org).items() if p in platforms]
    if Source.CONSOLE in platforms:
        # The team's triage channel first: that is where its unassigned tickets wait.
        name = (team.triage_channel if team and team.triage_channel
                else queue.triage_channel if queue and queue.triage_channel else f"#{ticket.queue}")
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
        # Entries the system added to a person's change (routing, assignment) are not theirs.
        "actor": actor.label if actor and entry.actor_id == actor.id else None,
        "reason": entry.reason,
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


CARD_ACTIONS = (Action.CLAIM, Action.TRANSFER, Action.NOTE, Action.PEND, Action.RESUME,
                Action.RESOLVE, Action.REOPEN, Action.CLOSE, Action.URGE)
# Changes that need no line in the card's thread: the card itself says it, the message is
# already in the thread, or it is internal.
SILENT_IN_THREAD = frozenset({"create", "reply", "note", "link",
                              # escalation chatter goes to leads and escalation channels
                              "escalation", "escalation_channel", "sla_reminder", "sla_exhausted"})
# The recipient's time zone, carried in each row's parameters: the relay renders times in it.
READER_ZONE = "reader_zone"
CARD_THREAD = "@card"  # resolved at delivery to the card's message id on that destination
COMMENTS = frozenset({"reply", "note"})


def person_ref(p: Person) -> dict[str, Any]:
    """A person as JSON, enough for each platform to mention them."""
    # `<platform>_id` per account (the keys cards and mentions have always read).
    return {"label": p.label, **{f"{platform}_id": value for platform, value in p.identities}}


def _template(action: str, person: Person | None, ticket: Ticket,
              mentioned: frozenset[str] = frozenset()) -> str:
    # Closing asks the requester how it went (CSAT); everyone else just hears it is closed.
    if action == "close" and person is not None and person.id == ticket.requester.id:
        return "notify.csat"
    # Someone a reply or note mentioned (and so added) reads the text and that they joined.
    if action in COMMENTS and person is not None and person.handle in mentioned:
        return f"notify.{action}_mention"
    return f"notify.{action}"


def _added_handles(entries: list[AuditEntry]) -> frozenset[str]:
    """Who this change adds as collaborators (its `cc` lines)."""
    added: set[str] = set()
    for entry in entries:
        if entry.action == "cc":
            before, after = entry.changes.get("collaborators", [[], []])
            added |= set(after) - set(before)
    return frozenset(added)


def card_actions(ticket: Ticket) -> list[Action]:
    """The buttons a shared card (or an App Home row) offers: what anyone may do now. A click
    by someone who may not is refused with the reason, only to them."""
    everyone_named = frozenset(p for t in ticket.flow.transitions for p in t.principals)
    offered = set(ticket.allowed_actions(frozenset(Role) - {Role.SYSTEM}, everyone_named))
    return [a for a in CARD_ACTIONS if a in offered]


def card_snapshot(ticket: Ticket, org: Organisation) -> dict[str, Any]:
    """Everything a card shows, as JSON: the card is rendered from this at delivery."""
    team = org.team(ticket.team)

    def person(p: Person | None) -> dict[str, Any] | None:
        return None if p is None else person_ref(p)

    return {
        "key": ticket.key, "title": ticket.title, "description": ticket.description[:500],
        "status": str(ticket.status_id), "priority": ticket.priority.value,
        "status_names": getattr(ticket.status_word, "names", {}),  # a workflow's own words
        "type": ticket.type.value, "category": ticket.category,
        # An organisation's own type (a laptop request), with its names for every reader.
        **({"custom_type": ticket.custom_type, "type_names": org.type_names(ticket.custom_type)}
           if ticket.custom_type else {}),
        "team": team.name if team else ticket.team, "requester": person(ticket.requester),
        "assignee": person(ticket.assignee),
        "collaborators": [person(p) for p in ticket.collaborators],
        "due": ticket.resolution_due_at.isoformat()
        if ticket.resolution_due_at and ticket.status.is_open else None,
        "resolution": ticket.resolution, "pending_reason": ticket.pending_reason,
        # The type's own fields marked `card: true`, with their labels in both languages.
        **({"fields": rows} if (rows := field_rows(org.form_for(ticket.kind), ticket.fields,
                                                    card_only=True)) else {}),
        "version": ticket.version + 1,  # the version this change saves
        "actions": [a.value for a in card_actions(ticket)],
        # Ticked in the card while the ticket is open (Slack checkboxes, DingTalk buttons).
        "checklist": [{"text": i.text, "required": i.required, "done": i.done, "by": i.done_by}
                      for i in ticket.checklist],
        "checkable": ticket.status.is_open,
        "asset": ticket.asset,
        # Shown only when there are some: a card without them reads as before.
        **({"buttons": buttons} if (buttons := ticket_buttons(
            ticket, ticket_is_confidential(org, ticket))) else {}),
    }


async def plan(uow: UnitOfWork, ticket: Ticket, entries: list[AuditEntry], org: Organisation,
               config: NotifyConfig, actor: Person | None, now: datetime,
               coalesced: frozenset[str] = frozenset()) -> list[OutboxMessage]:
    """`coalesced`: actions whose people are told in their burst's one notice (and not in the
    card's thread), commands/duplicate_burst.py."""
    messages: list[OutboxMessage] = []
    comments = iter(ticket.new_comments)  # one per reply/note entry, in the same order
    all_params = []
    for entry in entries:
        body = next(comments).body if entry.action in ("reply", "note") else None
        params = _params(ticket, entry, actor, body)
        if params["previous"]:
            previous = await uow.people.by_handle(params["previous"])
            params["previous"] = previous.label if previous else params["previous"]
        all_params.append(params)
    # A requester's reply that resumes the ticket: those told of the reply read that it is back
    # in progress there, instead of a second message about the resume.
    resumed_by_reply = any(e.action == "resume" for e in entries)
    for entry, params in zip(entries, all_params, strict=True):
        if entry.action == "reply" and resumed_by_reply:
            params["resumed"] = True
    channel_params = list(all_params)  # with @-mentions of people who follow in the channel
    # A reply or note that mentions people adds them in the same change: each hears one message,
    # the comment's, rather than that and "added you" too.
    mentioned = _added_handles(entries) if any(e.action in COMMENTS for e in entries) else (
        frozenset())
    told_of_comment: set[int] = set()
    # A confidential ticket is never in a channel: what a channel would hear, its insiders hear
    # by direct message (workflows.confidential).
    secret = ticket_is_confidential(org, ticket)
    insiders = [p for h in insider_handles(org, ticket)
                if (p := await uow.people.by_handle(h)) is not None] if secret else []
    for index, entry in enumerate(entries):
        audiences = AUDIENCES.get(entry.action, ())
        if not audiences:
            continue
        params = all_params[index]
        urgent = is_urgent(entry.action, ticket.priority)
        stem = f"{ticket.key}:v{ticket.version}:{index}"
        people: dict[int, Person] = {}
        for audience in audiences:
            if audience not in CHANNELS:
                for person in await _people(uow, audience, ticket, entry, org):
                    people.setdefault(person.id, person)
        if secret and CHANNELS.intersection(audiences):
            for person in insiders:
                people.setdefault(person.id, person)
        # Filed privately, the one who filed it reads the ticket in their direct messages.
        if actor is not None and not (secret and entry.action == "create"):
            people.pop(actor.id, None)
        if entry.action in config.gathered:
            people.clear()
        if entry.action == "cc" or (entry.action == "resume" and resumed_by_reply):
            for person_id in told_of_comment:
                people.pop(person_id, None)
        # A ticket being created has no mutes yet: only its recipients' preferences are read.
        prefs = await uow.preferences.get_many(set(people), mutes=ticket.id is not None)
        targets: list[tuple[Source, str, Person | None, datetime, str, str]] = []
        mentions: list[dict[str, Any]] = []
        for person in people.values():
            pref = prefs.get(person.id)
            if pref is not None and not pref.notify:
                continue
            if pref is not None and pref.channel_only and not secret:
                mentions.append(person_ref(person))  # told in the channel, not in a DM
                continue
            if pref is not None and ticket.id in pref.muted_ticket_ids and not urgent:
                continue
            found = personal_target(person, ticket, pref, config, now, urgent, org)
            if found is not None:
                targets.append((found[0], found[1], person, found[2], found[3], found[4]))
        channels: list[tuple[Source, str]] = []
        if secret:
            pass  # told to the insiders above
        elif Audience.QUEUE_CHANNEL in audiences:
            channels += [(platform, channel) for platform, channel
                         in _channels(ticket, org, config.platforms)
                         if platform not in config.card_platforms]  # cards have their thread
        for audience, kind in ((Audience.ESCALATION_CHANNEL, "escalation"),
                               (Audience.CONTROL_CHANNEL, "control")):
            if audience in audiences and not secret:
                channels += _sla_channels(kind, ticket, org, config.platforms)
        targets += [(platform, channel, None, now, config.locale_for(platform),
                     channel_zone(ticket, org, config)) for platform, channel in channels]
        # In the triage channel a new ticket nobody has yet says how to take it.
        channel_params[index] = {**params,
                                 "claim": entry.action == "create" and ticket.assignee is None}
        if mentions:
            channel_params[index]["mentions"] = mentions
        seen: set[tuple[Source, str]] = set()
        for platform, address, person, not_before, locale, zone in targets:
            if (platform, address) in seen:
                continue
            seen.add((platform, address))
            if person is not None and entry.action in COMMENTS:
                told_of_comment.add(person.id)
            if entry.action in coalesced:
                if person is not None:
                    messages.append(_burst_notice(ticket, params, platform, address, person,
                                                  not_before, locale, zone, now))
                continue
            messages.append(OutboxMessage(
                idempotency_key=f"{stem}:{platform.value}:{address}", ticket_id=ticket.id,
                ticket_key=ticket.key, event=entry.action, platform=platform, address=address,
                template=_template(entry.action, person, ticket, mentioned),
                params={**(params if person is not None else channel_params[index]),
                        READER_ZONE: zone},
                locale=locale, urgent=urgent, created_at=now, not_before=not_before,
                person_id=person.id if person else None))
    if entries and not secret:
        messages += _card_messages(ticket, entries, channel_params, org, config, now, coalesced)
    elif entries:  # a confidential ticket has no card in any channel: each insider has one
        prefs = await uow.preferences.get_many({p.id for p in insiders}, mutes=False)
        messages += _direct_cards(ticket, insiders, prefs, org, config, now)
    return messages


def _burst_notice(ticket: Ticket, params: dict[str, Any], platform: Source, address: str,
                  person: Person, not_before: datetime, locale: str, zone: str,
                  now: datetime) -> OutboxMessage:
    """This ticket's part of its burst's one notice to `person` (appended to it on conflict)."""
    return OutboxMessage(
        idempotency_key=burst.notice_key(ticket.requester.id, now, platform.value, address),
        ticket_id=ticket.id, ticket_key=ticket.key, event=burst.EVENT, platform=platform,
        address=address, template=burst.TEMPLATE,
        params={**burst.notice_params(ticket.requester.label, ticket.key, ticket.title,
                                      params["reason"]), READER_ZONE: zone},
        locale=locale, urgent=False, created_at=now,
        not_before=max(not_before, burst.window(now)[1]), person_id=person.id, appends=True)


def channel_zone(ticket: Ticket, org: Organisation, config: NotifyConfig) -> str:
    """A channel has many readers: its times are in the ticket's team's zone."""
    team = org.team(ticket.team)
    if team is not None:
        return str(team.assignment.tz)
    return str(org.tz if str(org.tz) != "UTC" else config.tz)


def _card_destinations(ticket: Ticket, org: Organisation, config: NotifyConfig
                       ) -> list[tuple[Source, str]]:
    return card_destinations(ticket, _channels(ticket, org, config.platforms),
                             config.card_platforms, config.platforms)


def _direct_cards(ticket: Ticket, insiders: list[Person], prefs: dict[int, Preferences],
                  org: Organisation, config: NotifyConfig, now: datetime) -> list[OutboxMessage]:
    """A confidential ticket's card, in each insider's direct messages on the card platform
    their notices go to (their chosen platform, else the ticket's own, else Slack, DingTalk,
    Feishu, where they have an identity): Slack's DM, which the sender opens; DingTalk's 1:1
    chat with the robot (an IM_ROBOT card); Feishu's chat with the bot (their open_id). Posted
    once and updated in place there, as a channel's card is. Its changes reach them as notices."""
    platforms = config.card_platforms & config.platforms
    if not platforms:
        return []
    snapshot = {**card_snapshot(ticket, org), READER_ZONE: channel_zone(ticket, org, config)}
    messages = []
    for person in insiders:
        where = _address(person, ticket, prefs.get(person.id), platforms)
        if where is None or where[0] == Source.CONSOLE:
            continue
        platform, address = where
        messages.append(OutboxMessage(
            idempotency_key=f"{ticket.key}:v{ticket.version}:card:{platform.value}:{address}",
            ticket_id=ticket.id, ticket_key=ticket.key, event="card", platform=platform,
            address=address, template="card", params=snapshot,
            locale=config.locale_for(platform, prefs.get(person.id)), urgent=False,
            created_at=now, not_before=now))
    return messages


def _card_messages(ticket: Ticket, entries: list[AuditEntry], all_params: list[dict[str, Any]],
                   org: Organisation, config: NotifyConfig, now: datetime,
                   coalesced: frozenset[str] = frozenset()) -> list[OutboxMessage]:
    """One card refresh per change, plus a line in the card's thread for each entry."""
    messages: list[OutboxMessage] = []
    destinations = _card_destinations(ticket, org, config)
    if not destinations:  # no card to refresh: nothing to build one for
        return messages
    snapshot = {**card_snapshot(ticket, org), READER_ZONE: channel_zone(ticket, org, config)}
    all_params = [{**p, READER_ZONE: snapshot[READER_ZONE]} for p in all_params]
    for platform, channel in destinations:
        locale = config.locale_for(platform)
        stem = f"{ticket.key}:v{ticket.version}"
        for index, entry in enumerate(entries):
            if mirrored_to(entry, platform, channel):
                pass  # a comment said elsewhere, repeated here with its author
            elif (entry.action in SILENT_IN_THREAD or entry.action in coalesced
                    or not AUDIENCES.get(entry.action)):
                continue  # internal lines (SLA clocks) and what the card already shows
            messages.append(OutboxMessage(
                idempotency_key=f"{stem}:{index}:thread:{platform.value}:{channel}",
                ticket_id=ticket.id, ticket_key=ticket.key, event=entry.action,
                platform=platform, address=channel, template=f"notify.{entry.action}",
                params=all_params[index], locale=locale,
                urgent=is_urgent(entry.action, ticket.priority), created_at=now, not_before=now,
                thread=CARD_THREAD))
        messages.append(OutboxMessage(
            idempotency_key=f"{stem}:card:{platform.value}:{channel}", ticket_id=ticket.id,
            ticket_key=ticket.key, event="card", platform=platform, address=channel,
            template="card", params=snapshot, locale=locale, urgent=False, created_at=now,
            not_before=now))
    return messages
