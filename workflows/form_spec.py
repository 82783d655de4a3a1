"""A workflow entry's `fields:` and `template:` from their written form: pure, and every problem
names where it is (a path relative to the entry, as `workflow_spec` does).

    fields:
      - {name: risk, kind: choice, choices: [low, medium, high], required: true, card: true,
         label: {en: Risk, zh-CN: 风险}, default: medium}
    template: {title: "[Change] {title}", description: "Impact: {risk}\\nRollback: …"}
"""

from collections.abc import Mapping
from typing import Any

from workflows.errors import InvalidInput
from workflows.fields import (
    BUILT_IN_FIELDS,
    NAME,
    FieldDef,
    FieldKind,
    Form,
    parse_value,
    placeholders,
)
from workflows.workflow_spec import LOCALES

Path = tuple[Any, ...]
Problem = tuple[Path, str]


def _field(raw: Mapping[str, Any], where: Path, problems: list[Problem]) -> FieldDef | None:
    name = str(raw.get("name") or "")
    if not NAME.match(name):
        problems.append(((*where, "name"), f"{name!r} is not a field name: lower case letters, "
                         "digits and _, starting with a letter"))
        return None
    if name in BUILT_IN_FIELDS | {"title", "description", "type"}:
        problems.append(((*where, "name"), f"{name!r} is a built-in field; give yours another "
                         "name"))
        return None
    try:
        kind = FieldKind(str(raw.get("kind") or "text"))
    except ValueError:
        problems.append(((*where, "kind"), f"{raw.get('kind')!r} is not a kind of field; kinds: "
                         f"{', '.join(k.value for k in FieldKind)}"))
        return None
    choices = tuple(str(c) for c in raw.get("choices") or ())
    if kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE) and not choices:
        problems.append(((*where, "choices"), f"field {name!r} is a {kind.value} and needs its "
                         "choices"))
        return None
    if choices and kind not in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
        problems.append(((*where, "choices"), f"field {name!r} is {kind.value}: only choice and "
                         "multi_choice fields have choices"))
    labels = {str(k): str(v) for k, v in (raw.get("label") or {}).items()}
    for locale in LOCALES:
        if locale not in labels:
            problems.append(((*where, "label"), f"field {name!r} needs its label in {locale}"))
    f = FieldDef(name, kind, labels, bool(raw.get("required")), None, bool(raw.get("card")),
                 choices)
    default = raw.get("default")
    if default is not None:
        text = (", ".join(str(d) for d in default) if isinstance(default, list)
                else ("yes" if default else "no") if isinstance(default, bool) else str(default))
        try:
            f = FieldDef(name, kind, labels, f.required, parse_value(f, text), f.card, choices)
        except InvalidInput:
            problems.append(((*where, "default"), f"the default {default!r} is not a "
                             f"{kind.value} value{' among ' + ', '.join(choices) if choices else ''}"))
    return f


def build_form(entry: Mapping[str, Any], at: Path = ()) -> tuple[Form, list[Problem]]:
    problems: list[Problem] = []
    fields: list[FieldDef] = []
    for j, raw in enumerate(entry.get("fields") or ()):
        where = (*at, "fields", j)
        if not isinstance(raw, Mapping):
            raw = {"name": raw}
        if str(raw.get("name")) in {f.name for f in fields}:
            problems.append(((*where, "name"), f"field {raw.get('name')!r} is declared twice"))
            continue
        if (f := _field(raw, where, problems)) is not None:
            fields.append(f)
    template = entry.get("template") or {}
    known = {f.name for f in fields} | {"title"}
    texts: dict[str, str | None] = {}
    for part in ("title", "description"):
        text = template.get(part)
        texts[part] = None if text is None else str(text)
        if text is None:
            continue
        try:
            names = placeholders(str(text))
        except ValueError:
            problems.append(((*at, "template", part), "the template has an unmatched { or }: "
                             "write {{ and }} for the characters themselves"))
            continue
        for name in names:
            if name not in known:
                problems.append(((*at, "template", part), f"the template uses field {name!r}, "
                                 "which is not defined: add it to the workflow's fields"))
    return Form(tuple(fields), texts["title"], texts["description"]), problems
