"""Routing rules: which queue, team, type, category, priority and skills a new ticket gets.

Rules are evaluated in order and the first match wins. Within a rule every criterion given must
hold (text, channel, department, type, category); within one criterion any listed value will do.
Keywords and regular expressions together form the text criterion, tried on the title first and
then on the description. Every match says why (`Hit`), so a decision can always be explained.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from workflows.kinds import TicketType
from workflows.priority import Priority

_ASCII_WORD = re.compile(r"[0-9a-z]")


def fold(text: str) -> str:
    """Compare text the way people mean it: full-width ＶＰＮ is VPN, case does not matter."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True, slots=True)
class Keyword:
    """A word or phrase. English words match whole (plurals and -ed/-ing forms included, so
    `printer` finds "printers" but `lan` does not find "language"); text with any non-ASCII
    character (Chinese) matches anywhere, since Chinese has no spaces between words."""

    text: str
    pattern: re.Pattern[str] = field(compare=False, repr=False)

    @classmethod
    def of(cls, text: str) -> "Keyword":
        folded = fold(text).strip()
        body = r"\s+".join(re.escape(part) for part in folded.split())
        if folded.isascii():
            start = r"(?<![0-9a-z])" if _ASCII_WORD.match(folded[:1]) else ""
            end = r"(?:s|es|ed|ing)?(?![0-9a-z])" if _ASCII_WORD.match(folded[-1:]) else ""
            body = start + body + end
        return cls(text, re.compile(body))


@dataclass(frozen=True, slots=True)
class Hit:
    """One reason a rule matched: ("keyword", "vpn", "title"), ("channel", "#netops", None)…"""

    kind: str  # keyword, regex, channel, department, type, category
    value: str
    where: str | None = None  # title or description, for text hits

    def describe(self) -> str:
        if self.where:
            return f'{self.kind} "{self.value}" in the {self.where}'
        return f'{self.kind} "{self.value}"'


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known about a ticket when it is routed."""

    title: str
    description: str = ""
    channel: str | None = None  # the channel or group it was written in
    department: str | None = None  # the requester's
    type: TicketType = TicketType.INCIDENT
    category: str | None = None
    custom_type: str | None = None  # an organisation's own type, like `type`


@dataclass(frozen=True, slots=True)
class Match:
    keywords: tuple[Keyword, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()  # compiled case-insensitive
    channels: frozenset[str] = frozenset()  # folded
    departments: frozenset[str] = frozenset()  # folded
    # Built-in types and own types' ids; a built-in one also matches the own types like it.
    types: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()  # folded

    @property
    def is_catch_all(self) -> bool:
        return not (self.keywords or self.patterns or self.channels or self.departments
                    or self.types or self.categories)

    def test(self, facts: Facts) -> tuple[Hit, ...] | None:
        """The reasons it matches, or None when any criterion fails."""
        hits: list[Hit] = []
        if self.keywords or self.patterns:
            text_hit = self._text_hit(facts)
            if text_hit is None:
                return None
            hits.append(text_hit)
        for kind, wanted, value in (
            ("channel", self.channels, facts.channel),
            ("department", self.departments, facts.department),
            ("category", self.categories, facts.category),
        ):
            if wanted:
                if value is None or fold(value) not in wanted:
                    return None
                hits.append(Hit(kind, value))
        if self.types:
            if facts.custom_type in self.types:
                hits.append(Hit("type", facts.custom_type))
            elif facts.type in self.types:
                hits.append(Hit("type", facts.type.value))
            else:
                return None
        return tuple(hits)

    def _text_hit(self, facts: Facts) -> Hit | None:
        for where, raw in (("title", facts.title), ("description", facts.description)):
            if not raw:
                continue
            folded = fold(raw)
            for keyword in self.keywords:
                if keyword.pattern.search(folded):
                    return Hit("keyword", keyword.text, where)
            normalized = unicodedata.normalize("NFKC", raw)
            for pattern in self.patterns:
                if pattern.search(normalized):
                    return Hit("regex", pattern.pattern, where)
        return None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a matching rule sets. None: leave it as the requester gave it, or the default."""

    queue: str | None = None
    team: str | None = None
    type: TicketType | None = None
    category: str | None = None
    priority: Priority | None = None
    skills: frozenset[str] = frozenset()
    custom_type: str | None = None  # with `type`: the organisation's own type it sets


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    match: Match
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Decision:
    rule: Rule | None  # None: no rule matched
    hits: tuple[Hit, ...] = ()
    checked: int = 0  # how many rules were tried, the matching one included

    def because(self) -> str:
        return "; ".join(hit.describe() for hit in self.hits) or "it matches every ticket"


def first_match(rules: tuple[Rule, ...], facts: Facts) -> Decision:
    for index, rule in enumerate(rules, start=1):
        hits = rule.match.test(facts)
        if hits is not None:
            return Decision(rule, hits, index)
    return Decision(None, (), len(rules))


def compile_pattern(text: str) -> re.Pattern[str]:
    """Raises re.error with the position of the problem; the org loader reports it."""
    return re.compile(text, re.IGNORECASE)
