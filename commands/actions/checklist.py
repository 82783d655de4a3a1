"""`check IT-42 2` (勾选): tick a checklist item, audited with who and when."""

from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import Check


async def check(cmd: Check, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (_, ticket, actor):
        item = ticket.check(actor, cmd.number)
    left = sum(1 for i in ticket.checklist if not i.done)
    return ctx.card("ticket.checked", ticket, number=cmd.number, text=item.text, left=left)
