"""Feishu's long connection, faked on 127.0.0.1 as lark-oapi's ws client meets the real one.

1. POST /callback/ws/endpoint {"AppID", "AppSecret"} answers `{"code": 0, "msg": "ok", "data":
   {"URL": "ws://…/ws?device_id=…&service_id=…", "ClientConfig": {"ReconnectCount",
   "ReconnectInterval", "ReconnectNonce", "PingInterval"}}}`; wrong credentials get a non-zero
   code, which the SDK takes as the client's fault and does not retry.
2. GET /ws upgrades to a WebSocket of binary protobuf `Frame`s (pbbp2: SeqID, LogID, service,
   method 0 = control / 1 = data, headers, payload). A control frame with header type=ping is
   answered with type=pong, whose payload is the ClientConfig (the SDK applies it).
3. An event is a data frame with headers type=event, message_id, trace_id, sum, seq; a payload
   longer than `fragment_size` goes in `sum` frames (seq 0…sum-1) the SDK joins. The client
   acks it by sending the same frame back with the payload `{"code": 200, "data": base64(JSON
   answer)}` (500 when its handler failed) and a biz_rt header.
4. An event not acked (the connection dropped first, or the answer was 500) stays pending and
   is delivered again, with the same message_id, on the next connection.

The frames are the SDK's own protobuf class: what it parses is what this sends.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from lark_oapi.ws.pb.pbbp2_pb2 import Frame

ENDPOINT_PATH = "/callback/ws/endpoint"
WS_PATH = "/ws"
CONTROL, DATA = 0, 1
WAIT = 20.0  # seconds a test waits for something the client must do before failing


@dataclass
class Pending:
    """An event on its way to the app; `answer` is what the app's ack carried."""

    frame_id: str
    payload: bytes
    deliveries: int = 0
    code: int | None = None
    answer: dict[str, Any] | None = None
    acked: asyncio.Event = field(default_factory=asyncio.Event)
    answered: asyncio.Event = field(default_factory=asyncio.Event)  # an ack or a refusal


def _header(frame: Frame, key: str) -> str | None:
    return next((h.value for h in frame.headers if h.key == key), None)


def _frame(method: int, service: int, headers: dict[str, str], payload: bytes = b"",
           seq: int = 0) -> bytes:
    frame = Frame()
    frame.SeqID, frame.LogID, frame.service, frame.method = seq, 0, service, method
    for key, value in headers.items():
        header = frame.headers.add()
        header.key, header.value = key, value
    if payload:
        frame.payload = payload
    return frame.SerializeToString()


