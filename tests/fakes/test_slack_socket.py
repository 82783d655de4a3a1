"""The fake Socket Mode server, driven by the real clients: slack_bolt's AsyncSocketModeHandler on top of
slack_sdk's aiohttp SocketModeClient, which finds the server through apps.connections.open on FakeSlack."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes import fixtures, slack_socket
from tests.fakes.slack_socket import DEFAULT_APP_TOKEN, FakeSocketMode
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp

# the fixtures, made visible to this module
fake_slack = fixtures.fake_slack
fake_socket_mode = slack_socket.fake_socket_mode

CHANNEL = "C0GENERAL"
TS = "1712345678.000100"


class _Seen:
    """What the bolt listeners saw, with a way to wait for it."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Any]] = []
        self._changed = asyncio.Event()

    def add(self, kind: str, value: Any) -> None:
        self.items.append((kind, value))
        self._changed.set()

    async def wait_for(self, kind: str, within: float = 5) -> Any:
        async with asyncio.timeout(within):
            while True:
                for seen_kind, value in self.items:
                    if seen_kind == kind:
                        return value
                self._changed.clear()
                await self._changed.wait()


@pytest.fixture
async def bolt_app(fake_slack: FakeSlack,
                   fake_socket_mode: FakeSocketMode) -> AsyncIterator[tuple[AsyncApp, _Seen]]:
    """A bolt AsyncApp with a few listeners, connected over Socket Mode; closed again afterwards."""
    app = AsyncApp(client=AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url))
    seen = _Seen()

    @app.command("/ticket")
    async def ticket(ack: Any, command: dict[str, Any]) -> None:
        seen.add("command", command)
        await ack(text=f"Opened a ticket: {command['text']}")

    @app.event("app_mention")
    async def mention(event: dict[str, Any], say: Any) -> None:
        await say(text="On it", thread_ts=event["ts"])
        seen.add("mention", event)

    @app.action("ticket.take")
    async def take(ack: Any, action: dict[str, Any]) -> None:
        await ack()
        seen.add("action", action)

    @app.view("ticket.new")
    async def submitted(ack: Any, view: dict[str, Any]) -> None:
        await ack(response_action="errors", errors={"summary": "Too short"})
        seen.add("view", view)

    handler = AsyncSocketModeHandler(app, DEFAULT_APP_TOKEN)
    try:
        await handler.connect_async()
        await fake_socket_mode.wait_connected()
        yield app, seen
    finally:
        await handler.close_async()


async def test_hello_and_a_slash_command_round_trip(fake_slack: FakeSlack, fake_socket_mode: FakeSocketMode,
                                                    bolt_app: tuple[AsyncApp, _Seen]) -> None:
    _, seen = bolt_app
    assert fake_socket_mode.connections == 1
    opened = fake_slack.calls_to("apps.connections.open")
    assert len(opened) == 1
    assert opened[0].headers["Authorization"] == f"Bearer {DEFAULT_APP_TOKEN}"

    fields = sp.slash_command("new P2 VPN down", user_id="U0ALICE", user_name="alice")
    ack = await fake_socket_mode.send("slash_commands", dict(fields))

    assert ack["payload"] == {"text": "Opened a ticket: new P2 VPN down"}
    assert set(ack) == {"envelope_id", "payload"}
    assert fake_socket_mode.acks == [ack]
    command = await seen.wait_for("command")
    assert command["user_id"] == "U0ALICE" and command["trigger_id"] == fields["trigger_id"]


async def test_an_event_is_acked_and_its_listener_calls_the_web_api(
        fake_slack: FakeSlack, fake_socket_mode: FakeSocketMode, bolt_app: tuple[AsyncApp, _Seen]) -> None:
    _, seen = bolt_app
    envelope = sp.event_callback(sp.app_mention("<@U0BOT> status?", user="U0ALICE", channel=CHANNEL, ts=TS))

    ack = await fake_socket_mode.send("events_api", envelope)

    assert set(ack) == {"envelope_id"}  # events are acked without a payload
    event = await seen.wait_for("mention")
    assert event["text"] == "<@U0BOT> status?"
    posted = fake_slack.messages(CHANNEL)
    assert [(m["text"], m["thread_ts"]) for m in posted] == [("On it", TS)]


