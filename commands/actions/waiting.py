"""Pend (waiting on someone), suspend (挂起), and resume from either."""

from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import Pend, Resume, Suspend


async def pend(cmd: Pend, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        ticket.pend(actor, cmd.reason)
    return ctx.card("ticket.pending", ticket, reason=ticket.pending_reason)


async def resume(cmd: Resume, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        ticket.resume(actor, cmd.reason)
    return ctx.card("ticket.resumed", ticket)


async def suspend(cmd: Suspend, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        ticket.suspend(actor, cmd.reason)
    return ctx.card("ticket.suspended", ticket, reason=cmd.reason)
