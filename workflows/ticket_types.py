"""An organisation's own ticket types (`ticket_types:` entries such as a laptop request).

An own type behaves like one of the built-in `TicketType`s (`like`) for everything the rest of
the product reads by type: SLA policies, reports, the REST API and webhooks see that built-in
type. What is the type's own is its workflow, its fields, the routing rules and list filters
that name it, and its names on cards. The ticket row keeps the built-in type in `type` and the
own type's id in `custom_type`, as it keeps the phase in `status` and the workflow's own status
in `workflow_status`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from workflows.kinds import TicketType
from workflows.workflow_status import StatusWord

LANGUAGES = ("en", "zh-CN")


@dataclass(frozen=True, slots=True)
class OwnType:
    id: str  # lower case, digits, _ (stored in tickets.custom_type, at most 32 characters)
    like: TicketType  # the built-in type it behaves like for SLA, reports and the API
    names: dict[str, str] = field(default_factory=dict)  # locale -> words
    aliases: tuple[str, ...] = ()  # further words `new type:…` and routing accept


@dataclass(frozen=True, slots=True)
class TypeChoice:
    """What a type word names: a built-in type, or an own type and the built-in it is like."""

    type: TicketType
    own: str | None = None

    @property
    def id(self) -> str:
        return self.own or self.type.value


class Kind(str):
    """An own type's id that remembers the built-in type of its ticket, so a ticket whose own
    type the organisation file no longer has still finds a workflow: its built-in type's."""

    like: TicketType

    def __new__(cls, value: str, like: TicketType) -> "Kind":
        word = super().__new__(cls, value)
        word.like = like
        return word


class TypeWord(StatusWord):
    """A type id that carries its own names, as a status does; the catalogs' `type_name`
    filter prefers them."""


def fold_word(word: str) -> str:
    return word.strip().lower()


def built_in_words() -> dict[str, TicketType]:
    """Every word that names a built-in type: its id and the catalog's aliases."""
    return {**{t.value: t for t in TicketType}, **TicketType.words()}


def words_of(own: OwnType) -> list[str]:
    """The words that name an own type: its id, its names and its aliases, folded."""
    return list(dict.fromkeys(fold_word(w) for w in (own.id, *own.names.values(), *own.aliases)
                              if w.strip()))


def parse_type(word: str, own_types: Iterable[OwnType]) -> TypeChoice | None:
    """The type a word names (`laptop`, `笔记本`, `change`), or None."""
    folded = fold_word(word)
    for own in own_types:
        if folded in words_of(own):
            return TypeChoice(own.like, own.id)
    built_in = built_in_words().get(folded)
    return TypeChoice(built_in) if built_in is not None else None


def claimed_twice(own_types: Iterable[OwnType]) -> list[tuple[int, str, str]]:
    """(index of the entry, word, who has it already) for each word two types claim."""
    taken: dict[str, str] = {word: f"the built-in type {kind.value!r}"
                             for word, kind in built_in_words().items()}
    found: list[tuple[int, str, str]] = []
    for i, own in enumerate(own_types):
        for word in words_of(own):
            if word in taken:
                found.append((i, word, taken[word]))
            else:
                taken[word] = f"type {own.id!r}"
    return found
