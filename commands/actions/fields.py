"""`set IT-4 risk=high window=2026-12-12` (填写): the ticket type's own fields, read by their
kinds, changed in one transaction with a history line naming each change."""

from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import SetFields
from commands.people import resolve_mention
from workflows.fields import read_values


async def set_fields(cmd: SetFields, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        people = [(name, (await resolve_mention(uow, who, ctx.clock.now())).handle)
                  for name, who in cmd.field_people]
        values = read_values(ctx.org.form_for(ticket.kind), cmd.fields + tuple(people))
        changed = ticket.set_fields(actor, values)
    return ctx.card("ticket.fields_set" if changed else "ticket.fields_unchanged", ticket,
                    names=[name.removeprefix("field:") for name in changed])
