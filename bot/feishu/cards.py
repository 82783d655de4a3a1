"""Ticket cards for Feishu: an interactive message (card JSON 1.0: config, header, elements)
rendered from the outbox's card snapshot (commands.notify.card_snapshot).

Everything people typed is `plain_text`, so it formats and pings nothing. `update_multi` makes
the card one shared card: a PATCH updates it for everyone in the chat. Each button's `value`
is {action, key, v} (and `arg` for the shared buttons of commands/buttons.py), which the card
callback brings back.
"""

from datetime import datetime
from typing import Any

from bot.console.actions import TEMPLATES
from notifications.escaping import Raw
from notifications.text import Catalog
from workflows.actions import Action

ACTIONS = frozenset(a.value for a in TEMPLATES)
# Header colours by status: Feishu's template names.
COLOURS = {"new": "blue", "in_progress": "wathet", "pending": "orange", "suspended": "grey",
           "resolved": "green", "closed": "grey", "cancelled": "grey"}


def typed_command(action: str, key: str) -> str:
    return TEMPLATES[Action(action)].format(key=key)


def needs_input(action: str) -> bool:
    command = typed_command(action, "X")
    return "…" in command or "<" in command


def _plain(text: str) -> dict[str, str]:
    return {"tag": "plain_text", "content": text}


def _label(person: dict[str, Any] | None) -> str | None:
    return None if person is None else str(person["label"])


def _field(catalog: Catalog, label: str, value: str) -> dict[str, Any]:
    return {"is_short": True, "text": _plain(f"{catalog.text(label)}：{value}"
                                              if catalog.locale == "zh-CN"
                                              else f"{catalog.text(label)}: {value}")}


def interactive_card(card: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    t = catalog.text
    fields = [
        _field(catalog, "card.status", str(catalog.card_status(card))),
        _field(catalog, "card.priority", str(card["priority"])),
        _field(catalog, "card.team", str(card.get("team") or "")),
        _field(catalog, "card.requester", _label(card.get("requester")) or "—"),
        _field(catalog, "card.assignee", _label(card.get("assignee")) or t("card.unassigned")),
    ]
    if card.get("due"):
        fields.append(_field(catalog, "card.due",
                             catalog.format_time(datetime.fromisoformat(card["due"]))))
    elements: list[dict[str, Any]] = [{"tag": "div", "fields": fields}]
    for label, value in (("card.waiting", card.get("pending_reason")),
                         ("card.resolution", card.get("resolution"))):
        if value:
            said = catalog.why(value) if label == "card.resolution" else value
            elements.append({"tag": "div", "text": _plain(
                f"{t(label)}：{str(said) if isinstance(said, Raw) else said}")})
    if card.get("description"):
        elements.append({"tag": "div", "text": _plain(str(card["description"]))})
    buttons = [_button(t("action." + a), {"action": a, "key": card["key"],
                                          "v": str(card["version"])})
               for a in card.get("actions", []) if a in ACTIONS]
    buttons += [_button(t("button." + b["action"], arg=b["arg"]),
                        {"action": b["action"], "key": card["key"], "v": str(card["version"]),
                         "arg": b["arg"]})
                for b in card.get("buttons") or []]
    if buttons:
        elements.append({"tag": "action", "actions": buttons})
    return {
        "config": {"wide_screen_mode": True, "update_multi": True},
        "header": {"title": _plain(f"{card['key']} · {card['title']}"),
                   "template": COLOURS.get(str(card.get("status")), "blue")},
        "elements": elements,
    }


def _button(text: str, value: dict[str, str]) -> dict[str, Any]:
    return {"tag": "button", "text": _plain(text), "type": "default", "value": value}


def buttons_of(card: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons a rendered card shows (for tests and logs)."""
    return [b for element in card.get("elements", []) if element.get("tag") == "action"
            for b in element["actions"]]
