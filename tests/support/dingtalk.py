"""DingTalk transcripts against the fake gateway: `await it_group.says(li, "new P2 打印机无法联网")`.

Each step pushes the frame the platform would send, waits for the client's ACK and for the
replies it triggers, then lets the outbox relay deliver what the change promised.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.bootstrap import App, build_app, configure_dingtalk_sdk
from bot.dingtalk.runtime import DingTalkRuntime
from bot.senders.dingtalk import DingTalkSender
from bot.senders.factory import platform_senders
from bot.settings import Settings
from notifications.relay import Relay, RetryPolicy
from notifications.senders import Sender
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway, card_callback, robot_message
from tests.support.clock import FakeClock


@asynccontextmanager
async def running(fake: FakeDingTalkGateway, database_url: str, org: Path, clock: FakeClock,
                  monkeypatch: pytest.MonkeyPatch, *, template: str | None,
                  silence: float = 5.0) -> AsyncIterator["DingTalk"]:
    """The robot connected to `fake`, configured from environment variables as a deployer would;
    nothing waits for real: replies and in-process retries record their waits in `sleeps`."""
    monkeypatch.setenv("DINGTALK_OPENAPI_ENDPOINT", fake.url)
    monkeypatch.setenv("DINGTALK_CLIENT_ID", fake.app_key)
    monkeypatch.setenv("DINGTALK_CLIENT_SECRET", fake.app_secret)
    monkeypatch.setenv("DINGTALK_ROBOT_CODE", fake.robot_code)
    if template:
        monkeypatch.setenv("DINGTALK_CARD_TEMPLATE_ID", template)
    settings = Settings(_env_file=None, database_url=database_url, org_file=org,
                        timezone="Asia/Shanghai")
    configure_dingtalk_sdk(settings)
    app = await build_app(settings, clock=clock, platforms=settings.platforms)
    sleeps: list[float] = []

    async def no_wait(seconds: float) -> None:
        sleeps.append(seconds)
        await asyncio.sleep(0)

    from bot.dingtalk.stream import Backoff

    try:
        async with platform_senders(settings, clock) as senders, httpx.AsyncClient() as http:
            sender = senders["dingtalk"]
            assert isinstance(sender, DingTalkSender)
            sender.sleep = no_wait
            runtime = DingTalkRuntime(app, sender, http, reply_sleep=no_wait, silence=silence,
                                      backoff=Backoff(base=0.02, cap=0.1), close_timeout=0.2)
            stop = asyncio.Event()
            running = asyncio.create_task(runtime.run(stop))
            await fake.wait_connections(1)
            relay = app.relay(senders, pacing={}, retry=RetryPolicy(max_attempts=10, base=1, cap=30))
            yield DingTalk(fake, runtime, relay, app, senders, stop, running, sleeps)
            stop.set()
            await asyncio.wait_for(running, 10)
    finally:
        await app.aclose()


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
    sleeps: list[float] = field(default_factory=list)  # waits of replies and in-process retries

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
