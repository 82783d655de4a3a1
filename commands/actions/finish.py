"""The end of the lifecycle: resolve, reopen, close, cancel, and the requester's rating."""

from commands.answer import Answer
from commands.assigning import auto_assign
from commands.context import Context, changing
from commands.messages import Cancel, Close, Rate, Reopen, Resolve
from commands.ports import UnitOfWork
from workflows.status import Status
from workflows.ticket import Ticket


async def resolve(cmd: Resolve, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        ticket.resolve(actor, cmd.resolution)
    days = ctx.org.policies.auto_close_after.days
    return ctx.card("ticket.resolved", ticket, resolution=ticket.resolution, days=days)


async def reopen(cmd: Reopen, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        ticket.reopen(actor, ctx.org.policies, cmd.reason,
                      auto_closed=await _closed_itself(uow, ticket))
        if ticket.status is Status.NEW:  # back in the queue: routed as a new ticket is
            await auto_assign(uow, ctx.org, ticket, actor.now)
    return ctx.card("ticket.reopened", ticket, reason=cmd.reason)


async def close(cmd: Close, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        ticket.close(actor, cmd.reason)
    return ctx.card("ticket.closed", ticket, ask_rating=ticket.requester.id == ctx.person.id)


async def rate(cmd: Rate, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        ticket.rate(actor, cmd.score, cmd.comment)
    return ctx.card("ticket.rated", ticket, score=cmd.score)


async def cancel(cmd: Cancel, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        ticket.cancel(actor, cmd.reason)
    return ctx.card("ticket.cancelled", ticket, reason=cmd.reason)


async def _closed_itself(uow: UnitOfWork, ticket: Ticket) -> bool:
    """Whether the ticket's last close was the auto-close job's (the system's), not a person's
    confirmation: only then may its requester still reopen it."""
    if ticket.status is not Status.CLOSED:
        return False
    closes = [h for h in await uow.tickets.history(ticket) if h.action == "close"]
    return bool(closes) and closes[-1].actor is None
