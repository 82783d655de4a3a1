"""Open a ticket: route it by the organisation's rules, then let the team's strategy assign it,
all in one transaction with its audit lines and notifications."""

from datetime import datetime
from typing import Any

from commands.actions.read import check_visible
from commands.answer import Answer
from commands.assigning import auto_assign
from commands.buttons import offered_at_creation
from commands.context import Context, commit_change
from commands.duplicate_burst import COALESCED, in_burst
from commands.messages import Create
from commands.people import resolve_mention, resolve_mentions
from commands.ports import UnitOfWork
from commands.suggest import Suggestions, suggest
from workflows.checklist import CheckItem
from workflows.choice import Choice
from workflows.confidential import ticket_is_confidential
from workflows.errors import InvalidInput
from workflows.fields import Form, fill, missing_required, read_values, with_defaults
from workflows.kinds import Source
from workflows.people import Person
from workflows.placement import Requested, place
from workflows.roles import Role
from workflows.sla import start
from workflows.status import Status
from workflows.ticket import MAX_TEXT, MAX_TITLE, Actor, Ticket, clean, require_text


async def _relate(uow: UnitOfWork, ctx: Context, ticket: Ticket, key: str) -> None:
    """A follow-up names the ticket it continues (a closed one can no longer be reopened):
    the two are linked from the start. Only someone who may see the old ticket may name it."""
    other = await uow.tickets.get(key)
    check_visible(ctx, other)
    ticket.links.append(other.key)
    ticket.new_links.append(other.key)


