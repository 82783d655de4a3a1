"""`urge`: the requester (or a collaborator) nudges whoever should be working on the ticket."""

from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import Urge
from commands.ports import UnitOfWork
from workflows.ticket import Ticket


async def _nudged(uow: UnitOfWork, ctx: Context, ticket: Ticket) -> tuple[str, list[str]]:
    """Who the urge reaches, as workflows.audience decides: the assignee, else (nobody has the
    ticket yet) the team's leads. The reply names them rather than the team's key."""
    if ticket.assignee is not None:
        return "assignee", [ticket.assignee.label]
    team = ctx.org.team(ticket.team)
    leads = [await uow.people.by_handle(h) for h in sorted(team.leads)] if team else []
    names = [p.label for p in leads if p is not None and p.id != ctx.person.id]
    return ("lead" if names else "nobody"), names


async def urge(cmd: Urge, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        ticket.urge(actor, ctx.org.policies, cmd.text)
        role, names = await _nudged(uow, ctx, ticket)
    team = ctx.org.team(ticket.team)
    return ctx.card("ticket.urged", ticket, who=", ".join(names), role=role,
                    team=team.name if team else ticket.team)
