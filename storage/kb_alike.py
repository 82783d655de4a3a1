"""Whether two ticket titles differ in what they are about, beyond how alike they score.

The similarity of two short titles (storage/kb_index.similarity) is high when they share most
of their words, so "Outage: DNS" and "Outage: mail" score 0.75: the same kind of problem, not
the same problem. Two titles are about different things when each has a word the other lacks
that is not a way of saying one of the other's words: not a synonym (kb_synonyms), not a slip
of the keyboard (most of its letter triples shared). A paraphrase that only adds words
("printer on floor 2 is offline again") or says one differently ("mail" / "email") stays alike.
"""

from storage.kb_synonyms import synonyms
from storage.kb_text import grams, words

# Share of a word's letter triples another word must hold to be read as its typo.
TYPO_SHARE = 0.5


def _typo(a: str, b: str) -> bool:
    if not (a.isalpha() and b.isalpha()) or min(len(a), len(b)) < 4:
        return False
    ga, gb = set(grams(a)), set(grams(b))
    return len(ga & gb) >= TYPO_SHARE * min(len(ga), len(gb))


def _unsaid(own: set[str], other: set[str]) -> set[str]:
    """`own`'s words that `other` says neither as such, nor by a synonym, nor with a typo."""
    table = synonyms()
    return {w for w in own - other
            if table.get(w, frozenset()).isdisjoint(other)
            and not any(_typo(w, o) for o in other - own)}


def key_terms_differ(a: str, b: str) -> bool:
    """Each title names something the other does not: different problems that read alike."""
    wa, wb = set(words(a, with_grams=False)), set(words(b, with_grams=False))
    return bool(_unsaid(wa, wb)) and bool(_unsaid(wb, wa))