def form_values(form: Form, given: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """The type's field values as typed, with the defaults; a required field still missing is
    refused with every missing one and how to give them inline."""
    values = with_defaults(form, read_values(form, given))
    missing = missing_required(form, values)
    if missing:
        raise InvalidInput("error.fields_missing", fields=[
            {"name": f.name, "labels": dict(f.labels), "kind": f.kind.value,
             "choices": list(f.choices)} for f in missing])
    return values


def requested(cmd: Create, channel: str | None) -> Requested:
    return Requested(cmd.title, cmd.description, channel, cmd.queue, cmd.type, cmd.category,
                     cmd.priority, cmd.custom_type)


async def create(cmd: Create, ctx: Context) -> Answer:
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        requester = (ctx.person if cmd.requester is None
                     else await resolve_mention(uow, cmd.requester, now))
        ticket, choice, assignee, offered = await open_ticket(uow, ctx, cmd, requester, now)
        # Within a burst of alike tickets the agents get one notice listing the duplicates.
        burst = offered.duplicate is not None and in_burst(offered.duplicate, now)
        await commit_change(uow, ticket, ctx.org, ctx.notify, ctx.person, now,
                            COALESCED if burst else frozenset())
    if ticket_is_confidential(ctx.org, ticket) and ctx.source != Source.API:
        # Where it was asked hears neither key nor title: those come by direct message.
        return Answer("ticket.filed_privately", {})
    team = ctx.org.team(ticket.team)
    return ctx.card("ticket.created", ticket, team=team.name if team else ticket.team,
                    assignee=assignee.label if assignee else None, how=choice.how.value,
                    **offered.params(ctx.org.is_agent(ctx.person.handle)))


async def open_ticket(uow: UnitOfWork, ctx: Context, cmd: Create, requester: Person,
                      now: datetime, suggestions: bool = True
                      ) -> tuple[Ticket, Choice, Person | None, Suggestions]:
    """Route, build, assign and number a new ticket in the caller's transaction; the caller
    saves and commits it (`commit_change`), with whatever else its request changes. With
    `suggestions`, the knowledge base's articles and the open tickets that read the same."""
    org = ctx.org
    ticket = await draft_ticket(uow, ctx, cmd, requester, now)
    assignee: Person | None
    if cmd.assignee is not None:
        # The create modal's assignee picker: an agent creating on someone's behalf.
        assignee = await resolve_mention(uow, cmd.assignee, now)
        ticket.assign(ctx.actor(ticket), assignee, org, None)
        choice = Choice.manual_pick()
    else:
        choice, assignee = await auto_assign(uow, org, ticket, now)
    # Planned work is alike by design (this week's round reads as last week's): not compared.
    compare = org.knowledge.suggest and suggestions and cmd.planned is None
    offered = await suggest(uow, ctx, ticket, now) if compare else Suggestions()
    ticket.offered = offered_at_creation(offered.articles, [s.key for s in offered.similar])
    if offered.duplicate is not None:
        # Flagged to the agents (history, team lead, assignee); merged only by a person.
        ticket.record_system("duplicate_hint", now, {"similar": [None, offered.duplicate.key]},
                             reason=offered.duplicate.key)
    # Numbered last, once nothing in the request can be refused; the row itself is
    # written with the rest by commit_change.
    await uow.tickets.add(ticket)
    return ticket, choice, assignee, offered


async def draft_ticket(uow: UnitOfWork, ctx: Context, cmd: Create, requester: Person,
                       now: datetime) -> Ticket:
    """The new ticket routed, with its SLA clocks and first history lines: not yet assigned
    nor numbered. Raises on anything in the request that can be refused."""
    org = ctx.org
    placement = place(org, requested(cmd, ctx.channel), org.profile(requester.handle).department)
    if placement.type not in org.ticket_types and placement.custom_type is None:
        raise InvalidInput("error.type_disabled", type=placement.type.value)
    form = org.form_for(placement.custom_type or placement.type)
    people = [(name, (await resolve_mention(uow, who, now)).handle)
              for name, who in cmd.field_people]
    values = form_values(form, cmd.fields + tuple(people))
    title = require_text(cmd.title, "title", MAX_TITLE)
    if form.title_template:
        title = require_text(fill(form.title_template, {**values, "title": title}), "title",
                             MAX_TITLE)
    description = clean(cmd.description)
    if not description and form.description_template:
        description = clean(fill(form.description_template, {**values, "title": title}))
    if len(description) > MAX_TEXT:
        raise InvalidInput("error.text_too_long", what="description", limit=MAX_TEXT)
    collaborators = await resolve_mentions(uow, cmd.collaborators, now)
    ticket = Ticket(
        key="", queue=placement.queue, number=0, title=title, description=description,
        type=placement.type, priority=placement.priority, status=Status.NEW,
        requester=requester, team=cmd.team or placement.team, source=ctx.source, created_at=now,
        updated_at=now, category=placement.category, skills=tuple(sorted(placement.skills)),
        collaborators=[p for p in collaborators if p.id != requester.id],
        origin_channel=cmd.origin_channel or ctx.origin, origin_ts=cmd.origin_ts,
    )
    ticket.custom_type = placement.custom_type
    ticket.workflow = org.workflow_for(ticket.kind)
    ticket.fields = values
    ticket.checklist = [CheckItem(text, required) for text, required in cmd.checklist]
    if cmd.asset is not None:
        asset = await uow.assets.get(cmd.asset)
        if asset is None:
            raise InvalidInput("error.unknown_asset", asset=cmd.asset[:100])
        ticket.asset = asset.name
    if cmd.related is not None:
        await _relate(uow, ctx, ticket, cmd.related)
    start(ticket, org, now)  # the matching SLA policy, snapshotted, and the due times
    # The creation line names who filed it: the requester, or whoever filed it for them.
    filer_roles = frozenset({Role.REQUESTER}) if requester.id == ctx.person.id else frozenset()
    ticket.record_creation(Actor(ctx.person, filer_roles, now, ctx.source))
    if cmd.planned is not None:
        ticket.record_planned(now, cmd.planned.schedule, cmd.planned.due, cmd.planned.late)
    reason = placement.reason()
    if reason is not None:
        # The rule and its hits as data, so the history says them in the reader's words.
        rule = placement.decision.rule
        hits = [{"kind": h.kind, "value": h.value, "where": h.where}
                for h in placement.decision.hits]
        ticket.record_routing(Actor.system(now), {
            **placement.changes, "rule": [None, rule.name if rule else None],
            "hits": [None, hits]}, reason)
    return ticket
