"""What a new ticket's answer suggests: articles that may solve it, open tickets that read the
same, and whether it looks like a duplicate of the requester's (or the channel's) own."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from commands.actions.kb import article_ref
from commands.context import Context
from commands.ports import UnitOfWork
from workflows.confidential import is_confidential
from workflows.knowledge import SimilarTicket, may_hint, sees_internal
from workflows.ticket import Ticket

SHOWN = 3


@dataclass(frozen=True, slots=True)
class Suggestions:
    articles: list[dict[str, Any]] = field(default_factory=list)
    similar: list[SimilarTicket] = field(default_factory=list)
    duplicate: SimilarTicket | None = None

    def params(self, agent: bool) -> dict[str, Any]:
        similar = [{"key": s.key, "title": s.title, "status": s.status, "assignee": s.assignee}
                   for s in self.similar]
        return {"articles": self.articles, "similar": similar,
                "duplicate": self.duplicate.key if self.duplicate and agent else None}


def _duplicate(uow: UnitOfWork, ticket: Ticket, similar: list[SimilarTicket], now: datetime,
               ctx: Context) -> SimilarTicket | None:
    rules = ctx.org.knowledge
    for other in similar:
        same_source = (other.requester_id == ticket.requester.id
                       or (ticket.origin_channel is not None
                           and other.channel == ticket.origin_channel))
        # Alike in score is not enough: titles that each name something the other does not
        # ("Outage: DNS" / "Outage: mail") are two problems, not one reported twice.
        if (same_source and other.score >= rules.duplicate_score
                and now - other.created_at <= rules.duplicate_within
                and not uow.kb.key_terms_differ(ticket.title, other.title)):
            return other
    return None


def _stays_inside(ctx: Context, ticket: Ticket, other: SimilarTicket) -> bool:
    """A confidential ticket is named only beside a ticket of its own queue: a new ticket's
    answer may be said in a channel, its card shows merge buttons there, and its duplicate hint
    goes to its agents, any of whom may be outside the other ticket."""
    return other.queue == ticket.queue or not is_confidential(ctx.org, other.queue, other.team)


async def suggest(uow: UnitOfWork, ctx: Context, ticket: Ticket, now: datetime) -> Suggestions:
    """Read-only and bounded (the index is in memory; the open tickets compared are the latest
    few hundred of the window): it must not slow the creation's answer down."""
    rules = ctx.org.knowledge
    text = f"{ticket.title}\n{ticket.description}"
    found = await uow.kb.search(text, SHOWN, sees_internal(ctx.org, ctx.person))
    similar = [s for s in await uow.kb.similar_tickets(
        ticket.title, now - rules.similar_within, SHOWN * 2, rules.similar_score)
        if may_hint(ctx.org, ctx.person, s) and _stays_inside(ctx, ticket, s)]
    return Suggestions([article_ref(f) for f in found], similar[:SHOWN],
                       _duplicate(uow, ticket, similar, now, ctx))
