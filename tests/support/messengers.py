"""One deployment on three messengers at once: Slack over HTTP (signed as Slack signs), the
DingTalk robot over its Stream connection, Feishu's event callbacks, all on one database and one
outbox relay, each talking to its fake. `world.settle()` runs what every adapter left for after
its ack, then the relay, until nothing is left.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import App, build_app, configure_dingtalk_sdk
from bot.dingtalk.runtime import DingTalkRuntime
from bot.feishu.runtime import FeishuRuntime
from bot.http import build_http
from bot.senders.dingtalk import DingTalkSender
from bot.senders.factory import platform_senders
from bot.senders.feishu import FeishuSender
from bot.senders.slack import SlackSender
from bot.settings import Settings
from bot.slack.app import build_slack
from bot.slack.bot import SlackBot
from bot.slack.web import retry_handlers
from notifications.relay import Relay, RetryPolicy
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway
from tests.fakes.feishu_openapi import FakeFeishu
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk
from tests.support.feishu import Feishu


@dataclass
class SlackSide:
    """Slack as its people use it: slash commands, card buttons and replies in a card's thread."""

    fake: FakeSlack
    bot: SlackBot
    http: httpx.AsyncClient
    world: "World"
    _events: int = 0

    async def _post(self, body: bytes, content_type: str) -> httpx.Response:
        headers = {**sp.sign(body), "Content-Type": content_type}
        response = await self.http.post("/slack/events", content=body, headers=headers)
        assert response.status_code == 200, response.text
        await self.world.settle()
        return response

    async def command(self, user: str, name: str, text: str, channel: str) -> httpx.Response:
        # An answer may follow through the response_url (the asker's Slack language unknown).
        hook = self.fake.url.replace("/api/", f"/commands/T0TEAM/{len(self.fake.calls)}/hook")
        fields = sp.slash_command(text, user_id=user, user_name=name, channel_id=channel,
                                  response_url=hook)
        return await self._post(sp.form_body(fields), "application/x-www-form-urlencoded")

    def card(self, channel: str, key: str) -> dict[str, Any]:
        found = [m for m in self.fake.messages(channel) if m["blocks"] and not m["thread_ts"]
                 and key in (m["text"] or "")]
        assert len(found) == 1, f"expected one card of {key} in {channel}, found {len(found)}"
        return found[0]

    def thread(self, channel: str, key: str) -> list[str]:
        """The lines the bot posted in the card's thread."""
        ts = self.card(channel, key)["ts"]
        return [m["text"] for m in self.fake.messages(channel)
                if m["thread_ts"] == ts and m["user"] == self.fake.bot_user_id]

    async def clicks(self, user: str, name: str, channel: str, key: str, action: str
                     ) -> httpx.Response:
        card = self.card(channel, key)
        button = next(e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]
                      if e["action_id"] == f"ticket:{action}")
        block = next(b["block_id"] for b in card["blocks"] if b["type"] == "actions")
        payload = sp.block_actions(button["action_id"], button["value"], user_id=user,
                                   user_name=name, channel_id=channel, message_ts=card["ts"],
                                   message_blocks=card["blocks"], block_id=block)
        return await self._post(sp.interactive_body(payload), "application/x-www-form-urlencoded")

    async def event(self, event: dict[str, Any]) -> httpx.Response:
        self._events += 1
        body = sp.json_body(sp.event_callback(event, event_id=f"Ev0SPAN{self._events:04d}"))
        return await self._post(body, "application/json")

    async def replies_in_thread(self, user: str, channel: str, key: str, text: str
                                ) -> httpx.Response:
        thread = self.card(channel, key)["ts"]
        ts = self.fake.post_reply(channel, thread, text, user=user)
        return await self.event(sp.message(text, user=user, channel=channel, ts=ts,
                                           thread_ts=thread))


