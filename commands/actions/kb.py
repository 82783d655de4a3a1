"""The knowledge base: search, read, write, save from a ticket, edit, retire, and the
requester's self-service resolution (`solved by KB-3`)."""

from dataclasses import replace
from typing import Any

from commands.actions.read import check_visible
from commands.answer import Answer
from commands.context import Context, changing
from commands.messages import KbEdit, KbHistory, KbNew, KbRetire, KbSave, KbSearch, KbShow, SolvedBy
from commands.ports import ArticleDraft, Found, TicketQuery
from workflows.confidential import ticket_is_confidential
from workflows.errors import InvalidInput, NotAllowed, NotFound
from workflows.knowledge import (
    Article,
    ArticleStatus,
    Visibility,
    check_author,
    check_text,
    may_see,
    resolve_self_service,
    sees_internal,
)
from workflows.status import Status
from workflows.ticket import MAX_TITLE

SEARCH_LIMIT = 3
SNIPPET = 120


def snippet(body: str, limit: int = SNIPPET) -> str:
    """The article's first words on one line: enough to tell whether it is the one."""
    text = " ".join(body.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def article_ref(found: Found | Article) -> dict[str, Any]:
    article = found.article if isinstance(found, Found) else found
    return {"key": article.key, "title": article.title, "snippet": snippet(article.body),
            "internal": article.visibility is Visibility.INTERNAL}


async def search(cmd: KbSearch, ctx: Context) -> Answer:
    async with ctx.uow() as uow:
        found = await uow.kb.search(cmd.query, SEARCH_LIMIT, sees_internal(ctx.org, ctx.person))
    return Answer("kb.results", {"query": cmd.query, "articles": [article_ref(f) for f in found]},
                  public=False)


async def _visible(ctx: Context, article_id: int, for_update: bool = False) -> Article:
    async with ctx.uow() as uow:
        article = await uow.kb.get(article_id, for_update=for_update)
    if not may_see(ctx.org, ctx.person, article):
        raise NotFound("kb.error.no_article", key=article.key)  # internal ones do not exist
    return article


async def show(cmd: KbShow, ctx: Context) -> Answer:
    async with ctx.uow() as uow:
        article = await _visible(ctx, cmd.article)
        await uow.kb.count(article.id, view=True)
        await uow.commit()
    return Answer("kb.article", {**article_ref(article), "body": article.body,
                                 "views": article.views + 1, "helped": article.helped,
                                 "source": article.source_ticket,
                                 "retired": article.status is ArticleStatus.RETIRED,
                                 "version": article.version}, public=False)


async def new(cmd: KbNew, ctx: Context) -> Answer:
    check_author(ctx.org, ctx.person)
    title, body = check_text(cmd.title, cmd.body)
    visibility = Visibility.INTERNAL if cmd.internal else Visibility.PUBLIC
    async with ctx.uow() as uow:
        article = await uow.kb.add(ArticleDraft(title, body, visibility), ctx.person.id,
                                   ctx.clock.now())
        await uow.commit()
    return Answer("kb.created", article_ref(article), public=False)


async def save(cmd: KbSave, ctx: Context) -> Answer:
    """A resolved ticket's problem and its resolution become an article (agents)."""
    check_author(ctx.org, ctx.person)
    async with ctx.uow() as uow:
        ticket = await uow.tickets.get(cmd.key)
        check_visible(ctx, ticket)
        if ticket_is_confidential(ctx.org, ticket):  # an article is read outside the ticket
            raise NotAllowed("kb.error.confidential", key=ticket.key)
        if ticket.status not in (Status.RESOLVED, Status.CLOSED) or not ticket.resolution:
            raise InvalidInput("kb.error.not_resolved", key=ticket.key)
        parts = [ticket.description, ticket.resolution]
        title, body = check_text((cmd.title or ticket.title)[:MAX_TITLE],
                                 "\n\n".join(p for p in parts if p))
        visibility = Visibility.INTERNAL if cmd.internal else Visibility.PUBLIC
        article = await uow.kb.add(ArticleDraft(title, body, visibility, source_ticket=ticket.key),
                                   ctx.person.id, ctx.clock.now())
        await uow.commit()
    return Answer("kb.saved", {**article_ref(article), "from_ticket": ticket.key}, public=False)


async def edit(cmd: KbEdit, ctx: Context) -> Answer:
    check_author(ctx.org, ctx.person)
    async with ctx.uow() as uow:
        article = await uow.kb.get(cmd.article, for_update=True)
        title, body = check_text(cmd.title or article.title,
                                 article.body if cmd.body is None else cmd.body)
        visibility = Visibility(cmd.visibility) if cmd.visibility else article.visibility
        changed = replace(article, title=title, body=body, visibility=visibility)
        if changed == article:
            raise InvalidInput("kb.error.unchanged", key=article.key)
        article = await uow.kb.change(changed, "edit", ctx.person.id, ctx.clock.now())
        await uow.commit()
    return Answer("kb.edited", {**article_ref(article), "version": article.version}, public=False)


async def retire(cmd: KbRetire, ctx: Context) -> Answer:
    check_author(ctx.org, ctx.person)
    async with ctx.uow() as uow:
        article = await uow.kb.get(cmd.article, for_update=True)
        if article.status is ArticleStatus.RETIRED:
            raise InvalidInput("kb.error.retired", key=article.key)
        article = await uow.kb.change(replace(article, status=ArticleStatus.RETIRED), "retire",
                                      ctx.person.id, ctx.clock.now())
        await uow.commit()
    return Answer("kb.retired", article_ref(article), public=False)


async def history(cmd: KbHistory, ctx: Context) -> Answer:
    check_author(ctx.org, ctx.person)
    async with ctx.uow() as uow:
        article = await uow.kb.get(cmd.article)
        revisions = await uow.kb.history(article.id)
    return Answer("kb.history", {**article_ref(article), "revisions": revisions,
                                 "views": article.views, "helped": article.helped,
                                 "source": article.source_ticket}, public=False)


async def _latest_open(ctx: Context) -> str:
    async with ctx.uow() as uow:
        tickets, _ = await uow.tickets.find(TicketQuery(
            requester_id=ctx.person.id, statuses=tuple(s for s in Status if s.is_open),
            limit=50))
    if not tickets:
        raise InvalidInput("kb.error.no_open_ticket")
    return max(tickets, key=lambda t: (t.created_at, t.number)).key


async def solved_by(cmd: SolvedBy, ctx: Context) -> Answer:
    """The requester read an article and it fixed the problem: the ticket resolves itself."""
    key = cmd.key or await _latest_open(ctx)
    article = await _visible(ctx, cmd.article)
    if article.status is ArticleStatus.RETIRED:
        raise InvalidInput("kb.error.retired", key=article.key)
    async with changing(ctx, key) as (uow, ticket, actor):
        resolve_self_service(ticket, actor, article)
        await uow.kb.count(article.id, helped=True)
    return ctx.card("kb.self_resolved", ticket, article=article.key, title=article.title)
