"""Public replies (the requester sees them) and internal notes (agents only)."""

from dataclasses import replace

from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import Note, Reply


async def reply(cmd: Reply, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        ticket.reply(actor, cmd.text)
    return ctx.card("ticket.replied", ticket)


async def note(cmd: Note, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        ticket.note(actor, cmd.text)
    # Internal notes are never broadcast where a requester could read them.
    return replace(ctx.card("ticket.noted", ticket), public=False)
