from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import Urge


async def urge(cmd: Urge, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        ticket.urge(actor, ctx.org.policies, cmd.text)
    who = ticket.assignee.label if ticket.assignee else ticket.team
    return ctx.card("ticket.urged", ticket, who=who)
