"""A ticket type's own fields (risk, change window, rollback plan …) and its templates: the
definitions, and the pure reading of values typed by people (`risk=high`, `window=2026-12-12`).

A value is stored as JSON: text, a number, an ISO date, a choice (text), a list of choices,
a person's handle, or true/false. Every refusal is an InvalidInput whose parameters let the
catalogs say it in the reader's language ("risk must be one of low, medium, high").
"""

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from workflows.errors import InvalidInput

# What a built-in action can be given: `requires` may name these without defining them.
BUILT_IN_FIELDS = frozenset({"reason", "resolution", "comment", "assignee", "team", "priority"})
MAX_FIELD_TEXT = 500
MAX_LONG_TEXT = 4000
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_YES = frozenset({"yes", "y", "true", "1", "on", "是", "对", "好"})
_NO = frozenset({"no", "n", "false", "0", "off", "否", "不"})


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    PERSON = "person"
    YES_NO = "yes_no"


@dataclass(frozen=True, slots=True)
class FieldDef:
    name: str
    kind: FieldKind = FieldKind.TEXT
    labels: Mapping[str, str] = field(default_factory=dict)  # {en: …, zh-CN: …}
    required: bool = False
    default: Any = None  # already parsed (a JSON value), or None
    card: bool = False  # shown on the ticket's card
    choices: tuple[str, ...] = ()  # choice and multi_choice

    def label(self, locale: str) -> str:
        return self.labels.get(locale) or self.labels.get("en") or self.name


@dataclass(frozen=True, slots=True)
class Form:
    """What a ticket type asks for besides title and description, and its templates."""

    fields: tuple[FieldDef, ...] = ()
    title_template: str | None = None  # "[Change] {title}" — {title} and field names
    description_template: str | None = None  # the description when none is given

    def get(self, name: str) -> FieldDef | None:
        return next((f for f in self.fields if f.name == name), None)


NO_FORM = Form()


def _bad(f: FieldDef, raw: str, **extra: Any) -> InvalidInput:
    return InvalidInput("error.field_value", field=f.name, labels=dict(f.labels), kind=f.kind.value,
                        value=raw[:40], choices=list(f.choices), **extra)


def _choice(f: FieldDef, raw: str) -> str:
    for choice in f.choices:
        if choice.casefold() == raw.casefold():
            return choice
    raise _bad(f, raw)


def parse_value(f: FieldDef, raw: str) -> Any:
    """The JSON value of what a person typed for the field, or an InvalidInput."""
    text = raw.strip()
    if not text:
        raise _bad(f, raw)
    if f.kind is FieldKind.TEXT or f.kind is FieldKind.LONG_TEXT:
        limit = MAX_LONG_TEXT if f.kind is FieldKind.LONG_TEXT else MAX_FIELD_TEXT
        if len(text) > limit:
            raise InvalidInput("error.text_too_long", what=f.name, limit=limit)
        return text
    if f.kind is FieldKind.NUMBER:
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise _bad(f, raw) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise _bad(f, raw)
        return int(number) if number.is_integer() else number
    if f.kind is FieldKind.DATE:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise _bad(f, raw) from None
    if f.kind is FieldKind.CHOICE:
        return _choice(f, text)
    if f.kind is FieldKind.MULTI_CHOICE:
        picked = [_choice(f, part.strip()) for part in re.split(r"[,，、]", text) if part.strip()]
        if not picked:
            raise _bad(f, raw)
        return list(dict.fromkeys(picked))
    if f.kind is FieldKind.PERSON:
        handle = text.removeprefix("@")
        if not re.fullmatch(r"[\w.\-]{1,64}", handle):
            raise _bad(f, raw)
        return handle
    word = text.casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise _bad(f, raw)


def read_values(form: Form, raw: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Typed values by field name; a name the type does not define is refused with the names
    it does."""
    values: dict[str, Any] = {}
    for name, text in raw:
        f = form.get(name.lower())
        if f is None:
            raise InvalidInput("error.field_unknown", field=name[:40],
                               known=[d.name for d in form.fields])
        values[f.name] = parse_value(f, text)
    return values


def with_defaults(form: Form, values: Mapping[str, Any]) -> dict[str, Any]:
    out = {f.name: f.default for f in form.fields if f.default is not None}
    out.update(values)
    return out


def missing_required(form: Form, values: Mapping[str, Any],
                     also: Sequence[str] = ()) -> list[FieldDef]:
    """Required fields (and the fields named in `also`, a transition's `requires`) not given."""
    wanted = [f for f in form.fields if f.required or f.name in also]
    return [f for f in wanted if values.get(f.name) in (None, "", [])]


def shown(value: Any) -> str:
    """A stored value as text (cards, `show`, history)."""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def field_rows(form: Form | None, values: Mapping[str, Any],
               card_only: bool = False) -> list[dict[str, Any]]:
    """Values to show, in the form's order (`card_only`: the fields marked `card`), then any a
    changed form no longer defines, under their names."""
    defined = form.fields if form is not None else ()
    rows = [{"name": f.name, "labels": dict(f.labels), "value": shown(values[f.name]),
             "card": f.card}
            for f in defined if values.get(f.name) not in (None, "", []) and
            (f.card or not card_only)]
    if not card_only:
        names = {f.name for f in defined}
        rows += [{"name": n, "labels": {}, "value": shown(v), "card": False}
                 for n, v in values.items()
                 if n not in names and v not in (None, "", [])]
    return rows


def placeholders(template: str) -> list[str]:
    """The names a template fills in (`{risk}`); a malformed template raises ValueError."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def fill(template: str, values: Mapping[str, Any]) -> str:
    """A template with its placeholders filled in; an unset field is left empty."""
    names = {name: shown(values.get(name)) for name in placeholders(template)}
    return template.format_map(names)


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Audit `changes` for fields that differ: `{"field:risk": [before, after]}`."""
    return {f"field:{name}": [before.get(name), after.get(name)]
            for name in dict.fromkeys([*before, *after])
            if before.get(name) != after.get(name)}
