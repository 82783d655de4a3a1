"""The organisation file's `ticket_types:` list: built-in ids (`incident`), which it offers, and
the organisation's own types (`{id: laptop_request, like: service_request, name: {…},
aliases: [laptop, 笔记本]}`), each behaving like a built-in one (workflows.ticket_types)."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from workflows.kinds import TicketType
from workflows.ticket_types import LANGUAGES, OwnType, claimed_twice, fold_word

Problems = list[tuple[tuple[Any, ...], str]]


class OwnTypeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    like: TicketType  # the built-in type whose SLA policies and reports it shares
    name: dict[str, str] = {}  # {en: …, zh-CN: …}, both required
    aliases: list[str] = []

    @field_validator("like", mode="before")
    @classmethod
    def _alias(cls, value: Any) -> Any:
        return TicketType.parse(value) or value if isinstance(value, str) else value


def offered(entries: list[Any]) -> list[TicketType]:
    """The built-in types the file offers."""
    return [e for e in entries if isinstance(e, TicketType)]


def own_types(entries: list[Any]) -> tuple[OwnType, ...]:
    return tuple(OwnType(e.id, e.like, dict(e.name), tuple(e.aliases))
                 for e in entries if isinstance(e, OwnTypeSpec))


def type_problems(entries: list[Any]) -> Problems:
    """Own types with a missing name, an id taken twice or by a built-in type, and words
    (ids, names, aliases) that two types claim."""
    problems: Problems = []
    own = [(i, e) for i, e in enumerate(entries) if isinstance(e, OwnTypeSpec)]
    for i, entry in own:
        missing = [lang for lang in LANGUAGES if not entry.name.get(lang, "").strip()]
        if missing:
            problems.append((("ticket_types", i, "name"), f"type {entry.id!r} needs its name in "
                             f"{' and '.join(missing)}"))
    built = own_types(entries)
    for n, word, holder in claimed_twice(built):
        i, entry = own[n]
        problems.append((_where(i, entry, word), f"type {entry.id!r} claims the word {word!r}, "
                         f"which {holder} has already; a word names one type"))
    return problems


def _where(i: int, entry: OwnTypeSpec, word: str) -> tuple[Any, ...]:
    for k, alias in enumerate(entry.aliases):
        if fold_word(alias) == word:
            return ("ticket_types", i, "aliases", k)
    if word in [fold_word(n) for n in entry.name.values()]:
        return ("ticket_types", i, "name")
    return ("ticket_types", i, "id")


def own_ids(entries: list[Any]) -> list[str]:
    """The own types' ids, which a workflow's `types` may name beside the built-in ones."""
    return [e.id for e in entries if isinstance(e, OwnTypeSpec)]

