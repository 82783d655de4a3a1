from commands.answer import Answer
from commands.context import Context, commit_change
from commands.messages import Create
from commands.people import resolve_mentions
from workflows.errors import InvalidInput
from workflows.kinds import TicketType
from workflows.priority import DEFAULT_PRIORITY
from workflows.roles import Role
from workflows.sla import start
from workflows.status import Status
from workflows.ticket import MAX_TEXT, MAX_TITLE, Actor, Ticket, require_text


async def create(cmd: Create, ctx: Context) -> Answer:
    org = ctx.org
    queue = org.queue(cmd.queue or org.default_queue)
    if queue is None:
        raise InvalidInput("error.unknown_queue", queue=cmd.queue,
                           queues=", ".join(sorted(org.queues)))
    ticket_type = cmd.type or TicketType.INCIDENT
    if ticket_type not in org.ticket_types:
        raise InvalidInput("error.type_disabled", type=ticket_type.value)
    title = require_text(cmd.title, "title", MAX_TITLE)
    description = cmd.description.strip()
    if len(description) > MAX_TEXT:
        raise InvalidInput("error.text_too_long", what="description", limit=MAX_TEXT)
    priority = cmd.priority or DEFAULT_PRIORITY
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        collaborators = await resolve_mentions(uow, cmd.collaborators)
        ticket = Ticket(
            key="", queue=queue.key, number=0, title=title, description=description,
            type=ticket_type, priority=priority, status=Status.NEW, requester=ctx.person,
            team=queue.default_team, source=ctx.source, created_at=now, updated_at=now,
            category=cmd.category,
            collaborators=[p for p in collaborators if p.id != ctx.person.id],
        )
        start(ticket, org, now)  # the matching SLA policy, snapshotted, and the due times
        ticket = await uow.tickets.add(ticket)
        ticket.record_creation(Actor(ctx.person, frozenset({Role.REQUESTER}), now, ctx.source))
        await commit_change(uow, ticket, org, ctx.notify, ctx.person, now)
    team = org.team(ticket.team)
    return ctx.card("ticket.created", ticket, team=team.name if team else ticket.team)
