"""Feishu transcripts against the fake Open API: `await world.says(LI, "new P2 …", chat=IT)`.

Each step sends the event body Feishu would send: over the long connection (lark-oapi's own
ws client against tests/fakes/feishu_ws.py, waiting for its ack) with `long_connection`, else
as a POST to /feishu/events (through the app's real HTTP route); then it waits for the replies
it triggers and lets the outbox relay deliver what the change promised.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.bootstrap import App, build_app
from bot.feishu.runtime import FeishuRuntime
from bot.senders.factory import platform_senders
from bot.senders.feishu import FeishuSender
from bot.settings import Settings
from notifications.relay import Relay, RetryPolicy
from tests.fakes.feishu_openapi import FakeFeishu, Sent
from tests.support.clock import FakeClock


@dataclass(frozen=True)
class User:
    open_id: str
    name: str


# The organisation both Feishu transcripts use: a helpdesk queue in one group.
ORG = """\
default_queue: IT
people:
  - {handle: li, name: 李雷, identities: [{platform: feishu, id: ou_li}]}
  - {handle: wang, name: 王芳, identities: [{platform: feishu, id: ou_wang}]}
  - {handle: zhang, name: 张三, identities: [{platform: feishu, id: ou_zhang}]}
  - {handle: zhao, name: 赵敏, identities: [{platform: feishu, id: ou_zhao}]}
teams:
  - {key: it, name: IT 支持, leads: [zhao], members: [wang]}
  - {key: network, name: 网络组, leads: [zhang], members: [zhang]}
queues:
  - key: IT
    name: IT 服务台
    default_team: it
    channels: {feishu: oc_it}
"""
IT = "oc_it"
LI, WANG = User("ou_li", "李雷"), User("ou_wang", "王芳")
ZHANG = User("ou_zhang", "张三")


@dataclass
class Feishu:
    fake: FakeFeishu
    runtime: FeishuRuntime
    relay: Relay
    app: App
    http: httpx.AsyncClient
    long_connection: bool = False
    _messages: int = 0

    async def post(self, body: dict[str, Any], relay: bool = True) -> httpx.Response:
        response = await self.http.post("/feishu/events", json=body)
        await self.settled(relay)
        return response

    async def deliver(self, body: dict[str, Any], relay: bool = True) -> dict[str, Any]:
        """Over the long connection: the answer the app's ack carried (a click's toast)."""
        acked = await self.fake.ws.acked(await self.fake.ws.push(body))
        await self.settled(relay)
        return acked.answer or {}

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.long_connection:
            return await self.deliver(body)
        response = await self.post(body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def settled(self, relay: bool = True) -> None:
        await self.runtime.settle()
        while relay and await self.relay.run_once():
            pass

    async def says(self, user: User, text: str, *, chat: str | None = None,
                   mentions: tuple[User, ...] = ()) -> str:
        """`user` writes `@app <text>` in the group `chat`, or to the app 1:1 without one;
        `text` names each of `mentions` as @_user_1, @_user_2…; returns the message id."""
        self._messages += 1
        message_id = f"om_in{self._messages:04d}"
        body = self.fake.incoming(message_id, chat or f"oc_p2p_{user.open_id}", user.open_id,
                                  text, group=chat is not None,
                                  mentions=[(u.open_id, u.name) for u in mentions],
                                  bot=chat is not None)
        await self.send(body)
        return message_id

    def card(self, chat: str, key: str) -> Sent:
        found = [m for m in self.fake.cards_in(chat)
                 if m.content["header"]["title"]["content"].startswith(f"{key} · ")]
        assert len(found) == 1, f"expected one card of {key} in {chat}, found {len(found)}"
        return found[0]

    async def clicks(self, user: User, card: Sent, action: str) -> Any:
        """The HTTP response; over the long connection, the answer in the ack."""
        value = next(b["value"] for b in buttons(card) if b["value"]["action"] == action)
        body = self.fake.click(user.open_id, card, value)
        return await self.deliver(body) if self.long_connection else await self.post(body)


def buttons(card: Sent) -> list[dict[str, Any]]:
    return [b for e in card.content["elements"] if e["tag"] == "action" for b in e["actions"]]


def fields(card: Sent) -> list[str]:
    return [f["text"]["content"] for e in card.content["elements"] if e["tag"] == "div"
            for f in e.get("fields", [])]


@asynccontextmanager
async def running(fake: FakeFeishu, database_url: str, org: Path, clock: FakeClock,
                  monkeypatch: pytest.MonkeyPatch, *, long_connection: bool = False,
                  settings_extra: dict[str, Any] | None = None) -> AsyncIterator[Feishu]:
    """The app configured from environment variables as a deployer would, its Open API calls
    going to `fake`; events over the long connection (`long_connection`: no verification
    token, as a deployer without a public URL sets it up), else through its event route."""
    monkeypatch.setenv("FEISHU_OPENAPI_ENDPOINT", fake.url)
    monkeypatch.setenv("FEISHU_APP_ID", fake.app_id)
    monkeypatch.setenv("FEISHU_APP_SECRET", fake.app_secret)
    if not long_connection:
        monkeypatch.setenv("FEISHU_VERIFICATION_TOKEN", fake.verification_token)
    settings = Settings(_env_file=None, database_url=database_url, org_file=org,
                        timezone="Asia/Shanghai", **(settings_extra or {}))
    app = await build_app(settings, clock=clock, platforms=settings.platforms)
    try:
        async with platform_senders(settings, clock) as senders:
            sender = senders["feishu"]
            assert isinstance(sender, FeishuSender)
            runtime = FeishuRuntime(app, sender)
            web = Starlette(routes=[runtime.route()])
            relay = app.relay(senders, pacing={}, retry=RetryPolicy(max_attempts=10, base=1, cap=30))
            if long_connection:
                await runtime.connection.start()
            try:
                async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web),
                                             base_url="http://ticketbot") as http:
                    if long_connection:
                        await fake.ws.until(connections=1)
                    yield Feishu(fake, runtime, relay, app, http, long_connection)
                await runtime.settle()
            finally:
                await runtime.connection.stop(10)
    finally:
        await app.aclose()
