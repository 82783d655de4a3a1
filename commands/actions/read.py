"""Show a ticket and its history. Internal notes are shown to agents only."""

from dataclasses import replace

from commands import visibility
from commands.answer import Answer
from commands.context import Context
from commands.messages import History, May, Show
from commands.ports import HistoryLine, UnitOfWork
from workflows.ticket import Ticket
from workflows.transitions import Workflow


def _can_see_internal(ctx: Context) -> bool:
    return ctx.org.is_agent(ctx.person.handle)


def check_visible(ctx: Context, ticket: Ticket) -> None:
    visibility.check_visible(ctx.org, ctx.person, ticket)


async def show(cmd: Show, ctx: Context) -> Answer:
    async with ctx.uow() as uow:
        ticket = await uow.tickets.get(cmd.key)
        check_visible(ctx, ticket)
        internal = _can_see_internal(ctx)
        comments = [c for c in await uow.tickets.comments(ticket) if internal or not c.internal]
    answer = ctx.card("ticket.show", ticket, comments=comments[-5:], comment_count=len(comments))
    return replace(answer, public=False)


async def may(cmd: May, ctx: Context) -> Answer:
    """Answer ok when the action is open to this person now (with the fields it still needs),
    else the refusal it would get."""
    async with ctx.uow() as uow:
        ticket = await uow.tickets.get(cmd.key)
    check_visible(ctx, ticket)
    actor = ctx.actor(ticket)  # attaches the organisation's workflow for the ticket's type
    row = ticket.flow.check(cmd.action, ticket.status_id, actor.roles, actor.principals)
    # What a form for it must also ask: the type's own fields the transition requires.
    return Answer("ok", {"key": ticket.key, "type": ticket.kind,
                         "needs": ticket.fields_needed(row)}, public=False)


# Changes that name people keep their handles (stable ids); the history shows their names.
PEOPLE_FIELDS = ("assignee", "collaborators")


def _handles(line: HistoryLine) -> set[str]:
    found: set[str] = set()
    for field in PEOPLE_FIELDS:
        for side in line.changes.get(field) or ():
            found |= set(side) if isinstance(side, list) else {side} if side else set()
    return found


async def _names(uow: UnitOfWork, handles: set[str]) -> dict[str, str]:
    people = [await uow.people.by_handle(h) for h in sorted(handles)]
    return {p.handle: p.label for p in people if p is not None}


def _named(changes: dict, names: dict[str, str]) -> dict:
    def name(side: object) -> object:
        if isinstance(side, list):
            return [names.get(h, h) for h in side]
        return names.get(side, side) if isinstance(side, str) else side
    return {field: [name(s) for s in change] if field in PEOPLE_FIELDS else change
            for field, change in changes.items()}


def _worded(line: HistoryLine, flow: Workflow) -> HistoryLine:
    """A move between a workflow's own statuses is said in their words (the phases stay in the
    audit line for reports; a status the workflow no longer has is said as it was written)."""
    moved = line.changes.get("workflow_status")
    if not moved:
        return line
    changes = {k: v for k, v in line.changes.items() if k != "workflow_status"}
    return replace(line, from_status=flow.word(moved[0]) if moved[0] else line.from_status,
                   to_status=flow.word(moved[1]), changes=changes)


async def history(cmd: History, ctx: Context) -> Answer:
    async with ctx.uow() as uow:
        ticket = await uow.tickets.get(cmd.key)
        check_visible(ctx, ticket)
        internal = _can_see_internal(ctx)
        lines = [h for h in await uow.tickets.history(ticket) if internal or not h.internal]
        names = await _names(uow, {h for line in lines for h in _handles(line)})
    flow = ctx.org.workflow_for(ticket.kind)
    lines = [_worded(replace(line, changes=_named(line.changes, names)), flow) for line in lines]
    return Answer("ticket.history", {"key": ticket.key, "title": ticket.title, "lines": lines},
                  public=False)
