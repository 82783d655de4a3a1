"""Assign within the team, or transfer to another person or team with a reason."""

from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import Assign, Transfer
from commands.people import resolve_mention


async def assign(cmd: Assign, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        person = await resolve_mention(uow, cmd.to)
        ticket.assign(actor, person, ctx.org, cmd.reason)
    return ctx.card("ticket.assigned", ticket, to=person.label)


async def transfer(cmd: Transfer, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        if cmd.to is not None:
            person = await resolve_mention(uow, cmd.to)
            ticket.transfer(actor, person, ctx.org, cmd.reason)
            target = person.label
        else:
            ticket.transfer_team(actor, cmd.team or "", ctx.org, cmd.reason)
            team = ctx.org.team(ticket.team)
            target = team.name if team else ticket.team
    return ctx.card("ticket.transferred", ticket, to=target, reason=cmd.reason)
