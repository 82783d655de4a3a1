"""Assign within the team (one ticket, or several at once for leads), or transfer to another
person or team with a reason. A ticket transferred to a team is assigned by that team's strategy."""

from dataclasses import replace

from commands.actions.away import local_day
from commands.answer import Answer
from commands.assigning import auto_assign
from commands.context import Context, changing, save_change
from commands.messages import Assign, BulkAssign, Transfer
from commands.notify_bulk import plan_bulk_assign
from commands.people import resolve_mention, zone_of
from commands.ports import UnitOfWork
from commands.visibility import check_not_hidden
from workflows.errors import DomainError, NotAllowed
from workflows.people import Person
from workflows.roles import Role
from workflows.ticket import Ticket


async def _away_note(uow: UnitOfWork, ctx: Context, person: Person) -> dict[str, object] | None:
    """Assigning to someone who is away is allowed (a lead may know better), but said."""
    until = (await uow.away.until([person.handle], ctx.clock.now())).get(person.handle)
    if until is None:
        return None
    return local_day(until, await zone_of(uow, ctx.org, person, ctx.notify.tz))


async def assign(cmd: Assign, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        person = await resolve_mention(uow, cmd.to, actor.now)
        ticket.assign(actor, person, ctx.org, cmd.reason)
        away = await _away_note(uow, ctx, person)
    return ctx.card("ticket.assigned", ticket, to=person.label, away=away)


async def bulk_assign(cmd: BulkAssign, ctx: Context) -> Answer:
    """One transaction for the request (its inbound id is claimed once, in it), so a retried
    delivery changes nothing and a crash leaves none half done. A ticket that may not move is
    refused before anything of it is written, and the reply says which moved and why the rest
    did not. Tickets are locked in one order, so two bulk commands cannot deadlock."""
    async with ctx.uow() as uow:
        now = ctx.clock.now()
        person = await resolve_mention(uow, cmd.to, now)
        away = await _away_note(uow, ctx, person)
        done: dict[str, str] = {}
        failed: dict[str, dict[str, object]] = {}
        moved: list[tuple[Ticket, str | None]] = []
        # People hear of the whole request once (below); channels still hear each ticket.
        gathered = replace(ctx.notify, gathered=ctx.notify.gathered | {"assign"})
        for key in sorted(dict.fromkeys(k.upper() for k in cmd.keys), key=_lock_order):
            try:
                ticket = await uow.tickets.get(key, for_update=True)
                check_not_hidden(ctx.org, ctx.person, ticket)
                actor = ctx.actor(ticket)
                if not actor.roles & {Role.LEAD, Role.ADMIN}:
                    raise NotAllowed("error.bulk_leads_only", key=ticket.key)
                previous = ticket.assignee.handle if ticket.assignee else None
                ticket.assign(actor, person, ctx.org, cmd.reason)
            except DomainError as error:
                failed[key] = {"key": key, "error": error.message_key,
                               "params": dict(error.params)}
                continue
            await save_change(uow, ticket, ctx.org, gathered, ctx.person, actor.now)
            done[key] = ticket.key
            moved.append((ticket, previous))
        if done:  # nothing moved: like any refusal, nothing is kept (a retry is answered again)
            order = {k.upper(): i for i, k in enumerate(dict.fromkeys(cmd.keys))}
            moved.sort(key=lambda pair: order.get(pair[0].key, 0))
            await uow.outbox.add(await plan_bulk_assign(
                uow, moved, person, ctx.person, cmd.reason, ctx.notify, now, ctx.org))
            await uow.commit()
    order = [k.upper() for k in dict.fromkeys(cmd.keys)]  # the reply follows the request
    return Answer("ticket.bulk_assigned", {
        "to": person.label, "done": [done[k] for k in order if k in done],
        "failed": [failed[k] for k in order if k in failed], "away": away}, ok=bool(done))


def _lock_order(key: str) -> tuple[str, int, str]:
    queue, _, number = key.rpartition("-")
    return (queue, int(number), key) if number.isdigit() else (key, 0, key)


async def transfer(cmd: Transfer, ctx: Context) -> Answer:
    assignee, how = None, None
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        if cmd.to is not None:
            person = await resolve_mention(uow, cmd.to, actor.now)
            ticket.transfer(actor, person, ctx.org, cmd.reason)
            target = person.label
        else:
            ticket.transfer_team(actor, cmd.team or "", ctx.org, cmd.reason)
            team = ctx.org.team(ticket.team)
            target = team.name if team else ticket.team
            choice, chosen = await auto_assign(uow, ctx.org, ticket, actor.now)
            assignee, how = (chosen.label if chosen else None), choice.how.value
    return ctx.card("ticket.transferred", ticket, to=target, reason=cmd.reason,
                    assignee=assignee, how=how)
