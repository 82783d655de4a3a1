"""DingTalk transcripts against the fake gateway: `await it_group.says(li, "new P2 打印机无法联网")`.

Each step pushes the frame the platform would send, waits for the client's ACK and for the
replies it triggers, then lets the outbox relay deliver what the change promised.
"""

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from bot.bootstrap import App
from bot.dingtalk.runtime import DingTalkRuntime
from notifications.relay import Relay
from notifications.senders import Sender
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway, card_callback, robot_message


@dataclass(frozen=True)
class Member:
    staff_id: str
    nick: str


@dataclass
class DingTalk:
    gateway: FakeDingTalkGateway
    runtime: DingTalkRuntime
    relay: Relay
    app: App
    senders: dict[str, Sender]
    stop: asyncio.Event
    running: "asyncio.Task[None]"
    sleeps: list[float] = field(default_factory=list)  # how long replies waited while throttled

    async def settle(self, relay: bool = True) -> None:
        """Until the replies are sent and, with `relay`, the outbox is delivered."""
        await self.runtime.settle()
        while relay and await self.relay.run_once():
            pass

    async def deliver(self, data: dict[str, Any], relay: bool = True) -> dict[str, Any]:
        """Push a robot message; returns the ACK once everything it caused has happened."""
        message_id = await self.gateway.send_robot_message(data)
        ack = await self.gateway.wait_ack(message_id)
        await self.settle(relay)
        return ack

    def group(self, conversation_id: str) -> "Group":
        return Group(self, conversation_id)

    def private(self, member: Member) -> "Private":
        return Private(self, member)

    # -- what reached the fake OpenAPI --------------------------------------------------------------

    def group_texts(self, conversation_id: str) -> list[str]:
        return [m["msgParam"]["text"] for m in self.gateway.group_messages(conversation_id)]

    def private_texts(self, member: Member) -> list[str]:
        return [m["msgParam"]["text"] for m in self.gateway.user_messages(member.staff_id)]

    def card(self, conversation_id: str, key: str) -> tuple[str, dict[str, str]]:
        """The interactive card of a ticket in a group: (outTrackId, its current params)."""
        found = [(track, card) for track, card in self.gateway.cards.items()
                 if card["openSpaceId"] == f"dtv1.card//IM_GROUP.{conversation_id}"
                 and card["cardData"]["cardParamMap"]["key"] == key]
        assert len(found) == 1, f"expected one card of {key} in {conversation_id}, found {len(found)}"
        track, card = found[0]
        return track, card["cardData"]["cardParamMap"]


@dataclass
class Group:
    world: DingTalk
    id: str

    async def says(self, member: Member, text: str, at: tuple[Member, ...] = (),
                   msg_id: str | None = None) -> dict[str, Any]:
        """`member` types `@robot <text>`; people in `at` are @-mentioned in `text` as @nick."""
        data = robot_message(text=text, sender_staff_id=member.staff_id, sender_nick=member.nick,
                             conversation_id=self.id, at=[(m.staff_id, m.nick) for m in at],
                             msg_id=msg_id, robot_code=self.world.gateway.robot_code,
                             webhook_base=self.world.gateway.url)
        await self.world.deliver(data)
        return data

    async def clicks(self, member: Member, key: str, action: str) -> dict[str, Any]:
        """`member` presses the `action` button on the ticket's card in this group."""
        track, params = self.world.card(self.id, key)
        button = next(b for b in json.loads(params["actions"]) if b["id"] == action)
        data = card_callback(out_track_id=track, user_id=member.staff_id, params=button["params"],
                             space_id=self.id)
        message_id = await self.world.gateway.send_card_callback(data)
        await self.world.gateway.wait_ack(message_id)
        await self.world.settle()
        return data

    def texts(self) -> list[str]:
        return self.world.group_texts(self.id)


@dataclass
class Private:
    world: DingTalk
    member: Member

    async def says(self, text: str, msg_id: str | None = None, relay: bool = True
                   ) -> dict[str, Any]:
        data = robot_message(text=text, sender_staff_id=self.member.staff_id,
                             sender_nick=self.member.nick, group=False,
                             conversation_id=f"cidPrivate{self.member.staff_id}==", msg_id=msg_id,
                             robot_code=self.world.gateway.robot_code,
                             webhook_base=self.world.gateway.url)
        await self.world.deliver(data, relay)
        return data

    def texts(self) -> list[str]:
        return self.world.private_texts(self.member)
