"""Ticket cards for DingTalk, rendered from the JSON snapshot an outbox row carries
(commands.notify.card_snapshot).

With a card template (DINGTALK_CARD_TEMPLATE_ID) the snapshot becomes the template's
cardParamMap: every value a string, lists as JSON. The template contract (README):
  key, title, status, status_text, priority, type, category, team, requester, assignee,
  collaborators, due, description, pending_reason, resolution, version, asset — plain text;
  markdown — the whole card as DingTalk markdown, for a template that shows just that;
  actions — JSON [{"id", "text", "params": {"action", "key", "v"}}], one per button to show,
    then one per open checklist item of an open ticket: id `check_<n>`, params
    {"action": "check", "key", "v", "n"};
  checklist — JSON [{"n", "text", "required", "done", "by"}];
  can_<action> — "true"/"false", for templates with fixed buttons and visibility rules.
A button's callback params must be its element's `params` (or action/key/v bound the same
way): the card callback reads them, and `v` makes a double click recognisable.

Without a template the same card is a markdown message whose actions are
dtmd://dingtalkclient/sendMessage links: a click sends `claim IT-42` (or `check IT-42 2`, for
a checklist item) as the user.
"""

import json
from datetime import datetime
from typing import Any
from urllib.parse import quote

from bot.console.actions import TEMPLATES
from commands import buttons
from commands.notify import CARD_ACTIONS
from notifications.escaping import Raw
from notifications.escaping import dingtalk as esc
from notifications.text import Catalog
from workflows.actions import Action

TEMPLATES_BY_VALUE = frozenset(a.value for a in TEMPLATES)


def typed_command(action: str, key: str) -> str:
    """How the action is typed in chat, e.g. `transfer IT-42 @… reason: …`."""
    return TEMPLATES[Action(action)].format(key=key)


def needs_input(action: str) -> bool:
    command = TEMPLATES[Action(action)]
    return "…" in command or "<" in command


def dtmd_link(command: str) -> str:
    return "dtmd://dingtalkclient/sendMessage?content=" + quote(command, safe="")


def _name(person: dict[str, Any] | None) -> str | None:
    return None if person is None else str(person["label"])


def _due(card: dict[str, Any], catalog: Catalog) -> str:
    return catalog.format_time(datetime.fromisoformat(card["due"])) if card.get("due") else ""


def markdown_card(card: dict[str, Any], catalog: Catalog, links: bool = True) -> str:
    """The card as DingTalk markdown; user text is escaped, so it formats and pings nothing."""
    t = catalog.text
    colon = "：" if catalog.locale == "zh-CN" else ": "

    def field(label: str, value: str) -> str:
        return f"**{t(label)}**{colon}{value}"

    assignee = _name(card.get("assignee"))
    lines = [
        f"#### {card['key']} · {esc(card['title'])}",
        " · ".join([field("card.status", esc(catalog.card_status(card))),
                    field("card.priority", card["priority"]),
                    field("card.team", esc(card["team"]))]),
        " · ".join([field("card.requester", esc(_name(card.get("requester")) or "—")),
                    field("card.assignee", esc(assignee) if assignee else t("card.unassigned"))]),
    ]
    if card.get("custom_type"):  # an organisation's own type, in the reader's words
        lines.append(field("card.type", esc(catalog.type_name(card["custom_type"],
                                                              card.get("type_names")))))
    if card.get("due"):
        lines.append(field("card.due", _due(card, catalog)))
    if card.get("asset"):
        lines.append(field("card.asset", esc(card["asset"])))
    for f in card.get("fields") or ():  # the type's own fields marked `card: true`
        label = f["labels"].get(catalog.locale) or f["name"]
        lines.append(f"**{esc(label)}**{colon}{esc(f['value'])}")
    if card.get("description"):
        lines.append("> " + esc(card["description"]).replace("\n", " "))
    if card.get("pending_reason"):
        lines.append(field("card.waiting", esc(card["pending_reason"])))
    if card.get("resolution"):
        # A merge's resolution is the system's words ("duplicate of IT-7"): said in the reader's.
        said = catalog.why(card["resolution"])
        lines.append(field("card.resolution", said if isinstance(said, Raw) else esc(said)))
    if card.get("collaborators"):
        names = "、".join(esc(_name(p) or "") for p in card["collaborators"])
        lines.append(field("card.collaborators", names))
    lines.extend(_checklist_lines(card, catalog, links))
    if card.get("approval"):  # an approval step: who has approved, who is awaited
        lines.append(esc(t("card.approval", approved=card["approval"]["approved"],
                           awaited=card["approval"]["awaited"])))
    actions = [a for a in card.get("actions", []) if a in TEMPLATES_BY_VALUE]
    if links and (actions or card.get("buttons")):
        direct = [f"[{t('action.' + a)}]({dtmd_link(typed_command(a, card['key']))})"
                  for a in actions if not needs_input(a)]
        direct += [f"[{esc(t('button.' + b['action'], arg=b['arg']))}]"
                   f"({dtmd_link(buttons.typed(b['action'], card['key'], b['arg']))})"
                   for b in card.get("buttons") or []]
        typed = [f"{t('action.' + a)}{colon}`{typed_command(a, card['key'])}`"
                 for a in actions if needs_input(a)]
        if direct:
            lines.append(" · ".join(direct))
        lines.extend(typed)
    return "  \n".join(lines)


