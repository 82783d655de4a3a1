"""A local fake of Slack's Socket Mode WebSocket server, for the real slack_sdk / slack_bolt clients.

Wiring (``install_socket_mode``): the app's AsyncWebClient points at the fake Web API
(``base_url=fake_slack.url``); ``apps.connections.open`` there, called with the app-level token in
``Authorization: Bearer xapp-…``, answers ``{"ok": true, "url": "ws://127.0.0.1:<port>/link/?ticket=…
&app_id=…"}``; slack_sdk's aiohttp SocketModeClient connects to that URL (it accepts any scheme aiohttp
does, so plain ``ws://`` works; only the host differs from Slack's ``wss://wss-….slack.com/link/…``).

Protocol, as in docs.slack.dev/apis/events-api/using-socket-mode and slack_sdk's own Socket Mode test
fixtures:

* On connect the server sends ``{"type": "hello", "num_connections": N, "debug_info": {"host",
  "build_number", "approximate_connection_time"}, "connection_info": {"app_id"}}``.
* Deliveries are envelopes ``{"envelope_id": <uuid>, "payload": {...}, "type": "events_api" |
  "slash_commands" | "interactive", "accepts_response_payload": bool}``; ``events_api`` envelopes also
  carry ``retry_attempt`` (0 on the first try) and ``retry_reason`` ("" on the first try).
* The app acknowledges with ``{"envelope_id": …}`` plus an optional ``payload`` (a slash command's
  response message, a ``view_submission``'s ``response_action``…). ``send`` waits for that ack.
* Before rotating a connection Slack sends ``{"type": "disconnect", "reason": "warning" |
  "refresh_requested" | "link_disabled", "debug_info": {"host": …}}``; slack_sdk then calls
  apps.connections.open again and opens a new connection (``connections`` counts them).

Not verified against the platform: what Slack answers for an unknown ticket (this fake refuses the
upgrade with HTTP 401) and which error ``apps.connections.open`` gives for a token passed as a form
field instead of the header (the docs only say "will result in an error"; this fake says
``not_authed``). A bot token gets ``not_allowed_token_type``, a wrong app token ``invalid_auth``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any, Self

import aiohttp
import pytest
from aiohttp import web

from tests.fakes import slack_web
from tests.fakes.slack_web import FakeSlack

DEFAULT_APP_TOKEN = "xapp-1-A0APP-1-fake"
_ACCEPTS_RESPONSE_PAYLOAD = {"block_actions", "view_submission", "block_suggestion"}


class FakeSocketMode:
    """The Socket Mode server: ``url`` is the newest WebSocket URL issued; ``acks`` every ack received."""

    host = "applink-fake-1"
    build_number = 10
    approximate_connection_time = 18060

    def __init__(self, app_id: str = "A0APP") -> None:
        self.app_id = app_id
        #: connections accepted (and greeted with ``hello``) so far, including closed ones
        self.connections = 0
        #: every ack frame received, in order
        self.acks: list[dict[str, Any]] = []
        #: every other frame received from clients
        self.received: list[dict[str, Any]] = []
        self.port = 0
        self._tickets: set[str] = set()
        self._url: str | None = None
        self._live: list[web.WebSocketResponse] = []
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> Self:
        app = web.Application()
        app.router.add_get("/link/", self._link)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for future in self._waiting.values():
            future.cancel()
        self._waiting.clear()
        for ws in list(self._live):
            with contextlib.suppress(Exception):
                await ws.close(code=aiohttp.WSCloseCode.GOING_AWAY, message=b"server shutdown")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- URLs --------------------------------------------------------------------------------------

    def issue_url(self) -> str:
        """A fresh WebSocket URL with its own ticket, as each apps.connections.open call returns."""
        ticket = str(uuid.uuid4())
        self._tickets.add(ticket)
        self._url = f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"
        return self._url

    @property
    def url(self) -> str:
        return self._url or self.issue_url()

    @property
    def live_connections(self) -> int:
        """Connections currently open."""
        return len(self._live)

    # -- what tests call ---------------------------------------------------------------------------

    async def wait_connected(self, within: float = 5, *, count: int = 1) -> None:
        """Wait (at most ``within`` seconds, then ``TimeoutError``) until ``count`` connections in total
        have been greeted and one of them is still open."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: self.connections >= count and bool(self._live))

    async def send(self, type: str, payload: dict[str, Any], *, accepts_response_payload: bool | None = None,
                   retry_attempt: int = 0, retry_reason: str = "", within: float = 5) -> dict[str, Any]:
        """Deliver ``payload`` in an envelope of ``type`` on the newest open connection and return the
        app's ack (``{"envelope_id": …}`` plus its ``payload``, if any).

        ``accepts_response_payload`` defaults to what Slack sends: true for slash commands and for
        ``block_actions`` / ``view_submission`` / ``block_suggestion``, false for events and shortcuts.
        Raises ``TimeoutError`` when no ack arrives within ``within`` seconds.
        """
        if not self._live:
            raise ConnectionError("no Socket Mode client is connected")
        if accepts_response_payload is None:
            accepts_response_payload = type == "slash_commands" or (
                type == "interactive" and payload.get("type") in _ACCEPTS_RESPONSE_PAYLOAD)
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {"envelope_id": envelope_id, "payload": payload, "type": type,
                                    "accepts_response_payload": accepts_response_payload}
        if type == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[envelope_id] = future
        try:
            await self._live[-1].send_str(json.dumps(envelope))
            async with asyncio.timeout(within):
                return await future
        except TimeoutError:
            raise TimeoutError(f"no ack for {type} envelope {envelope_id} within {within}s") from None
        finally:
            self._waiting.pop(envelope_id, None)

    async def disconnect(self, reason: str = "warning") -> None:
        """Send ``{"type": "disconnect", "reason": reason, …}`` on every open connection, as Slack does
        before rotating (``warning``, ``refresh_requested``) or when Socket Mode is switched off
        (``link_disabled``). The connections stay open; the client is expected to reconnect."""
        frame = json.dumps({"type": "disconnect", "reason": reason,
                            "debug_info": {"host": f"wss-{self.host}.slack.com"}})
        for ws in list(self._live):
            with contextlib.suppress(ConnectionError):
                await ws.send_str(frame)

    async def close_connections(self) -> None:
        """Drop every open connection from the server side (no disconnect message first)."""
        for ws in list(self._live):
            await ws.close(code=aiohttp.WSCloseCode.GOING_AWAY, message=b"")

    # -- server side -------------------------------------------------------------------------------

    async def _link(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("ticket") not in self._tickets:
            return web.Response(status=401, text="invalid ticket")
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._live.append(ws)
        self.connections += 1
        await ws.send_str(json.dumps({
            "type": "hello",
            "num_connections": len(self._live),
            "debug_info": {"host": self.host, "build_number": self.build_number,
                           "approximate_connection_time": self.approximate_connection_time},
            "connection_info": {"app_id": self.app_id},
        }))
        await self._notify()
        try:
            async for frame in ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    continue
                self._receive(frame.data)
        finally:
            if ws in self._live:
                self._live.remove(ws)
            await self._notify()
        return ws

    def _receive(self, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            self.received.append({"raw": data})
            return
        if not isinstance(message, dict) or "envelope_id" not in message:
            self.received.append(message if isinstance(message, dict) else {"raw": data})
            return
        self.acks.append(message)
        future = self._waiting.get(message["envelope_id"])
        if future is not None and not future.done():
            future.set_result(message)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()


def install_socket_mode(fake_slack: FakeSlack, fake_socket: FakeSocketMode,
                        app_token: str = DEFAULT_APP_TOKEN) -> None:
    """Make ``apps.connections.open`` on ``fake_slack`` answer with a fresh ``fake_socket`` URL.

    The method wants the app-level token in the Authorization header, while FakeSlack's own token check
    only knows the bot token, so the method is answered ahead of that check, on this instance only.
    """
    answer_as_usual = fake_slack._answer

    def answer(method: str, args: dict[str, Any], request: web.Request) -> slack_web._Reply:
        if method != "apps.connections.open":
            return answer_as_usual(method, args, request)
        token = slack_web._bearer(request.headers.get("Authorization", ""))
        if token is None:
            return slack_web._Reply(200, {"ok": False, "error": "not_authed"})
        if token != app_token:
            error = "invalid_auth" if token.startswith("xapp-") else "not_allowed_token_type"
            return slack_web._Reply(200, {"ok": False, "error": error})
        return slack_web._Reply(200, {"ok": True, "url": fake_socket.issue_url()})

    fake_slack._answer = answer  # type: ignore[method-assign]


@pytest.fixture
async def fake_socket_mode(fake_slack: FakeSlack) -> AsyncIterator[FakeSocketMode]:
    """A running fake Socket Mode server, reachable through ``fake_slack``'s apps.connections.open for
    the app token ``DEFAULT_APP_TOKEN``."""
    async with FakeSocketMode() as fake:
        install_socket_mode(fake_slack, fake)
        yield fake


__all__ = ["DEFAULT_APP_TOKEN", "FakeSocketMode", "fake_socket_mode", "install_socket_mode"]
