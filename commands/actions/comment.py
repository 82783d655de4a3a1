"""Public replies (the requester sees them) and internal notes (agents only). People @-mentioned
in the text join the ticket as collaborators in the same change, and are told."""

from dataclasses import replace

from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import Note, Reply
from commands.people import resolve_mentions
from workflows.actions import Action
from workflows.people import Person
from workflows.roles import Role
from workflows.status import Status
from workflows.ticket import Actor, Ticket


async def reply(cmd: Reply, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        people = await resolve_mentions(uow, cmd.mentions, actor.now)  # an unknown name refuses all
        ticket.reply(actor, cmd.text)
        resumed = _resume_on_reply(ctx, ticket, actor)
        added = _add_mentioned(ticket, actor, people)
    told = ticket.assignee.label if resumed and ticket.assignee else ""
    return ctx.card("ticket.replied", ticket, people=_labels(added),
                    resumed=told if resumed else None)


async def note(cmd: Note, ctx: Context) -> Answer:
    async with changing(ctx, cmd.key) as (uow, ticket, actor):
        people = await resolve_mentions(uow, cmd.mentions, actor.now)
        ticket.note(actor, cmd.text)
        added = _add_mentioned(ticket, actor, people)
    # Internal notes are never broadcast where a requester could read them.
    return replace(ctx.card("ticket.noted", ticket, people=_labels(added)), public=False)


def _resume_on_reply(ctx: Context, ticket: Ticket, actor: Actor) -> bool:
    """A ticket pending on its requester is waiting for exactly this answer: their reply takes
    it back to work (and restarts the SLA clocks) unless the queue says otherwise."""
    queue = ctx.org.queue(ticket.queue)
    if ticket.status is not Status.PENDING or Role.REQUESTER not in actor.roles or (
            queue is not None and not queue.resume_on_requester_reply):
        return False
    # A workflow's own wait (awaiting the change board) is not the requester's to end.
    if not ticket.flow.may(Action.RESUME, ticket.status_id, actor.roles, actor.principals):
        return False
    ticket.resume(actor)
    return True


def _add_mentioned(ticket: Ticket, actor: Actor, people: list[Person]) -> list[Person]:
    """Mentioned people not yet on the ticket become collaborators (the `cc` line the notices
    and the history read); mentioning someone already on it, or oneself, adds nothing."""
    on_it = {c.id for c in ticket.collaborators} | {ticket.requester.id, actor.id}
    if ticket.assignee is not None:
        on_it.add(ticket.assignee.id)
    fresh = [p for p in people if p.id not in on_it]
    return ticket.add_collaborators(actor, fresh) if fresh else []


def _labels(people: list[Person]) -> str:
    return ", ".join(p.label for p in people)

