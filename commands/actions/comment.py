"""Public replies (the requester sees them) and internal notes (agents only)."""

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
    answer = ctx.card("ticket.noted", ticket)
    # Internal notes are never broadcast where a requester could read them.
    return type(answer)(answer.key, answer.params, answer.ticket, answer.actions, public=False)
