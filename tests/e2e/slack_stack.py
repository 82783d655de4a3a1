"""The real ticketbot Slack app served over HTTP on 127.0.0.1, wired to the fake Slack Web API,
with helpers to send requests signed exactly as Slack signs them."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, select

from bot.bootstrap import App, build_app
from bot.http import build_http
from bot.metrics import ticket_counts
from bot.platforms import SLACK
from bot.senders.slack import SlackSender
from bot.serve import readiness
from bot.settings import Settings
from bot.slack.app import build_slack
from bot.slack.bot import SlackBot
from bot.slack.web import retry_handlers
from notifications.relay import Relay, RetryPolicy
from storage.models import AuditRow, CommentRow
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock

ORG = """\
default_queue: IT
admins: [admin]
people:
  - {handle: alice, name: Alice, slack_id: U0ALICE}
  - {handle: bob, name: Bob, slack_id: U0BOB}
  - {handle: carol, name: Carol, slack_id: U0CAROL}
  - {handle: dave, name: Dave, slack_id: U0DAVE}
  - {handle: erin, name: Erin, slack_id: U0ERIN}
  - {handle: admin, name: Admin}
teams:
  - {key: it, name: IT Support, leads: [dave], members: [bob, carol]}
  - {key: network, name: Network, leads: [erin], members: []}
queues:
  - key: IT
    name: Help desk
    default_team: it
    channels: {slack: C0ITDESK}
"""
NAMES = {"U0ALICE": "alice", "U0BOB": "bob", "U0CAROL": "carol", "U0DAVE": "dave",
         "U0ERIN": "erin"}


@dataclass
class SlackStack:
    core: App
    fake: FakeSlack
    relay: Relay
    clock: FakeClock
    url: str
    http: httpx.AsyncClient
    slack: SlackBot
    replies: list[dict[str, Any]] = field(default_factory=list)

    async def post(self, body: bytes, content_type: str, headers: dict[str, str] | None = None,
                   secret: str = sp.SIGNING_SECRET) -> httpx.Response:
        signed = sp.sign(body, secret)
        signed["Content-Type"] = content_type
        return await self.http.post(f"{self.url}/slack/events", content=body,
                                    headers={**signed, **(headers or {})})

    async def command(self, user: str, text: str, channel: str = "C0GENERAL") -> httpx.Response:
        """A slash command, and what followed its ack; the reply (in the ack, or later through
        its response_url) is appended to `replies`."""
        fields = sp.slash_command(text, user_id=user, user_name=NAMES.get(user, user),
                                  channel_id=channel, response_url=self.response_url())
        later = len(self.fake.responses)
        response = await self.post(sp.form_body(fields), "application/x-www-form-urlencoded")
        if response.content:
            self.replies.append(response.json())
        await self.slack.drain()
        self.replies.extend(self.fake.responses[later:])
        return response

    async def interact(self, payload: dict[str, Any]) -> httpx.Response:
        """An interaction, and what followed its ack."""
        response = await self.post(sp.interactive_body(payload),
                                   "application/x-www-form-urlencoded")
        await self.slack.drain()
        return response

    async def event(self, event: dict[str, Any], event_id: str | None = None,
                    retry: int | None = None) -> httpx.Response:
        """An Events API delivery, and what followed its ack."""
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if (
            retry) else None
        body = sp.json_body(sp.event_callback(event, event_id=event_id))
        response = await self.post(body, "application/json", headers)
        await self.slack.drain()
        return response

    def response_url(self) -> str:
        return self.fake.url.replace("/api/", f"/commands/T0TEAM/{len(self.fake.calls)}/hook")

    def responses(self) -> list[dict[str, Any]]:
        """What the app answered to /ticket: the message in the acknowledgement's body."""
        return list(self.replies)

    async def deliver(self) -> None:
        while await self.relay.run_once():
            pass

    def click(self, user: str, action: str, card: dict[str, Any], channel: str) -> dict[str, Any]:
        button = next(e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]
                      if e["action_id"] == f"ticket:{action}")
        block = next(b["block_id"] for b in card["blocks"] if b["type"] == "actions")
        return sp.block_actions(button["action_id"], button["value"], user_id=user,
                                user_name=NAMES.get(user, user), channel_id=channel,
                                message_ts=card["ts"], message_blocks=card["blocks"],
                                block_id=block)

    def opened_view(self) -> dict[str, Any]:
        return self.fake.calls_to("views.open")[-1].args["view"]

    async def count(self, model: type) -> int:
        async with self.core.engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(model))).scalar_one())

    async def audit_count(self) -> int:
        return await self.count(AuditRow)

    async def comment_count(self) -> int:
        return await self.count(CommentRow)


def assert_valid_blocks(blocks: list[dict[str, Any]], limit: int = 50) -> None:
    assert len(blocks) <= limit
    for block in Block.parse_all(blocks):
        assert block is not None
        block.validate_json()


def view_values(**fields: dict[str, Any]) -> dict[str, Any]:
    return {block: {"value": state} for block, state in fields.items()}


@contextlib.asynccontextmanager
async def slack_stack(database_url: str, tmp_path: Path, clock: FakeClock, fake: FakeSlack,
                      app_token: str | None = None) -> AsyncIterator[SlackStack]:
    """The app over HTTP, or over Socket Mode when `app_token` is given."""
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org,
                        slack_bot_token=fake.token, slack_signing_secret=sp.SIGNING_SECRET,
                        slack_api_url=fake.url, slack_app_token=app_token)
    core = await build_app(settings, clock=clock, platforms=frozenset({SLACK}))
    # The client bolt uses, with the retries production gives it (bot.slack.web).
    client = AsyncWebClient(token=fake.token, base_url=fake.url, retry_handlers=retry_handlers())
    slack = build_slack(core, client)
    await slack.warm_up()

    async def ready() -> dict[str, bool]:
        return await readiness(core)

    http_app = build_http(slack.app, ready, on_scrape=ticket_counts(core.engine, every=0))
    server = uvicorn.Server(uvicorn.Config(http_app, host="127.0.0.1",
                                           port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # at most 5 s for uvicorn to bind
        if server.started:
            break
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    relay = core.relay({"slack": SlackSender(client)}, pacing={},
                       retry=RetryPolicy(max_attempts=10, base=1, cap=10))
    socket = None
    if app_token:
        socket = AsyncSocketModeHandler(slack.app, app_token)
        await socket.connect_async()
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            yield SlackStack(core, fake, relay, clock, f"http://127.0.0.1:{port}", http, slack)
    finally:
        if socket is not None:
            await socket.close_async()
        server.should_exit = True
        await task
        await slack.settle()
        await core.aclose()


def parse(value: str) -> dict[str, Any]:
    return json.loads(value)
