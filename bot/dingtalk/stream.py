"""The dingtalk-stream client, run on ticketbot's event loop.

Import this module only after bot.bootstrap.configure_dingtalk_sdk: the SDK reads
DINGTALK_OPENAPI_ENDPOINT when it is imported.

What comes from the SDK: its client class (subscriptions, routing of frames to handlers by
type and topic, the ACK frames, the disconnect handling), its CallbackHandler and message
classes (ChatbotMessage parsing). What is replaced: DingTalkStreamClient.start(), because
  - its open_connection() posts to /v1.0/gateway/connections/open with blocking `requests`,
    which would stall every other task on the loop (and get_host_ip() does a socket call);
  - it catches CancelledError and loops forever, so it cannot be shut down;
  - it reconnects after fixed 3-10 s sleeps and keeps no reference to the tasks it spawns;
  - it has no way to notice a connection that went silent.
So `run(stop)` opens the connection with httpx (the same request body the SDK sends), connects
the WebSocket, hands each frame to the SDK's route_message in a tracked task, reconnects with
backoff and jitter, replaces a silent connection (watchdog), and on `stop` stops reading,
lets in-flight frames finish and ACK, and closes.
"""

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

import dingtalk_stream
import httpx
import websockets
from dingtalk_stream.version import VERSION_STRING

from bot.dingtalk.watchdog import Liveness

log = logging.getLogger(__name__)
OPEN_PATH = "/v1.0/gateway/connections/open"
BOT_MESSAGES = dingtalk_stream.ChatbotMessage.TOPIC
CARD_CALLBACKS = dingtalk_stream.CallbackHandler.TOPIC_CARD_CALLBACK


class GatewayRefused(Exception):
    pass


@dataclass
class Backoff:
    base: float = 1.0
    cap: float = 60.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, failures: int) -> float:
        ceiling = min(self.cap, self.base * 2 ** max(0, failures - 1))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)


class Callbacks(dingtalk_stream.CallbackHandler):
    """Hands a callback's data to an async function; its outcome becomes the ACK. An error
    ACKs 500, so the platform delivers the frame again (the dedup keys make that safe)."""

    def __init__(self, handle: Callable[[dict[str, Any]], Awaitable[None]],
                 response: Any = "OK") -> None:
        super().__init__()
        self._handle = handle
        self._response = response

    async def process(self, callback: Any) -> tuple[int, Any]:
        try:
            await self._handle(callback.data)
        except Exception:
            log.exception("DingTalk callback %s failed", callback.headers.topic)
            return dingtalk_stream.AckMessage.STATUS_SYSTEM_EXCEPTION, "error"
        return dingtalk_stream.AckMessage.STATUS_OK, self._response


