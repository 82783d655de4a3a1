from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import AddCollaborators
from commands.people import resolve_mentions


async def add_collaborators(cmd: AddCollaborators, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        people = await resolve_mentions(uow, cmd.people, actor.now)
        added = ticket.add_collaborators(actor, people)
    return ctx.card("ticket.cc", ticket, people=", ".join(p.label for p in added))
