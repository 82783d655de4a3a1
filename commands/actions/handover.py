"""Assign within the team (one ticket, or several at once for leads), or transfer to another
person or team with a reason. A ticket transferred to a team is assigned by that team's strategy."""

from dataclasses import replace

from commands.actions.away import local_day
from commands.answer import Answer
from commands.assigning import auto_assign
from commands.context import Context, changing
from commands.messages import Assign, BulkAssign, Transfer
from commands.notify_bulk import plan_bulk_assign
from commands.people import resolve_mention, zone_of
from commands.ports import UnitOfWork
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
        person = await resolve_mention(uow, cmd.to)
        ticket.assign(actor, person, ctx.org, cmd.reason)
        away = await _away_note(uow, ctx, person)
    return ctx.card("ticket.assigned", ticket, to=person.label, away=away)


async def bulk_assign(cmd: BulkAssign, ctx: Context) -> Answer:
    """Each ticket in its own transaction: one closed or foreign ticket does not hold up the
    others, and the reply says exactly which moved and why the rest did not."""
    async with ctx.uow() as uow:
        person = await resolve_mention(uow, cmd.to)
        away = await _away_note(uow, ctx, person)
        await uow.commit()
    done: list[str] = []
    failed: list[dict[str, object]] = []
    moved: list[tuple[Ticket, str | None]] = []
    # People hear of the whole request once (below); channels still hear each ticket.
    each = replace(ctx, notify=replace(ctx.notify, gathered=ctx.notify.gathered | {"assign"}))
    for key in cmd.keys:
        try:
            async with changing(each, key) as (_, ticket, actor):
                if not actor.roles & {Role.LEAD, Role.ADMIN}:
                    raise NotAllowed("error.bulk_leads_only", key=ticket.key)
                previous = ticket.assignee.handle if ticket.assignee else None
                ticket.assign(actor, person, ctx.org, cmd.reason)
            done.append(ticket.key)
            moved.append((ticket, previous))
        except DomainError as error:
            failed.append({"key": key, "error": error.message_key, "params": dict(error.params)})
    if moved:
        async with ctx.uow() as uow:
            await uow.outbox.add(await plan_bulk_assign(
                uow, moved, person, ctx.person, cmd.reason, ctx.notify, ctx.clock.now()))
            await uow.commit()
    return Answer("ticket.bulk_assigned", {"to": person.label, "done": done, "failed": failed,
                                           "away": away}, ok=bool(done))


async def transfer(cmd: Transfer, ctx: Context) -> Answer:
    assignee, how = None, None
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        if cmd.to is not None:
            person = await resolve_mention(uow, cmd.to)
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
