"""Ticket cards in Block Kit, built with slack_sdk's models so Slack's limits are checked.

A card is rendered from the JSON snapshot the outbox row carries (commands.notify.card_snapshot);
buttons carry the ticket key and the card's version, so a double click is recognisable.
"""

import json
from collections import OrderedDict
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
)

from commands.notify import READER_ZONE
from notifications.escaping import slack as esc
from notifications.text import Catalog

PRIMARY = {"claim", "resolve"}
ACTION_PREFIX = "ticket:"
CHECK_PREFIX = "checklist:"  # one checkboxes element per ten items: checklist:0, checklist:1…
CHECK_BLOCK = "ticket-checklist:"
PER_ELEMENT = 10  # Slack's limit of options in one checkboxes element


def _who(person: dict[str, Any] | None, fallback: str) -> str:
    if person is None:
        return fallback
    # A mention of a known Slack user renders as their name; it is built here, never typed.
    return f"<@{person['slack_id']}>" if person.get("slack_id") else esc(person["label"])


def _when(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    epoch = int(moment.timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} {{time}}|{moment:%Y-%m-%d %H:%M} UTC>"


def button_value(key: str, version: int) -> str:
    return json.dumps({"key": key, "v": version}, separators=(",", ":"))


def offer_value(key: str, version: int, arg: str) -> str:
    return json.dumps({"key": key, "v": version, "arg": arg}, separators=(",", ":"))


def offer_buttons(card: dict[str, Any], t: Any) -> list[Block]:
    """The knowledge base's and the similar tickets' buttons (commands/buttons.py): one each,
    told apart by the argument in the action id, since ids are unique within a block."""
    buttons = card.get("buttons") or []
    if not buttons:
        return []
    return [ActionsBlock(block_id=f"ticket-offers:{card['key']}", elements=[
        ButtonElement(text=t(f"button.{b['action']}", arg=b["arg"])[:75],
                      action_id=f"{ACTION_PREFIX}{b['action']}:{b['arg']}"[:255],
                      value=offer_value(card["key"], card["version"], b["arg"]))
        for b in buttons[:25]])]


def check_value(key: str, version: int, number: int) -> str:
    return json.dumps({"key": key, "v": version, "n": number}, separators=(",", ":"))


def _item_option(card: dict[str, Any], number: int, item: dict[str, Any],
                 catalog: Catalog) -> Option:
    t = catalog.text
    text = f"{number}. {item['text']}" + ("" if item["required"] else f" {t('card.optional')}")
    by = t("card.checked_by", by=item["by"]) if item["done"] and item.get("by") else None
    # Plain text: an item's words never format or mention anyone.
    return Option(value=check_value(card["key"], card["version"], number),
                  text=PlainTextObject(text=text[:75], emoji=False),
                  description=PlainTextObject(text=by[:75], emoji=False) if by else None)


def checklist_block(card: dict[str, Any], catalog: Catalog) -> ActionsBlock | None:
    """The open ticket's checklist as checkboxes, the ticked ones checked. A click sends every
    option now checked in its element (block_actions, `selected_options`)."""
    items = card.get("checklist") or []
    if not items or not card.get("checkable", True):
        return None
    elements = []
    for start in range(0, min(len(items), 25 * PER_ELEMENT), PER_ELEMENT):
        options = [_item_option(card, n, item, catalog)
                   for n, item in enumerate(items[start:start + PER_ELEMENT], start + 1)]
        done = [o for o, item in zip(options, items[start:start + PER_ELEMENT], strict=True)
                if item["done"]]
        elements.append(CheckboxesElement(action_id=f"{CHECK_PREFIX}{start // PER_ELEMENT}",
                                          options=options, initial_options=done or None))
    return ActionsBlock(block_id=f"{CHECK_BLOCK}{card['key']}", elements=elements)


def ticket_card(card: dict[str, Any], catalog: Catalog) -> list[Block]:
    t = catalog.text
    fields = [
        MarkdownTextObject(text=f"*{t('card.status')}*\n{esc(catalog.card_status(card))}"),
        MarkdownTextObject(text=f"*{t('card.priority')}*\n{card['priority']}"),
        MarkdownTextObject(text=f"*{t('card.requester')}*\n{_who(card['requester'], '—')}"),
        MarkdownTextObject(
            text=f"*{t('card.assignee')}*\n{_who(card['assignee'], t('card.unassigned'))}"),
        MarkdownTextObject(text=f"*{t('card.team')}*\n{esc(card['team'])}"),
    ]
    if card.get("custom_type"):  # an organisation's own type, in the reader's words
        name = catalog.type_name(card["custom_type"], card.get("type_names"))
        fields.append(MarkdownTextObject(text=f"*{t('card.type')}*\n{esc(name)}"))
    if card.get("due"):
        fields.append(MarkdownTextObject(text=f"*{t('card.due')}*\n{_when(card['due'])}"))
    if card.get("asset"):
        fields.append(MarkdownTextObject(text=f"*{t('card.asset')}*\n{esc(card['asset'])}"))
    for f in card.get("fields") or ():  # the type's own fields marked `card: true`
        label = f["labels"].get(catalog.locale) or f["name"]
        fields.append(MarkdownTextObject(text=f"*{esc(label)}*\n{esc(f['value'])}"[:2000]))
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(
            text=f"*{card['key']}* · {esc(card['title'])}"[:3000]), fields=fields[:10]),
    ]
    notes = []
    if card.get("description"):
        notes.append(esc(card["description"]))
    if card.get("pending_reason"):
        notes.append(f"{t('card.waiting')}: {esc(card['pending_reason'])}")
    if card.get("resolution"):
        notes.append(f"{t('card.resolution')}: {esc(card['resolution'])}")
    if card.get("approval"):  # an approval step: who has approved, who is awaited
        notes.append(esc(t("card.approval", approved=card["approval"]["approved"],
                           awaited=card["approval"]["awaited"])))
    if card.get("collaborators"):
        people = ", ".join(_who(p, "") for p in card["collaborators"])
        notes.append(f"{t('card.collaborators')}: {people}")
    if notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=n[:3000]) for n in notes[:10]]))
    if card.get("actions"):
        value = button_value(card["key"], card["version"])
        blocks.append(ActionsBlock(block_id=f"ticket-actions:{card['key']}", elements=[
            ButtonElement(text=t(f"action.{action}"), action_id=f"{ACTION_PREFIX}{action}",
                          value=value, style="primary" if action in PRIMARY else None)
            for action in card["actions"][:25]
        ]))
    blocks += offer_buttons(card, t)
    checklist = checklist_block(card, catalog)
    if checklist is not None:
        blocks.append(checklist)
    elif card.get("checklist"):  # closed: what was done, as text
        done = sum(1 for i in card["checklist"] if i["done"])
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=t("card.checklist_done", done=done, total=len(card["checklist"])))]))
    return blocks


def blocks_json(blocks: list[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def card_blocks(card: dict[str, Any], catalog: Catalog) -> list[dict[str, Any]]:
    """The card's Block Kit JSON. The reply to a change and the relay's post of that card
    version show the same snapshot, so in one process it is built once (building and checking
    the models is most of a card's cost). The blocks are shared: read them, never change them."""
    # The relay's snapshot also names the channel's zone, which the blocks do not show (Slack
    # shows `<!date>` in each reader's zone): left out of the key, the reply and the post match.
    shown = {name: value for name, value in card.items() if name != READER_ZONE}
    key = (catalog.identity, json.dumps(shown, sort_keys=True, separators=(",", ":")))
    built = _BUILT.get(key)
    if built is None:
        built = _BUILT[key] = tuple(blocks_json(ticket_card(card, catalog)))
        if len(_BUILT) > 256:
            _BUILT.popitem(last=False)
    return list(built)


_BUILT: OrderedDict[tuple[object, str], tuple[dict[str, Any], ...]] = OrderedDict()