class StreamClient(dingtalk_stream.DingTalkStreamClient):
    def __init__(self, client_id: str, client_secret: str, endpoint: str,
                 http: httpx.AsyncClient, *, silence: float = 90.0,
                 backoff: Backoff | None = None, close_timeout: float = 5.0,
                 drain_timeout: float = 10.0) -> None:
        sdk_log = logging.getLogger("bot.dingtalk.sdk")
        sdk_log.setLevel(logging.ERROR)  # the SDK warns about every SYSTEM ping it ACKs
        super().__init__(dingtalk_stream.Credential(client_id, client_secret), logger=sdk_log)
        self.endpoint = endpoint.rstrip("/")
        self.OPEN_CONNECTION_API = self.endpoint + OPEN_PATH  # not the import-time constant
        self.http = http
        self.silence = silence
        self.backoff = backoff or Backoff()
        self.close_timeout, self.drain_timeout = close_timeout, drain_timeout
        self.connections = 0  # WebSocket connections made so far
        self._frames: set[asyncio.Task[None]] = set()
        self._local_ip: str | None = None

    def in_flight(self) -> list["asyncio.Task[None]"]:
        """Frames received and not yet handled and ACKed."""
        return list(self._frames)

    def on_callback(self, topic: str, handle: Callable[[dict[str, Any]], Awaitable[None]],
                    response: Any = "OK") -> None:
        self.register_callback_handler(topic, Callbacks(handle, response))

    async def open_connection_async(self) -> dict[str, Any]:
        """POST /v1.0/gateway/connections/open -> {endpoint, ticket}, without blocking."""
        if self._local_ip is None:
            self._local_ip = await asyncio.to_thread(self.get_host_ip)
        subscriptions = [{"type": "CALLBACK", "topic": topic} for topic in self.callback_handler_map]
        if self._is_event_required:
            subscriptions.append({"type": "EVENT", "topic": "*"})
        body = {"clientId": self.credential.client_id,
                "clientSecret": self.credential.client_secret,
                "subscriptions": subscriptions,
                "ua": f"dingtalk-sdk-python/v{VERSION_STRING}-union",
                "localIp": self._local_ip}
        response = await self.http.post(self.OPEN_CONNECTION_API, json=body,
                                        headers={"Accept": "application/json"})
        if response.status_code != 200:
            raise GatewayRefused(f"{response.status_code} {response.text[:300]}")
        connection = response.json()
        if not isinstance(connection, dict) or not connection.get("endpoint") or not (
                connection.get("ticket")):
            raise GatewayRefused(f"no endpoint and ticket in {response.text[:300]}")
        return connection

    async def run(self, stop: asyncio.Event) -> None:
        """Stay connected until `stop` is set."""
        self.pre_start()
        failures = 0
        while not stop.is_set():
            try:
                connection = await self.open_connection_async()
                uri = f"{connection['endpoint']}?ticket={quote_plus(connection['ticket'])}"
                # Keepalive is the watchdog's job: one mechanism, with one setting.
                async with websockets.connect(uri, ping_interval=None, max_size=None,
                                              close_timeout=self.close_timeout) as ws:
                    failures = 0
                    await self._serve(ws, stop)
            except (OSError, TimeoutError, ValueError, httpx.HTTPError,
                    websockets.exceptions.WebSocketException, GatewayRefused) as error:
                failures += 1
                log.warning("DingTalk Stream connection failed (%s: %s)", type(error).__name__,
                            error)
            if not stop.is_set():
                pause = self.backoff.delay(failures) if failures else self.backoff.base / 2
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
        await self._drain()

    async def _serve(self, ws: Any, stop: asyncio.Event) -> None:
        self.websocket = ws
        self.connections += 1
        log.info("DingTalk Stream connected (%d)", self.connections)
        liveness = Liveness(self.silence)
        reader = asyncio.create_task(self._read(ws, liveness))
        watchdog = asyncio.create_task(liveness.watch(lambda wait: self._probe(ws, wait)))
        stopping = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait({reader, watchdog, stopping},
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (reader, watchdog, stopping):
                task.cancel()
            await asyncio.gather(reader, watchdog, stopping, return_exceptions=True)
        if stopping in done:
            await self._drain()  # frames being handled still ACK on this connection
        elif watchdog in done:
            log.warning("replacing the silent DingTalk Stream connection")

    async def _read(self, ws: Any, liveness: Liveness) -> None:
        with contextlib.suppress(websockets.exceptions.ConnectionClosed):
            async for raw in ws:
                liveness.seen()
                try:
                    frame = json.loads(raw)
                except ValueError:
                    log.warning("DingTalk Stream sent a frame that is not JSON: %.200r", raw)
                    continue
                task = asyncio.create_task(self.background_task(frame))
                self._frames.add(task)
                task.add_done_callback(self._frames.discard)

    @staticmethod
    async def _probe(ws: Any, wait: float) -> None:
        pong = await ws.ping()
        await asyncio.wait_for(pong, wait)

    async def _drain(self) -> None:
        if self._frames:
            await asyncio.wait(list(self._frames), timeout=self.drain_timeout)
