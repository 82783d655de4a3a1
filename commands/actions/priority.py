from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import SetPriority


async def set_priority(cmd: SetPriority, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        before = ticket.priority
        ticket.set_priority(actor, cmd.priority, cmd.reason)
    return ctx.card("ticket.priority", ticket, before=before.value, after=cmd.priority.value)
