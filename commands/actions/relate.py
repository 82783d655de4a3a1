"""Link related tickets, or close one as a duplicate of another."""

from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import Link, Merge
from commands.visibility import check_not_hidden


async def link(cmd: Link, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        other = await uow.tickets.get(cmd.other)
        check_not_hidden(ctx.org, ctx.person, other)
        ticket.link(actor, other)
    return ctx.card("ticket.linked", ticket, other=cmd.other)


async def merge(cmd: Merge, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        other = await uow.tickets.get(cmd.into)
        check_not_hidden(ctx.org, ctx.person, other)
        ticket.merge_into(actor, other)
    return ctx.card("ticket.merged", ticket, other=cmd.into)