async def test_interactive_payloads_and_their_response_payloads(
        fake_socket_mode: FakeSocketMode, bolt_app: tuple[AsyncApp, _Seen]) -> None:
    _, seen = bolt_app
    click = sp.block_actions("ticket.take", "IT-1", user_id="U0BOB", user_name="bob", channel_id=CHANNEL,
                             message_ts=TS)
    assert set(await fake_socket_mode.send("interactive", click)) == {"envelope_id"}
    assert (await seen.wait_for("action"))["value"] == "IT-1"

    submission = sp.view_submission("ticket.new", {"summary": {"summary.input": sp.text_input_state("x")}},
                                    user_id="U0BOB", user_name="bob")
    ack = await fake_socket_mode.send("interactive", submission)
    assert ack["payload"] == {"response_action": "errors", "errors": {"summary": "Too short"}}


async def test_retried_events_reach_bolt_with_their_retry_headers(fake_socket_mode: FakeSocketMode,
                                                                  bolt_app: tuple[AsyncApp, _Seen]) -> None:
    app, seen = bolt_app

    @app.middleware
    async def capture(req: Any, next: Any) -> None:
        seen.add("retry", (req.headers.get("x-slack-retry-num", [None])[0],
                           req.headers.get("x-slack-retry-reason", [None])[0]))
        await next()

    @app.event("reaction_added")
    async def reacted(event: dict[str, Any]) -> None:
        seen.add("reaction", event)

    event = sp.reaction_added("eyes", user="U0BOB", item_channel=CHANNEL, item_ts=TS, item_user="U0ALICE")
    await fake_socket_mode.send("events_api", sp.event_callback(event), retry_attempt=1,
                                retry_reason="timeout")

    assert await seen.wait_for("retry") == ("1", "timeout")
    assert (await seen.wait_for("reaction"))["reaction"] == "eyes"


async def test_a_disconnect_makes_the_client_reconnect_through_apps_connections_open(
        fake_slack: FakeSlack, fake_socket_mode: FakeSocketMode, bolt_app: tuple[AsyncApp, _Seen]) -> None:
    await fake_socket_mode.disconnect("refresh_requested")
    await fake_socket_mode.wait_connected(count=2)

    assert len(fake_slack.calls_to("apps.connections.open")) == 2
    ack = await fake_socket_mode.send("slash_commands", dict(sp.slash_command("again", user_id="U0ALICE",
                                                                              user_name="alice")))
    assert ack["payload"] == {"text": "Opened a ticket: again"}


async def test_apps_connections_open_wants_the_app_token(fake_slack: FakeSlack,
                                                         fake_socket_mode: FakeSocketMode) -> None:
    with_app_token = AsyncWebClient(base_url=fake_slack.url)
    answer = await with_app_token.apps_connections_open(app_token=DEFAULT_APP_TOKEN)
    assert answer["url"].startswith(f"ws://127.0.0.1:{fake_socket_mode.port}/link/?ticket=")
    assert answer["url"] != (await with_app_token.apps_connections_open(app_token=DEFAULT_APP_TOKEN))["url"]

    for token, error in [(fake_slack.token, "not_allowed_token_type"), ("xapp-1-other", "invalid_auth")]:
        with pytest.raises(SlackApiError) as raised:
            await with_app_token.apps_connections_open(app_token=token)
        assert raised.value.response["error"] == error
    # the bot token still works for everything else
    assert (await AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url).auth_test())["ok"]


async def test_the_hello_message_and_unknown_tickets(fake_socket_mode: FakeSocketMode) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(fake_socket_mode.issue_url()) as ws:
            hello = json.loads(await ws.receive_str(timeout=5))
            await fake_socket_mode.wait_connected()
            with pytest.raises(TimeoutError):
                await fake_socket_mode.send("events_api", {}, within=0.05)
        assert hello == {"type": "hello", "num_connections": 1,
                         "debug_info": {"host": "applink-fake-1", "build_number": 10,
                                        "approximate_connection_time": 18060},
                         "connection_info": {"app_id": "A0APP"}}
        bad_url = fake_socket_mode.url.replace("ticket=", "ticket=unknown-")
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(bad_url)
        assert refused.value.status == 401