@dataclass
class World:
    app: App
    relay: Relay
    slack: SlackSide = field(init=False)
    dingtalk: DingTalk = field(init=False)
    feishu: Feishu = field(init=False)

    async def settle(self) -> None:
        """Until every adapter's follow-ups are done and the outbox is delivered."""
        for _ in range(3):  # a delivery may start follow-ups, and those more rows
            await self.slack.bot.drain()
            await self.dingtalk.runtime.settle()
            await self.feishu.runtime.settle()
            while await self.relay.run_once():
                pass


@asynccontextmanager
async def three_messengers(database_url: str, org: Path, clock: FakeClock, slack: FakeSlack,
                           dingtalk: FakeDingTalkGateway, feishu: FakeFeishu,
                           monkeypatch: pytest.MonkeyPatch, *, template: str
                           ) -> AsyncIterator[World]:
    """The app configured for all three messengers as a deployer would (DingTalk and Feishu
    from environment variables, Slack from its settings), each pointed at its fake. Feishu's
    events come over its long connection (lark-oapi's client against the fake's), as they do
    in production without a public URL: no verification token, so no event route."""
    monkeypatch.setenv("DINGTALK_OPENAPI_ENDPOINT", dingtalk.url)
    monkeypatch.setenv("DINGTALK_CLIENT_ID", dingtalk.app_key)
    monkeypatch.setenv("DINGTALK_CLIENT_SECRET", dingtalk.app_secret)
    monkeypatch.setenv("DINGTALK_ROBOT_CODE", dingtalk.robot_code)
    monkeypatch.setenv("DINGTALK_CARD_TEMPLATE_ID", template)
    monkeypatch.setenv("FEISHU_OPENAPI_ENDPOINT", feishu.url)
    monkeypatch.setenv("FEISHU_APP_ID", feishu.app_id)
    monkeypatch.setenv("FEISHU_APP_SECRET", feishu.app_secret)
    settings = Settings(_env_file=None, database_url=database_url, org_file=org,
                        timezone="Asia/Shanghai", slack_bot_token=slack.token,
                        slack_signing_secret=sp.SIGNING_SECRET, slack_api_url=slack.url)
    configure_dingtalk_sdk(settings)
    app = await build_app(settings, clock=clock, platforms=settings.platforms)

    async def no_wait(seconds: float) -> None:
        await asyncio.sleep(0)

    from bot.dingtalk.stream import Backoff  # imports the SDK, which reads the endpoint once

    try:
        async with platform_senders(settings, clock) as senders, httpx.AsyncClient() as stream:
            client = AsyncWebClient(token=slack.token, base_url=slack.url,
                                    retry_handlers=retry_handlers())
            senders["slack"] = SlackSender(client)
            slack_bot = build_slack(app, client)
            await slack_bot.warm_up()
            ding_sender, feishu_sender = senders["dingtalk"], senders["feishu"]
            assert isinstance(ding_sender, DingTalkSender)
            assert isinstance(feishu_sender, FeishuSender)
            ding_sender.sleep = no_wait
            ding = DingTalkRuntime(app, ding_sender, stream, reply_sleep=no_wait, silence=5.0,
                                   backoff=Backoff(base=0.02, cap=0.1), close_timeout=0.2)
            stop = asyncio.Event()
            running = asyncio.create_task(ding.run(stop))
            await dingtalk.wait_connections(1)
            fei = FeishuRuntime(app, feishu_sender)
            await fei.connection.start()
            await feishu.ws.until(connections=1)

            async def ready() -> dict[str, bool]:
                return {}

            web = build_http(slack_bot.app, ready, routes=[fei.route()])
            relay = app.relay(senders, pacing={},
                              retry=RetryPolicy(max_attempts=10, base=1, cap=30))
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web),
                                         base_url="http://ticketbot") as http:
                world = World(app, relay)
                world.slack = SlackSide(slack, slack_bot, http, world)
                world.dingtalk = DingTalk(dingtalk, ding, relay, app, senders, stop, running)
                world.feishu = Feishu(feishu, fei, relay, app, http, long_connection=True)
                try:
                    yield world
                    await world.settle()
                finally:
                    await fei.connection.stop(10)
            stop.set()
            await asyncio.wait_for(running, 10)
            await slack_bot.settle()
    finally:
        await app.aclose()