def _open_items(card: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The items a click may still tick: none once the ticket is closed."""
    if not card.get("checkable", True):
        return []
    return [(n, i) for n, i in enumerate(card.get("checklist") or [], 1) if not i["done"]]


def _checklist_lines(card: dict[str, Any], catalog: Catalog, links: bool) -> list[str]:
    t = catalog.text
    items = card.get("checklist") or []
    if not items:
        return []
    ticking = {n for n, _ in _open_items(card)} if links else set()
    colon = "：" if catalog.locale == "zh-CN" else ": "
    lines = [f"**{t('card.checklist')}**"]
    for n, item in enumerate(items, 1):
        text = f"{n}. {esc(item['text'])}" + ("" if item["required"] else
                                              f" {t('card.optional')}")
        if item["done"]:
            by = f"（{esc(t('card.checked_by', by=item['by']))}）" if item.get("by") else ""
            lines.append(f"☑ {text}{by}")
        elif n in ticking:
            command = f"check {card['key']} {n}"
            lines.append(f"☐ {text}{colon}[{t('card.tick', n=n, text='').rstrip(' .')}]"
                         f"({dtmd_link(command)})")
        else:
            lines.append(f"☐ {text}")
    return lines


def check_buttons(card: dict[str, Any], catalog: Catalog) -> list[dict[str, Any]]:
    """One button per open item, after the card's actions."""
    return [{"id": f"check_{n}", "text": catalog.text("card.tick", n=n, text=item["text"]),
             "params": {**button_params(card, "check"), "n": str(n)}}
            for n, item in _open_items(card)]


def button_params(card: dict[str, Any], action: str) -> dict[str, str]:
    return {"action": action, "key": card["key"], "v": str(card["version"])}


def offer_params(card: dict[str, Any], button: dict[str, str]) -> dict[str, str]:
    return {**button_params(card, button["action"]), "arg": button["arg"]}


def card_params(card: dict[str, Any], catalog: Catalog) -> dict[str, str]:
    """The template's cardParamMap: strings only, as the card API takes them."""
    t = catalog.text
    actions = [a for a in card.get("actions", []) if a in TEMPLATES_BY_VALUE]
    collaborators = [_name(p) or "" for p in card.get("collaborators") or []]
    params = {
        "key": card["key"], "title": card["title"], "status": card["status"],
        "status_text": catalog.card_status(card), "priority": card["priority"],
        "type": card.get("type") or "", "category": card.get("category") or "",
        "team": card.get("team") or "",
        "requester": _name(card.get("requester")) or "",
        "assignee": _name(card.get("assignee")) or t("card.unassigned"),
        "collaborators": "、".join(collaborators),
        "due": _due(card, catalog), "description": card.get("description") or "",
        "pending_reason": card.get("pending_reason") or "",
        "resolution": card.get("resolution") or "", "version": str(card["version"]),
        "asset": card.get("asset") or "",
        "markdown": markdown_card(card, catalog, links=False),
        "actions": json.dumps([{"id": a, "text": t("action." + a),
                                "params": button_params(card, a)} for a in actions]
                              # Buttons with an argument (commands/buttons.py): one per article
                              # or similar ticket, the id telling them apart.
                              + [{"id": f"{b['action']}:{b['arg']}" if b["arg"] else b["action"],
                                  "text": t("button." + b["action"], arg=b["arg"]),
                                  "params": offer_params(card, b)}
                                 for b in card.get("buttons") or []]
                              + check_buttons(card, catalog), ensure_ascii=False),
        "checklist": json.dumps([{"n": n, "text": i["text"], "required": i["required"],
                                  "done": i["done"], "by": i.get("by")}
                                 for n, i in enumerate(card.get("checklist") or [], 1)],
                                ensure_ascii=False),
    }
    params.update({f"can_{a.value}": "true" if a.value in actions else "false"
                   for a in CARD_ACTIONS})
    return params
