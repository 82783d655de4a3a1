"""Feishu transcripts against the fake Open API: `await world.says(LI, "new P2 …", chat=IT)`.

Each step posts the event body Feishu would post to /feishu/events (through the app's real
HTTP route), waits for the replies it triggers, then lets the outbox relay deliver what the
change promised.
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


@dataclass
class Feishu:
    fake: FakeFeishu
    runtime: FeishuRuntime
    relay: Relay
    app: App
    http: httpx.AsyncClient
    _messages: int = 0

    async def post(self, body: dict[str, Any], relay: bool = True) -> httpx.Response:
        response = await self.http.post("/feishu/events", json=body)
        await self.runtime.settle()
        while relay and await self.relay.run_once():
            pass
        return response

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
        response = await self.post(body)
        assert response.status_code == 200, response.text
        return message_id

    def card(self, chat: str, key: str) -> Sent:
        found = [m for m in self.fake.cards_in(chat)
                 if m.content["header"]["title"]["content"].startswith(f"{key} · ")]
        assert len(found) == 1, f"expected one card of {key} in {chat}, found {len(found)}"
        return found[0]

    async def clicks(self, user: User, card: Sent, action: str) -> httpx.Response:
        value = next(b["value"] for b in buttons(card) if b["value"]["action"] == action)
        return await self.post(self.fake.click(user.open_id, card, value))


def buttons(card: Sent) -> list[dict[str, Any]]:
    return [b for e in card.content["elements"] if e["tag"] == "action" for b in e["actions"]]


def fields(card: Sent) -> list[str]:
    return [f["text"]["content"] for e in card.content["elements"] if e["tag"] == "div"
            for f in e.get("fields", [])]


@asynccontextmanager
async def running(fake: FakeFeishu, database_url: str, org: Path, clock: FakeClock,
                  monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Feishu]:
    """The app configured from environment variables as a deployer would, its event route
    served in-process, its Open API calls going to `fake`."""
    monkeypatch.setenv("FEISHU_OPENAPI_ENDPOINT", fake.url)
    monkeypatch.setenv("FEISHU_APP_ID", fake.app_id)
    monkeypatch.setenv("FEISHU_APP_SECRET", fake.app_secret)
    monkeypatch.setenv("FEISHU_VERIFICATION_TOKEN", fake.verification_token)
    settings = Settings(_env_file=None, database_url=database_url, org_file=org,
                        timezone="Asia/Shanghai")
    app = await build_app(settings, clock=clock, platforms=settings.platforms)
    try:
        async with platform_senders(settings, clock) as senders:
            sender = senders["feishu"]
            assert isinstance(sender, FeishuSender)
            runtime = FeishuRuntime(app, sender)
            web = Starlette(routes=[runtime.route()])
            relay = app.relay(senders, pacing={}, retry=RetryPolicy(max_attempts=10, base=1, cap=30))
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web),
                                         base_url="http://ticketbot") as http:
                yield Feishu(fake, runtime, relay, app, http)
            await runtime.settle()
    finally:
        await app.aclose()