class FakeLongConnection:
    """The server side of Feishu's long connection; FakeFeishu routes its two paths here."""

    def __init__(self, app_id: str, app_secret: str) -> None:
        self.app_id, self.app_secret = app_id, app_secret
        self.service_id = 7
        # Reconnect at once (no jitter) and ping rarely: the tests need no waiting.
        self.client_config = {"ReconnectCount": -1, "ReconnectInterval": 1,
                              "ReconnectNonce": 0, "PingInterval": 120}
        self.fragment_size = 64 * 1024
        self.connections = 0
        self.pings = 0
        self.endpoint_calls: list[dict[str, Any]] = []
        self.pending: dict[str, Pending] = {}
        self.acks: list[Pending] = []
        self.drop_before_ack = 0  # close the connection when the next N acks arrive, unrecorded
        self._ws: web.WebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._devices: set[str] = set()
        self._changed = asyncio.Condition()

    # -- what tests drive ------------------------------------------------------------------------

    async def push(self, body: dict[str, Any]) -> str:
        """Send an event body (schema 2.0) to the app; its frame id, to await `acked`."""
        frame_id = f"ws-msg-{next(self._ids):06d}"
        self.pending[frame_id] = item = Pending(frame_id, json.dumps(body, ensure_ascii=False)
                                                .encode())
        if self._ws is not None and not self._ws.closed:
            await self._deliver(self._ws, item)
        return frame_id

    async def acked(self, frame_id: str) -> Pending:
        """Wait until the client acknowledged the frame (code 200), on any connection."""
        return await self._wait(frame_id, "acked")

    async def answered(self, frame_id: str) -> Pending:
        """Wait for the client's answer to the frame, whatever its code."""
        return await self._wait(frame_id, "answered")

    async def _wait(self, frame_id: str, what: str) -> Pending:
        item = next((a for a in self.acks if a.frame_id == frame_id), None) or \
            self.pending[frame_id]
        async with asyncio.timeout(WAIT):
            await getattr(item, what).wait()
        return item

    async def drop(self) -> None:
        """The server closes the connection (a deploy, a network blip)."""
        if self._ws is not None:
            await self._ws.close()

    async def until(self, connections: int = 1, pings: int = 0) -> None:
        """Wait until the client has connected (and pinged) that many times."""
        async with asyncio.timeout(WAIT), self._changed:
            await self._changed.wait_for(lambda: self.connections >= connections
                                         and self.pings >= pings and self._ws is not None
                                         and not self._ws.closed)

    @property
    def open(self) -> bool:
        return self._ws is not None and not self._ws.closed

    # -- HTTP --------------------------------------------------------------------------------------

    async def endpoint(self, request: web.Request, url: str) -> web.Response:
        body = await request.json()
        self.endpoint_calls.append(body)
        if body.get("AppID") != self.app_id or body.get("AppSecret") != self.app_secret:
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        device = f"dev-{next(self._ids):06d}"
        self._devices.add(device)
        ws_url = (f"{url.replace('http://', 'ws://')}{WS_PATH}?device_id={device}"
                  f"&service_id={self.service_id}&access_key=ak-{device}&ticket=tk-{device}")
        return web.json_response({"code": 0, "msg": "ok", "data": {
            "URL": ws_url, "ClientConfig": self.client_config}})

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("device_id") not in self._devices:  # only a URL it handed out
            return web.json_response({"code": 403, "msg": "forbidden"}, status=403,
                                     headers={"handshake-status": "403",
                                              "handshake-msg": "forbidden"})
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async with self._changed:
            self._ws = ws
            self.connections += 1
            self._changed.notify_all()
        for item in list(self.pending.values()):  # what the last connection did not ack
            await self._deliver(ws, item)
        async for message in ws:
            if message.type != WSMsgType.BINARY:
                continue
            await self._receive(ws, message.data)
        async with self._changed:
            self._changed.notify_all()
        return ws

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    # -- frames ------------------------------------------------------------------------------------

    async def _deliver(self, ws: web.WebSocketResponse, item: Pending) -> None:
        item.deliveries += 1
        size = self.fragment_size
        parts = [item.payload[i:i + size] for i in range(0, len(item.payload), size)] or [b""]
        for seq, part in enumerate(parts):
            await ws.send_bytes(_frame(DATA, self.service_id, {
                "type": "event", "message_id": item.frame_id, "trace_id": f"tr-{item.frame_id}",
                "sum": str(len(parts)), "seq": str(seq)}, part, seq))

    async def _receive(self, ws: web.WebSocketResponse, data: bytes) -> None:
        frame = Frame()
        frame.ParseFromString(data)
        kind = _header(frame, "type")
        if frame.method == CONTROL and kind == "ping":
            async with self._changed:
                self.pings += 1
                self._changed.notify_all()
            await ws.send_bytes(_frame(CONTROL, self.service_id, {"type": "pong"},
                                       json.dumps(self.client_config).encode()))
        elif frame.method == DATA:
            item = self.pending.get(_header(frame, "message_id") or "")
            if item is None:
                return
            if self.drop_before_ack > 0:  # lost on the way: as if the network broke
                self.drop_before_ack -= 1
                await ws.close()
                return
            response = json.loads(frame.payload)
            item.code = int(response.get("code") or 0)
            item.answered.set()
            if item.code != 200:
                return  # not acknowledged: delivered again on the next connection
            encoded = response.get("data")
            item.answer = json.loads(base64.b64decode(encoded)) if encoded else None
            del self.pending[item.frame_id]
            self.acks.append(item)
            item.acked.set()
