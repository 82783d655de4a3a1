"""The in-process search index over the articles: BM25 (bm25s) on the words of storage/kb_text.

Built whole from the database and rebuilt when the articles' generation counter moves, so every
replica answers from the same articles. A weak match is no answer: besides its BM25 rank, an
article must cover enough of the query's weight (its rarer words count most), which keeps a
query about something the knowledge base does not know from being answered anyway.
"""

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from storage.kb_synonyms import synonyms
from storage.kb_text import is_partial, near_words, words

FULL_WEIGHT = 3  # in the BM25 query, a whole word counts three times a character gram
# In the coverage, a gram weighs this much of a word: a word has many grams, and a query whose
# words are all missing must not look covered because common letter triples are found.
GRAM_SHARE = 0.15
# Share of the query's weight an article must hold to be suggested, chosen on the labelled
# set (bench/kb_eval; docs/performance.md): the most recall with at most 1 in 10 false hits.
MIN_COVERAGE = 0.33



@dataclass(frozen=True, slots=True)
class Doc:
    id: int
    title: str
    body: str
    public: bool


@dataclass(frozen=True, slots=True)
class Hit:
    id: int
    score: float
    coverage: float


def analyse(doc: Doc) -> tuple[list[str], frozenset[str]]:
    """An article's words (the title says what it is about: its words count twice) and its
    title's."""
    head = words(doc.title)
    return head + head + words(doc.body), frozenset(head)


class KbIndex:
    def __init__(self, docs: Sequence[Doc], generation: int = 0,
                 analysed: Callable[[Doc], tuple[list[str], frozenset[str]]] | None = None) -> None:
        """`analysed`: a doc's words and its title's, remembered by the caller, so a rebuild
        after one article changed segments that article only (segmenting is most of the cost)."""
        self.generation = generation
        self.docs = {d.id: d for d in docs}
        self.ids: Any = ()
        self.public: Any = None
        self.everyone: Any = None
        self.bm25: Any = None  # a bm25s.BM25
        self.df: dict[str, int] = {}
        self.terms: list[frozenset[str]] = []
        self.titles: list[frozenset[str]] = []
        if not docs:  # numpy and bm25s (about 12 MB) wait for the first article
            return
        import bm25s
        import numpy as np

        self.ids = np.array([d.id for d in docs], dtype=np.int64)
        self.public = np.array([d.public for d in docs], dtype=np.float32)
        self.everyone = np.ones(len(docs), dtype=np.float32)
        pairs = [(analysed or analyse)(d) for d in docs]
        corpus = [c or ["\x00"] for c, _ in pairs]
        self.terms = [frozenset(c) for c in corpus]
        self.titles = [t for _, t in pairs]
        self.bm25 = bm25s.BM25(k1=1.2, b=0.75)
        self.bm25.index(corpus, show_progress=False)
        self.df = dict(Counter(t for terms in self.terms for t in terms))

    def __len__(self) -> int:
        return len(self.ids)

    def idf(self, term: str) -> float:
        """A word no article has counts as the rarest one there is (df 1): a typo or a word
        the articles do not use must not outweigh everything else the query says."""
        n = len(self.ids)
        df = self.df.get(term, 1)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, limit: int = 3, internal: bool = False,
               min_coverage: float = MIN_COVERAGE,
               keep: Callable[[int], bool] | None = None) -> list[Hit]:
        """The best articles for the query, best first; `internal`: agents, who see every
        article, not just the public ones."""
        if self.bm25 is None:
            return []
        terms = list(dict.fromkeys(words(query)))
        weights = {t: (1 + self.idf(t)) * (GRAM_SHARE if is_partial(t) else 1) for t in terms}
        total = sum(weights.values())
        # A query word is also found through its synonyms (storage/kb_synonyms.py).
        table = synonyms()
        alike = {t: table.get(t, frozenset()) for t in terms if not is_partial(t)}
        extra = {a for others in alike.values() for a in others if a in self.df} - set(terms)
        # A word no article has may be a typo: it counts if one slip away (two letters swapped,
        # one too many) is a word the article has.
        fuzzy = {t: near_words(t) for t in terms
                 if not is_partial(t) and t not in self.df and t.isalpha() and len(t) >= 5}
        known = [t for t in terms if t in self.df]
        if not (known or extra) or total <= 0:
            return []
        query_ids = [self.bm25.vocab_dict[t] for t in known
                     for _ in range(1 if is_partial(t) else FULL_WEIGHT)]
        query_ids += [self.bm25.vocab_dict[t] for t in extra]
        mask = self.everyone if internal else self.public
        scores = self.bm25.get_scores_from_ids(query_ids, weight_mask=mask)
        import numpy as np  # loaded with the index

        take = min(len(scores), max(limit * 8, 24))
        top = np.argpartition(-scores, take - 1)[:take]
        top = top[np.argsort(-scores[top])]
        hits: list[Hit] = []
        for i in top:
            score = float(scores[i])
            if score <= 0:
                break
            have = self.terms[i]
            found = sum(w * self._found(t, have, alike, fuzzy) for t, w in weights.items())
            in_title = sum(w * self._found(t, self.titles[i], alike, fuzzy)
                           for t, w in weights.items())
            # What the article is about (its title) counts as much as what it mentions.
            coverage = (found + in_title) / (2 * total)
            article = int(self.ids[i])
            if coverage >= min_coverage and (keep is None or keep(article)):
                hits.append(Hit(article, score, coverage))
            if len(hits) == limit:
                break
        return hits

    @staticmethod
    def _found(term: str, have: frozenset[str], alike: dict[str, frozenset[str]],
               fuzzy: dict[str, frozenset[str]]) -> float:
        if term in have or not alike.get(term, frozenset()).isdisjoint(have):
            return 1.0
        return 1.0 if not fuzzy.get(term, frozenset()).isdisjoint(have) else 0.0


@dataclass(frozen=True, slots=True)
class Terms:
    """A short text's terms, ready to compare (a ticket title: compared again and again)."""

    terms: frozenset[str]
    weight: float

    @classmethod
    def of(cls, terms: Iterable[str]) -> "Terms":
        unique = frozenset(terms)
        return cls(unique, _weight(unique))


def _weight(terms: Iterable[str]) -> float:
    return sum(1 if is_partial(t) else FULL_WEIGHT for t in terms)


def similarity(a: Terms, b: Terms) -> float:
    """How alike two short texts are, 0 to 1: the cosine of their term sets, whole words
    weighing more than character grams."""
    if not a.weight or not b.weight:
        return 0.0
    return _weight(a.terms & b.terms) / math.sqrt(a.weight * b.weight)
