"""`sla IT-42`: both clocks, paused time and the next step; `sla explain P1 queue=IT`: a dry run."""

from commands.actions.read import check_visible
from commands.answer import Answer
from commands.context import Context
from commands.messages import SlaExplain, SlaStatus
from workflows.errors import InvalidInput
from workflows.holiday_coverage import holiday_gaps
from workflows.kinds import TicketType
from workflows.sla_policy import Facts
from workflows.sla_report import SHOWN_STEPS, explain, view


async def sla_status(cmd: SlaStatus, ctx: Context) -> Answer:
    async with ctx.uow() as uow:
        ticket = await uow.tickets.get(cmd.key)
        check_visible(ctx, ticket)
    found = view(ticket, ctx.org, ctx.clock.now())
    if found is None:
        return Answer("sla.untracked", {"key": ticket.key}, public=False)
    return Answer("sla.status", {"key": ticket.key, "title": ticket.title, "sla": found},
                  public=False)


async def sla_explain(cmd: SlaExplain, ctx: Context) -> Answer:
    org = ctx.org
    queue = org.queue(cmd.queue or org.default_queue)
    if queue is None:
        raise InvalidInput("error.unknown_queue", queue=cmd.queue,
                           queues=", ".join(sorted(org.queues)))
    groups = frozenset({cmd.group}) if cmd.group else org.groups_of(ctx.person.handle)
    facts = Facts(queue.key, queue.default_team, cmd.type or TicketType.INCIDENT, cmd.category,
                  groups)
    now = ctx.clock.now()
    shown = None if cmd.everything else SHOWN_STEPS
    x = explain(org, cmd.priority, facts, now, shown)
    # A year without holiday data makes this timeline wrong on that year's holidays: say so.
    gaps = holiday_gaps(org.sla, now, only=x.calendar)
    return Answer("sla.explain", {"x": x, "again": _again(cmd),
                                  "queue": queue.key, "team": queue.default_team,
                                  "type": facts.type.value, "category": cmd.category,
                                  "group": cmd.group, "holiday_gaps": gaps}, public=False)


def _again(cmd: SlaExplain) -> str:
    """The command that shows the whole timeline: this one, with `all`."""
    words = ["sla explain", cmd.priority.value]
    words += [f"{name}={value}" for name, value in (
        ("queue", cmd.queue), ("type", cmd.type.value if cmd.type else None),
        ("category", cmd.category), ("group", cmd.group)) if value]
    return " ".join([*words, "all"])
