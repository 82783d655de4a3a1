"""What Feishu posts, reduced to the fields the adapter uses (event schema 2.0, as lark-oapi's
P2ImMessageReceiveV1 and P2CardActionTrigger read them).

im.message.receive_v1: event.sender.sender_id.open_id; event.message {message_id, chat_id,
chat_type "p2p" | "group", message_type, content (a JSON string: {"text": "@_user_1 new …"}),
mentions [{key "@_user_1", id {open_id, …}, name, mentioned_type}]}. In a group the app only
receives messages that @ it (unless it asked for every message).
card.action.trigger: event.operator.open_id, event.action.value (the button's value),
event.context {open_message_id, open_chat_id}.
"""

import json
from dataclasses import dataclass, field
from typing import Any

MESSAGE_RECEIVED = "im.message.receive_v1"
CARD_ACTION = "card.action.trigger"
URL_VERIFICATION = "url_verification"


@dataclass(frozen=True, slots=True)
class MentionAt:
    key: str  # the placeholder in the text, "@_user_1"
    open_id: str | None
    name: str
    is_bot: bool


@dataclass(frozen=True, slots=True)
class Message:
    message_id: str
    chat_id: str
    chat_type: str
    sender_open_id: str | None
    text: str | None  # None: not text (an image, a file…)
    mentions: tuple[MentionAt, ...] = ()
    tenant_key: str = ""

    @property
    def is_group(self) -> bool:
        return self.chat_type != "p2p"

    @property
    def addresses_bot(self) -> bool:
        return any(m.is_bot for m in self.mentions)


@dataclass(frozen=True, slots=True)
class CardClick:
    open_id: str
    message_id: str
    chat_id: str
    value: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        value = self.value.get(name)
        return None if value is None or value == "" else str(value)


def event_type(body: dict[str, Any]) -> str | None:
    if body.get("type") == URL_VERIFICATION:
        return URL_VERIFICATION
    return (body.get("header") or {}).get("event_type")


def token_of(body: dict[str, Any]) -> str | None:
    """The Verification Token: in the header (2.0), at the top (url_verification, 1.0)."""
    return (body.get("header") or {}).get("token") or body.get("token")


def message(body: dict[str, Any]) -> Message:
    event = body["event"]
    raw = event["message"]
    sender = (event.get("sender") or {}).get("sender_id") or {}
    text: str | None = None
    if raw.get("message_type") == "text":
        text = str(json.loads(raw.get("content") or "{}").get("text") or "")
    mentions = tuple(MentionAt(str(m.get("key") or ""), (m.get("id") or {}).get("open_id"),
                               str(m.get("name") or ""), m.get("mentioned_type") == "bot")
                     for m in raw.get("mentions") or ())
    return Message(str(raw["message_id"]), str(raw.get("chat_id") or ""),
                   str(raw.get("chat_type") or ""), sender.get("open_id"), text, mentions,
                   str((body.get("header") or {}).get("tenant_key") or ""))


def card_click(body: dict[str, Any]) -> CardClick:
    event = body["event"]
    context = event.get("context") or {}
    value = (event.get("action") or {}).get("value") or {}
    if isinstance(value, str):
        value = json.loads(value) if value else {}
    return CardClick(str((event.get("operator") or {}).get("open_id") or ""),
                     str(context.get("open_message_id") or ""),
                     str(context.get("open_chat_id") or ""), dict(value))
