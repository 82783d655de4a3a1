"""Articles, their revisions and counts; search through the process's index; similar tickets.

The search index is the process's (`KbSearch`, shared by every unit of work): a search reads
the generation counter, one indexed row, and rebuilds the index from the articles when another
replica (or this one) changed them since.
"""

import asyncio
from collections import OrderedDict
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.ports import ArticleDraft, Found
from storage.kb_index import Doc, KbIndex, similarity
from storage.kb_text import words
from storage.models import KbArticleRow, KbGenerationRow, KbRevisionRow, PersonRow, TicketRow
from workflows.errors import NotFound
from workflows.knowledge import Article, ArticleStatus, Revision, SimilarTicket, Visibility
from workflows.status import Status

_OPEN = [s.value for s in Status if s.is_open]
_GENERATION = select(KbGenerationRow.generation).where(KbGenerationRow.id == 1)
_BUMP = (update(KbGenerationRow).where(KbGenerationRow.id == 1)
         .values(generation=KbGenerationRow.generation + 1))


class KbSearch:
    """The process's search index, rebuilt when the articles' generation moves on."""

    def __init__(self, cache_size: int = 20_000) -> None:
        self.index = KbIndex([], generation=-1)
        self._lock = asyncio.Lock()
        self._titles: OrderedDict[tuple[int, str], list[str]] = OrderedDict()
        self._cache_size = cache_size

    async def current(self, session: AsyncSession) -> KbIndex:
        connection = await session.connection()
        generation = int((await connection.execute(_GENERATION)).scalar_one_or_none() or 0)
        if generation == self.index.generation:
            return self.index
        async with self._lock:
            if generation != self.index.generation:
                rows = (await connection.execute(
                    select(KbArticleRow.id, KbArticleRow.title, KbArticleRow.body,
                           KbArticleRow.visibility)
                    .where(KbArticleRow.status == ArticleStatus.ACTIVE.value))).all()
                docs = [Doc(r.id, r.title, r.body, r.visibility == Visibility.PUBLIC.value)
                        for r in rows]
                # Segmenting thousands of articles takes a while: off the event loop.
                self.index = await asyncio.to_thread(KbIndex, docs, generation)
        return self.index

    def title_terms(self, ticket_id: int, title: str) -> list[str]:
        """A ticket title's words, remembered: the open tickets are compared again and again."""
        key = (ticket_id, title)
        terms = self._titles.get(key)
        if terms is None:
            terms = words(title)
            self._titles[key] = terms
            if len(self._titles) > self._cache_size:
                self._titles.popitem(last=False)
        else:
            self._titles.move_to_end(key)
        return terms


def _article(row: KbArticleRow) -> Article:
    return Article(row.id, row.title, row.body, Visibility(row.visibility),
                   ArticleStatus(row.status), row.source_ticket, row.source_file, row.version,
                   row.views, row.helped, row.updated_at)


class SqlKnowledge:
    def __init__(self, session: AsyncSession, search: KbSearch) -> None:
        self.session = session
        self._search = search

    async def _bump(self) -> None:
        await self.session.execute(_BUMP)

    async def _revise(self, row: KbArticleRow, action: str, actor_id: int | None,
                      now: datetime) -> None:
        self.session.add(KbRevisionRow(
            article_id=row.id, version=row.version, action=action, title=row.title,
            body=row.body, visibility=row.visibility, status=row.status, actor_id=actor_id,
            at=now))

    async def add(self, draft: ArticleDraft, actor_id: int | None, now: datetime,
                  action: str = "create") -> Article:
        row = KbArticleRow(title=draft.title, body=draft.body, visibility=draft.visibility.value,
                           status=ArticleStatus.ACTIVE.value, source_ticket=draft.source_ticket,
                           source_file=draft.source_file, version=1, views=0, helped=0,
                           author_id=actor_id, created_at=now, updated_at=now)
        self.session.add(row)
        await self.session.flush()
        await self._revise(row, action, actor_id, now)
        await self._bump()
        return _article(row)

    async def _row(self, article_id: int, for_update: bool = False) -> KbArticleRow:
        stmt = select(KbArticleRow).where(KbArticleRow.id == article_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        if row is None:
            raise NotFound("kb.error.no_article", key=f"KB-{article_id}")
        return row

    async def get(self, article_id: int, *, for_update: bool = False) -> Article:
        return _article(await self._row(article_id, for_update))

    async def change(self, article: Article, action: str, actor_id: int | None,
                     now: datetime) -> Article:
        row = await self._row(article.id, for_update=True)
        row.title, row.body = article.title, article.body
        row.visibility, row.status = article.visibility.value, article.status.value
        row.version += 1
        row.updated_at = now
        await self.session.flush()
        await self._revise(row, action, actor_id, now)
        await self._bump()
        return _article(row)

    async def history(self, article_id: int) -> list[Revision]:
        rows = (await self.session.execute(
            select(KbRevisionRow, PersonRow.name, PersonRow.handle)
            .outerjoin(PersonRow, PersonRow.id == KbRevisionRow.actor_id)
            .where(KbRevisionRow.article_id == article_id)
            .order_by(KbRevisionRow.version))).all()
        return [Revision(r.version, r.action, r.title, Visibility(r.visibility),
                         ArticleStatus(r.status), name or handle, r.at)
                for r, name, handle in rows]

    async def search(self, query: str, limit: int, internal: bool) -> list[Found]:
        index = await self._search.current(self.session)
        hits = index.search(query, limit=limit, internal=internal)
        if not hits:
            return []
        rows = (await self.session.execute(
            select(KbArticleRow).where(KbArticleRow.id.in_([h.id for h in hits])))).scalars()
        by_id = {r.id: _article(r) for r in rows}
        return [Found(by_id[h.id], h.score, h.coverage) for h in hits
                if h.id in by_id and by_id[h.id].status is ArticleStatus.ACTIVE]

    async def count(self, article_id: int, *, view: bool = False, helped: bool = False) -> None:
        values = {}
        if view:
            values["views"] = KbArticleRow.views + 1
        if helped:
            values["helped"] = KbArticleRow.helped + 1
        if values:
            await self.session.execute(
                update(KbArticleRow).where(KbArticleRow.id == article_id).values(**values))

    async def similar_tickets(self, text: str, since: datetime, limit: int,
                              min_score: float, candidates: int = 500) -> list[SimilarTicket]:
        query = words(text)
        if not query:
            return []
        assignee = PersonRow.__table__.alias("assignee")
        rows = (await self.session.execute(
            select(TicketRow.id, TicketRow.key, TicketRow.title, TicketRow.status,
                   TicketRow.requester_id, TicketRow.origin_channel, TicketRow.queue,
                   TicketRow.created_at, func.coalesce(assignee.c.name, assignee.c.handle))
            .outerjoin(assignee, assignee.c.id == TicketRow.assignee_id)
            .where(TicketRow.status.in_(_OPEN), TicketRow.created_at >= since)
            .order_by(TicketRow.created_at.desc()).limit(candidates))).all()
        found: list[SimilarTicket] = []
        for r in rows:
            score = similarity(query, self._search.title_terms(r.id, r.title))
            if score >= min_score:
                found.append(SimilarTicket(r.key, r.title, r.status, r[8], r.requester_id,
                                           r.origin_channel, r.queue, r.created_at, score))
        found.sort(key=lambda s: -s.score)
        return found[:limit]

    async def by_source_file(self) -> dict[str, Article]:
        rows = (await self.session.execute(
            select(KbArticleRow).where(KbArticleRow.source_file.is_not(None)))).scalars()
        return {r.source_file: _article(r) for r in rows if r.source_file}
