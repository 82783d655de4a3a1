"""Search tickets by filters (the REST API). Who sees what is `show`'s rule: agents every
ticket, anyone else the tickets they asked for; a confidential ticket, its insiders only."""

from commands.answer import Answer
from commands.context import Context
from commands.messages import SearchTickets
from commands.ports import TicketQuery
from commands.visibility import shielded
from workflows.errors import InvalidInput
from workflows.priority import Priority
from workflows.status import Status


async def search(cmd: SearchTickets, ctx: Context) -> Answer:
    org = ctx.org
    if cmd.team is not None and org.team(cmd.team) is None:
        raise InvalidInput("error.unknown_team", team=cmd.team, teams=", ".join(sorted(org.teams)))
    if cmd.queue is not None and org.queue(cmd.queue) is None:
        raise InvalidInput("error.unknown_queue", queue=cmd.queue,
                           queues=", ".join(sorted(org.queues)))
    async with ctx.uow() as uow:
        assignee_id = requester_id = None
        unassigned = cmd.assignee is not None and cmd.assignee.lower() == "none"
        if cmd.assignee is not None and not unassigned:
            assignee_id = await _person_id(uow, cmd.assignee)
        if cmd.requester is not None:
            requester_id = await _person_id(uow, cmd.requester)
        if not org.is_agent(ctx.person.handle):
            if requester_id not in (None, ctx.person.id):
                return _page([], 0, cmd)  # someone else's requests: none are theirs to see
            requester_id = ctx.person.id
        query = TicketQuery(
            assignee_id=assignee_id, requester_id=requester_id, unassigned=unassigned,
            teams=(cmd.team,) if cmd.team else (), queues=(cmd.queue,) if cmd.queue else (),
            statuses=tuple(Status(s) for s in cmd.statuses),
            priorities=tuple(Priority(p) for p in cmd.priorities), types=cmd.types,
            category=cmd.category, created_since=cmd.created_since,
            updated_since=cmd.updated_since, text=cmd.text, limit=cmd.limit, offset=cmd.offset,
            newest_first=True)
        tickets, total = await uow.tickets.find(shielded(query, org, ctx.person))
    return _page(ctx.with_workflows(tickets), total, cmd)


async def _person_id(uow, handle: str) -> int:  # type: ignore[no-untyped-def]
    person = await uow.people.by_handle(handle.strip().lstrip("@").lower())
    if person is None:
        raise InvalidInput("error.unknown_person", name=handle, suggestion=None)
    return int(person.id)


def _page(tickets: list, total: int, cmd: SearchTickets) -> Answer:  # type: ignore[type-arg]
    return Answer("ticket.list", {"scope": "search", "total": total,
                                  "tickets": tickets,
                                  "waiting": total, "limit": cmd.limit, "offset": cmd.offset},
                  public=False)
