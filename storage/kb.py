"""Articles, their revisions and counts; search through the process's index; similar tickets.

The search index is the process's (`KbSearch`, shared by every unit of work): a search reads
the generation counter, one indexed row, and rebuilds the index from the articles when another
replica (or this one) changed them since.
"""

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Row, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from commands.ports import ArticleDraft, Found
from storage.kb_alike import key_terms_differ
from storage.kb_index import Doc, KbIndex, Terms, analyse, similarity
from storage.kb_recent import Candidate, RecentTitles
from storage.kb_snapshot import load_snapshot, save_snapshot
from storage.kb_text import words
from storage.models import KbArticleRow, KbGenerationRow, KbRevisionRow, PersonRow, TicketRow
from workflows.errors import NotFound
from workflows.knowledge import Article, ArticleStatus, Revision, SimilarTicket, Visibility
from workflows.status import Status

log = logging.getLogger(__name__)
_OPEN = [s.value for s in Status if s.is_open]
VERIFY_ROUNDS = 4  # batches of candidates read back at most (closed ones are skipped)
INLINE_REBUILD_LIMIT = 2_000  # articles: below this a rebuild takes well under a second
GENERATION_TTL = 1.0  # seconds a process trusts the counter it read (its own changes reset it)
_GENERATION = select(KbGenerationRow.generation).where(KbGenerationRow.id == 1)
_BUMP = (update(KbGenerationRow).where(KbGenerationRow.id == 1)
         .values(generation=KbGenerationRow.generation + 1))


_ASSIGNEE = PersonRow.__table__.alias("assignee")
# The details of the tickets numbered after `_after` and of the listed ones, built once: the
# statement's construction cost more than its execution (it runs on every creation).
_DETAILS = (
    select(TicketRow.id, TicketRow.key, TicketRow.title, TicketRow.status,
           TicketRow.requester_id, TicketRow.origin_channel, TicketRow.queue,
           TicketRow.created_at, func.coalesce(_ASSIGNEE.c.name, _ASSIGNEE.c.handle),
           TicketRow.team)
    .outerjoin(_ASSIGNEE, _ASSIGNEE.c.id == TicketRow.assignee_id)
    .where(or_(TicketRow.id > bindparam("_after"),
               TicketRow.id.in_(bindparam("_ids", expanding=True))))
    .order_by(TicketRow.id))
_NOBODY = 2**62  # an `_after` past every ticket id: no new rows


