"""Approve and reject (批准 / 驳回): an approver's decision on the approval step a ticket is in.

Who decides and where the decision leads is `workflows/approval.py`; the decisions are the
ticket's audit lines, read under its row lock, so a second click (or a redelivered button)
finds the first decision and changes nothing.
"""

from commands.answer import Answer
from commands.context import Context, commit_change
from commands.messages import Approve, Reject
from commands.visibility import check_not_hidden
from workflows.approval import (
    Decision,
    approvers_of,
    decided,
    decisions_since_entry,
    progress,
)
from workflows.errors import InvalidInput, NotAllowed


async def approve(cmd: Approve, ctx: Context) -> Answer:
    return await _decide(ctx, cmd.key, True, cmd.comment)


async def reject(cmd: Reject, ctx: Context) -> Answer:
    return await _decide(ctx, cmd.key, False, cmd.reason)


async def _decide(ctx: Context, key: str, approved: bool, reason: str | None) -> Answer:
    handle = ctx.person.handle
    async with ctx.uow() as uow:
        ticket = await uow.tickets.get(key, for_update=True)
        check_not_hidden(ctx.org, ctx.person, ticket)  # a confidential one: as if unknown
        actor = ctx.actor(ticket)
        flow = ticket.flow
        step_id = str(ticket.status_id)
        step = flow.approvals.get(step_id)
        if step is None:
            raise NotAllowed("error.no_approval", key=ticket.key, status=ticket.status_word)
        approvers = approvers_of(step, ticket.requester.handle, ctx.org, ticket.fields)
        if handle not in approvers:
            raise NotAllowed("error.not_approver", key=ticket.key, approvers=list(approvers),
                             status=ticket.status_word)
        if not approved and not (reason or "").strip():
            raise InvalidInput("error.reject_needs_reason", key=ticket.key)
        decisions = decisions_since_entry(await uow.tickets.history(ticket), step_id)
        earlier = decided(decisions, handle)
        if earlier is not None:  # a double click, or a change of mind after deciding
            done = progress(step, approvers, decisions)
            return Answer("ticket.already_decided", {
                "key": ticket.key, "approved": earlier.approved, "approvers": list(done.approved),
                "awaited": list(done.awaited)}, ticket=ticket)
        now = ctx.clock.now()
        after = progress(step, approvers, [*decisions, Decision(handle, approved, now, reason)])
        dest = step.on_reject if not approved else (step.on_approve if after.done else None)
        ticket.record_decision(actor, step_id, approved, dest, reason)
        await commit_change(uow, ticket, ctx.org, ctx.notify, ctx.person, now)
    awaited = list(after.awaited)
    following = ticket.flow.approvals.get(str(ticket.status_id)) if dest else None
    if following is not None:  # on to the next step (the manager, then the IT lead)
        awaited = list(approvers_of(following, ticket.requester.handle, ctx.org,
                                     ticket.fields))
    if not approved:
        return ctx.card("ticket.rejected", ticket, reason=(reason or "").strip(),
                        status=ticket.status_word)
    return ctx.card("ticket.approved", ticket, approvers=list(after.approved), awaited=awaited,
                    done=dest is not None, status=ticket.status_word)
