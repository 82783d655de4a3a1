from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import Claim


async def claim(cmd: Claim, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        ticket.claim(actor)
    return ctx.card("ticket.claimed", ticket)