class KbSearch:
    """The process's search index, rebuilt when the articles' generation moves on."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession] | None = None,
                 cache_size: int = 20_000, snapshot: Path | None = None) -> None:
        self.index = KbIndex([], generation=-1)
        self.sessions = sessions  # for rebuilding a large index apart from any request
        # Where a large index is kept between runs (storage/kb_snapshot.py), if anywhere.
        self.snapshot = snapshot
        self._rebuilding: asyncio.Task[None] | None = None
        self.seen = -1  # the articles' generation the database said last
        self.checked_at: float | None = None  # when (monotonic); a change here forgets it
        self._lock = asyncio.Lock()
        self._titles: OrderedDict[tuple[int, str], Terms] = OrderedDict()
        self._cache_size = cache_size
        # Each article's words by (id, version): a rebuild segments only what changed.
        self._analysed: dict[tuple[int, int], tuple[list[str], frozenset[str]]] = {}
        self.recent = RecentTitles()  # the latest open tickets' titles (similar tickets)

    async def current(self, session: AsyncSession) -> KbIndex:
        """The index for the articles' current generation. A small one is rebuilt before
        answering; a large one (a rebuild takes seconds) keeps answering from the previous
        generation while it is rebuilt in the background: results are read back from the
        database, so a retired or newly internal article is never shown from a stale index."""
        now = time.monotonic()
        if self.checked_at is not None and now - self.checked_at < GENERATION_TTL:
            return self.index  # another replica's change shows within GENERATION_TTL
        connection = await session.connection()
        generation = int((await connection.execute(_GENERATION)).scalar_one_or_none() or 0)
        self.seen, self.checked_at = generation, now
        if generation == self.index.generation:
            return self.index
        if self._rebuilding is not None and not self._rebuilding.done():
            return self.index  # being rebuilt: the previous generation answers meanwhile
        if self.sessions is not None and await self._large(connection):
            self._rebuilding = asyncio.create_task(self._rebuild_apart(generation))
            return self.index
        async with self._lock:
            if generation != self.index.generation:
                await self._rebuild(session, generation)
        return self.index

    async def _large(self, connection: AsyncConnection) -> bool:
        """Whether a rebuild takes seconds or more: it is then done apart from the requests.
        The first one too (start-up waits for nothing; searches find nothing until the index,
        or the snapshot of it, is there)."""
        if self.index.generation >= 0:
            return len(self.index) >= INLINE_REBUILD_LIMIT
        if self.snapshot is not None and self.snapshot.exists():
            return True
        active = (await connection.execute(
            select(func.count()).select_from(KbArticleRow)
            .where(KbArticleRow.status == ArticleStatus.ACTIVE.value))).scalar_one()
        return int(active) >= INLINE_REBUILD_LIMIT

    async def _rebuild_apart(self, generation: int) -> None:
        assert self.sessions is not None
        try:
            async with self._lock:
                if self.index.generation < 0 and self.snapshot is not None:
                    # The last run's index answers at once (read back from the rows while it
                    # is behind); the rebuild after it segments only what changed since.
                    loaded = await asyncio.to_thread(load_snapshot, self.snapshot)
                    if loaded is not None:
                        self.index, self._analysed = loaded
                if generation > self.index.generation:
                    async with self.sessions() as session:
                        await self._rebuild(session, generation)
        except Exception:
            log.exception("rebuilding the knowledge-base index failed; the next search retries")

    async def _rebuild(self, session: AsyncSession, generation: int) -> None:
        rows = (await session.execute(
            select(KbArticleRow.id, KbArticleRow.title, KbArticleRow.body,
                   KbArticleRow.visibility, KbArticleRow.version)
            .where(KbArticleRow.status == ArticleStatus.ACTIVE.value))).all()
        docs = [Doc(r.id, r.title, r.body, r.visibility == Visibility.PUBLIC.value)
                for r in rows]
        versions = {r.id: r.version for r in rows}
        # Segmenting thousands of articles takes a while: off the event loop.
        self.index = await asyncio.to_thread(self._build, docs, versions, generation)

    def _build(self, docs: list[Doc], versions: dict[int, int], generation: int) -> KbIndex:
        kept: dict[tuple[int, int], tuple[list[str], frozenset[str]]] = {}

        def analysed(doc: Doc) -> tuple[list[str], frozenset[str]]:
            key = (doc.id, versions[doc.id])
            found = self._analysed.get(key) or analyse(doc)
            kept[key] = found
            return found

        index = KbIndex(docs, generation, analysed)
        self._analysed = kept  # retired and superseded versions are forgotten
        if self.snapshot is not None and len(docs) >= INLINE_REBUILD_LIMIT:
            save_snapshot(self.snapshot, index, kept)
        return index

    def title_terms(self, ticket_id: int, title: str) -> Terms:
        """A ticket title's words, remembered: the open tickets are compared again and again."""
        key = (ticket_id, title)
        terms = self._titles.get(key)
        if terms is None:
            terms = Terms.of(words(title))
            self._titles[key] = terms
            if len(self._titles) > self._cache_size:
                self._titles.popitem(last=False)
        else:
            self._titles.move_to_end(key)
        return terms


def _from_doc(doc: Doc) -> Article:
    return Article(doc.id, doc.title, doc.body,
                   Visibility.PUBLIC if doc.public else Visibility.INTERNAL)


def _article(row: KbArticleRow) -> Article:
    return Article(row.id, row.title, row.body, Visibility(row.visibility),
                   ArticleStatus(row.status), row.source_ticket, row.source_file, row.version,
                   row.views, row.helped, row.updated_at)


