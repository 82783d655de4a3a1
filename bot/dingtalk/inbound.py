"""What DingTalk sends, reduced to the fields the adapter uses (the SDK parses the frames).

Robot messages follow "机器人接收消息" (topic /v1.0/im/bot/messages/get): conversationType "1" is a
1:1 chat, "2" a group; in a group the robot only hears messages that @ it (isInAtList), and the
@ of the robot itself is already cut out of text.content, leaving leading spaces.
Card callbacks (topic /v1.0/card/instances/callback) carry the button's params in
content.cardPrivateData.params, as configured in the card template.
"""

import json
from dataclasses import dataclass, field
from typing import Any

GROUP, PRIVATE = "2", "1"


@dataclass(frozen=True, slots=True)
class AtUser:
    dingtalk_id: str | None
    staff_id: str | None  # absent for the robot itself and for people outside the organisation


@dataclass(frozen=True, slots=True)
class RobotMessage:
    msg_id: str
    conversation_type: str
    conversation_id: str
    sender_staff_id: str | None
    sender_nick: str | None
    text: str | None  # None: not a text message (picture, file, …)
    at_users: tuple[AtUser, ...] = ()
    chatbot_user_id: str | None = None
    is_in_at_list: bool = False

    @property
    def is_group(self) -> bool:
        return self.conversation_type == GROUP

    @property
    def humans_at(self) -> tuple[AtUser, ...]:
        """The people @-mentioned, not the robot."""
        return tuple(u for u in self.at_users
                     if u.staff_id and u.dingtalk_id != self.chatbot_user_id)


@dataclass(frozen=True, slots=True)
class CardAction:
    out_track_id: str
    user_id: str  # staffId (the card was delivered with userIdType 1)
    space_type: str | None
    space_id: str | None  # the openConversationId for IM_GROUP
    action: str | None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str | None:
        return _text(self.params.get("key"))

    @property
    def version(self) -> str | None:
        return _text(self.params.get("v"))

    @property
    def arg(self) -> str | None:
        """A button's argument (commands/buttons.py): the article or the similar ticket."""
        return _text(self.params.get("arg"))

    @property
    def item(self) -> int | None:
        """The checklist item a `check` button stands for."""
        value = _text(self.params.get("n"))
        return int(value) if value is not None and value.isdigit() else None

    @property
    def text(self) -> str | None:
        """Input typed into the card, when the template has a field for it."""
        for name in ("text", "reason", "resolution", "input"):
            value = _text(self.params.get(name))
            if value:
                return value
        return None


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def robot_message(message: Any) -> RobotMessage:
    """From the SDK's ChatbotMessage."""
    if message.message_type == "text" and message.text is not None:
        text: str | None = message.text.content or ""
    elif message.message_type == "richText":
        text = "".join(message.get_text_list() or [])
    else:
        text = None
    for value in (message.sender_staff_id, message.sender_nick, message.conversation_id):
        if value is not None and not isinstance(value, str):  # DingTalk sends these as text
            raise TypeError(f"a sender or conversation given as {type(value).__name__}")
    return RobotMessage(
        msg_id=str(message.message_id or ""),
        conversation_type=str(message.conversation_type or ""),
        conversation_id=str(message.conversation_id or ""),
        sender_staff_id=message.sender_staff_id or None,
        sender_nick=message.sender_nick or None,
        text=text,
        at_users=tuple(AtUser(u.dingtalk_id, u.staff_id) for u in message.at_users or ()),
        chatbot_user_id=message.chatbot_user_id,
        is_in_at_list=bool(message.is_in_at_list),
    )


def card_action(data: dict[str, Any]) -> CardAction:
    """From the callback's data (a dict: the SDK has decoded the frame's JSON string)."""
    content = data.get("content") or {}
    if isinstance(content, str):
        content = json.loads(content) if content else {}
    private = content.get("cardPrivateData") or {}
    params = dict(private.get("params") or {})
    action_ids = private.get("actionIds") or []
    action = _text(params.get("action")) or (str(action_ids[0]) if action_ids else None)
    return CardAction(
        out_track_id=str(data.get("outTrackId") or ""),
        user_id=str(data.get("userId") or ""),
        space_type=data.get("spaceType"), space_id=data.get("spaceId"),
        action=action, params=params)
