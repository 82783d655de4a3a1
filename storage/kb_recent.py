"""The process's index of recent open tickets' titles, for the similar-ticket hints.

Reading and segmenting the latest few hundred open titles on every creation was most of the
suggestion step's cost. The process keeps them instead (bounded), with an inverted index from
term to tickets, so a new title is scored only against the tickets that share a term with it:

- each look-up reads only the rows numbered after the last one it saw (`id > last_seen`), and
  again any number it skipped (a transaction that had not committed yet; PostgreSQL hands out
  ids before commit), so other replicas' new tickets show at once;
- every `FULL_REFRESH` seconds it reloads the latest open tickets whole, which forgets the
  tickets closed meanwhile and picks up retitled ones;
- the index only proposes: the few best candidates are read back from the rows (status, window,
  current title) before anything is named, so a closed ticket is never shown from it.
"""

import heapq
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from storage.kb_index import FULL_WEIGHT, Terms
from storage.kb_text import is_partial

FULL_REFRESH = 30.0  # seconds between whole reloads (closed and retitled tickets)
# Seconds without a look-up after which the next one reloads rather than reading everything
# other replicas numbered meanwhile (it would be more rows than a reload).
IDLE_RELOAD = 5.0
SKIPPED_KEPT = 1_000  # skipped ids still looked for; rolled-back ones are forgotten at reload
RECHECK_AT_RELOAD = 50  # the last ids before a reload not in it: maybe committed just after
SLACK = 50  # entries kept past capacity before trimming (a trim sorts them)


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    created_at: datetime
    score: float


def _order(c: Candidate) -> tuple[float, float, int]:
    return (-c.score, -c.created_at.timestamp(), -c.id)


class RecentTitles:
    def __init__(self, capacity: int = 500) -> None:
        self.capacity = capacity
        self.last_seen = 0  # the highest ticket id read
        self.loaded_at: float | None = None  # monotonic time of the last whole reload
        self.looked_at: float | None = None  # of the last look-up
        self.skipped: set[int] = set()  # ids below last_seen not read yet (uncommitted then)
        self._entries: dict[int, tuple[datetime, float, Terms]] = {}  # created, its timestamp
        self._postings: dict[str, set[int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def due(self, now: float) -> bool:
        """Whether this look-up reloads whole (and notes the look-up)."""
        idle = self.looked_at is not None and now - self.looked_at >= IDLE_RELOAD
        self.looked_at = now
        return self.loaded_at is None or idle or now - self.loaded_at >= FULL_REFRESH

    def is_new(self, ticket_id: int) -> bool:
        return ticket_id > self.last_seen or ticket_id in self.skipped

    def reload(self, rows: Iterable[tuple[int, datetime, Terms]], max_id: int,
               now: float) -> None:
        """The latest open tickets, whole; `max_id` the highest ticket id there is."""
        self._entries.clear()
        self._postings.clear()
        self.skipped.clear()
        for ticket_id, created_at, terms in rows:
            self._put(ticket_id, created_at, terms)
        self.last_seen, self.loaded_at = max_id, now
        self.looked_at = now
        # A ticket numbered before the reload may commit after it: looked for once more (a
        # closed one comes back as closed and is forgotten).
        recent = range(max(0, max_id - RECHECK_AT_RELOAD) + 1, max_id + 1)
        self.skipped = set(recent) - self._entries.keys()
        self._trim(0)

    def add_new(self, rows: Iterable[tuple[int, datetime, bool, Terms | None]]) -> None:
        """Rows read after `last_seen` (and skipped ones): (id, created_at, open, terms)."""
        read: set[int] = set()
        top = self.last_seen
        for ticket_id, created_at, is_open, terms in rows:
            read.add(ticket_id)
            top = max(top, ticket_id)
            if is_open and terms is not None:
                self._put(ticket_id, created_at, terms)
        # Numbers between the old and the new highest that were not read: not committed yet.
        self.skipped |= set(range(self.last_seen + 1, top)) - read
        self.skipped -= read
        if len(self.skipped) > SKIPPED_KEPT:
            self.skipped = set(sorted(self.skipped)[-SKIPPED_KEPT:])
        self.last_seen = top
        self._trim(SLACK)

    def drop(self, ticket_id: int) -> None:
        entry = self._entries.pop(ticket_id, None)
        if entry is None:
            return
        for term in entry[2].terms:
            ids = self._postings.get(term)
            if ids is not None:
                ids.discard(ticket_id)
                if not ids:
                    del self._postings[term]

    def alike(self, query: Terms, since: datetime, min_score: float,
              limit: int) -> list[Candidate]:
        """The `limit` best tickets whose title scores at least `min_score` against `query`
        (the cosine of storage/kb_index.similarity, the same figures), best first, the most
        recent first among equals."""
        if not query.weight:
            return []
        shared: Counter[int] = Counter()
        for term in query.terms:
            ids = self._postings.get(term)
            if ids:
                # Counted in C: a whole word weighs FULL_WEIGHT grams.
                for _ in range(1 if is_partial(term) else FULL_WEIGHT):
                    shared.update(ids)
        return self._best(shared.items(), query, since, min_score, limit)

    def rescored(self, found: list[Candidate], new: Iterable[int], query: Terms,
                 since: datetime, min_score: float, limit: int) -> list[Candidate]:
        """`found` (an earlier `alike`) with the tickets just added scored in: only they can
        have changed it."""
        fresh = {i for i in new if i in self._entries}
        out = [c for c in found if c.id in self._entries and c.id not in fresh]
        out += self._best(((i, Terms.of(query.terms & self._entries[i][2].terms).weight)
                           for i in fresh), query, since, min_score, limit)
        out.sort(key=_order)
        return out[:limit]

    def _best(self, shared: Iterable[tuple[int, float]], query: Terms, since: datetime,
              min_score: float, limit: int) -> list[Candidate]:
        after = since.timestamp()
        scored: list[tuple[float, float, int]] = []
        for ticket_id, weight in shared:  # weight: the shared terms'
            _, at, terms = self._entries[ticket_id]
            if at < after:
                continue
            score = weight / math.sqrt(query.weight * terms.weight)
            if score >= min_score:
                scored.append((-score, -at, -ticket_id))
        return [Candidate(-i, self._entries[-i][0], -s)
                for s, _, i in heapq.nsmallest(limit, scored)]

    def _put(self, ticket_id: int, created_at: datetime, terms: Terms) -> None:
        self.drop(ticket_id)
        self._entries[ticket_id] = (created_at, created_at.timestamp(), terms)
        for term in terms.terms:
            self._postings.setdefault(term, set()).add(ticket_id)

    def _trim(self, slack: int) -> None:
        if len(self._entries) <= self.capacity + slack:
            return
        by_age = sorted(self._entries, key=lambda i: (self._entries[i][1], i))
        for ticket_id in by_age[:len(self._entries) - self.capacity]:
            self.drop(ticket_id)