class SqlKnowledge:
    def __init__(self, session: AsyncSession, search: KbSearch) -> None:
        self.session = session
        self._search = search

    def key_terms_differ(self, a: str, b: str) -> bool:
        return key_terms_differ(a, b)

    async def _bump(self) -> None:
        await self.session.execute(_BUMP)
        self._search.checked_at = None  # this process's next search reads the counter again

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
        if index.generation == self._search.seen:
            # The index is the articles' current generation: what it holds is what the rows say.
            return [Found(_from_doc(index.docs[h.id]), h.score, h.coverage) for h in hits]
        rows = (await self.session.execute(
            select(KbArticleRow).where(KbArticleRow.id.in_([h.id for h in hits])))).scalars()
        by_id = {r.id: _article(r) for r in rows}
        # The rows are the truth (the index may be a generation behind): retired articles and
        # internal ones for a requester are never shown.
        return [Found(a, h.score, h.coverage) for h in hits
                if (a := by_id.get(h.id)) is not None and a.status is ArticleStatus.ACTIVE
                and (internal or a.visibility is Visibility.PUBLIC)]

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
                              min_score: float) -> list[SimilarTicket]:
        query = Terms.of(words(text))
        if not query.terms:
            return []
        recent = self._search.recent
        now = time.monotonic()
        if recent.due(now):
            await self._reload(recent, now)
        step = max(limit * 2, 8)
        # One query, usually the only one: the tickets numbered since the last look-up (and
        # any skipped then), with the details of the best candidates the index has so far.
        shown = step * VERIFY_ROUNDS
        proposed = recent.alike(query, since, min_score, shown)
        wanted = recent.skipped | {c.id for c in proposed[:step]}
        details = await self._details(recent.last_seen, wanted)
        added = [r for r in details.values() if recent.is_new(r.id)]
        recent.add_new([(r.id, r.created_at, r.status in _OPEN,
                         self._search.title_terms(r.id, r.title) if r.status in _OPEN else None)
                        for r in added])
        candidates = recent.rescored(proposed, [r.id for r in added], query, since,
                                     min_score, shown)
        # The index only proposes: the rows say status, window and title (a closed candidate
        # is forgotten and the next ones read, a batch at a time).
        found: list[SimilarTicket] = []
        for start in range(0, len(candidates), step):
            batch = candidates[start:start + step]
            missing = [c.id for c in batch if c.id not in details]
            if missing:
                details.update(await self._details(None, missing))
            found += self._verified(batch, details, query, since, min_score, recent)
            if len(found) >= limit:
                break
        found.sort(key=lambda s: -s.score)  # stable: the most recent first among equals
        return found[:limit]

    async def _reload(self, recent: RecentTitles, now: float) -> None:
        """The latest open tickets whole, every FULL_REFRESH seconds (kb_recent)."""
        top = (await self.session.execute(select(func.max(TicketRow.id)))).scalar()
        rows = (await self.session.execute(
            select(TicketRow.id, TicketRow.title, TicketRow.created_at)
            .where(TicketRow.status.in_(_OPEN))
            .order_by(TicketRow.created_at.desc()).limit(recent.capacity))).all()
        recent.reload([(r.id, r.created_at, self._search.title_terms(r.id, r.title))
                       for r in rows], int(top or 0), now)

    async def _details(self, after: int | None, ids: Iterable[int]) -> dict[int, Row[Any]]:
        """The tickets numbered after `after` (none with None) and those of `ids`."""
        rows = (await (await self.session.connection()).execute(_DETAILS, {
            "_after": _NOBODY if after is None else after, "_ids": sorted(ids)})).all()
        return {r.id: r for r in rows}

    def _verified(self, batch: list[Candidate], details: dict[int, Row[Any]], query: Terms,
                  since: datetime, min_score: float,
                  recent: RecentTitles) -> list[SimilarTicket]:
        found: list[SimilarTicket] = []
        for candidate in batch:
            r = details.get(candidate.id)
            if r is None or r.status not in _OPEN:
                recent.drop(candidate.id)
                continue
            # Scored again on the title it has now (it may have been retitled since).
            score = similarity(query, self._search.title_terms(r.id, r.title))
            if r.created_at >= since and score >= min_score:
                found.append(SimilarTicket(r.key, r.title, r.status, r[8], r.requester_id,
                                           r.origin_channel, r.queue, r.created_at, score,
                                           team=r.team))
        return found

    async def by_source_file(self) -> dict[str, Article]:
        rows = (await self.session.execute(
            select(KbArticleRow).where(KbArticleRow.source_file.is_not(None)))).scalars()
        return {r.source_file: _article(r) for r in rows if r.source_file}
