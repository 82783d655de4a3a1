"""A local fake of DingTalk's Stream Mode gateway, served by the fake OpenAPI's own server (the SDK
derives both from one ``DINGTALK_OPENAPI_ENDPOINT``).

Shapes, and where they come from:

* ``POST /v1.0/gateway/connections/open`` ``{clientId, clientSecret, subscriptions: [{type, topic}],
  ua, localIp}`` -> ``{"endpoint": "wss://…/connect", "ticket": "…"}`` (dingtalk-stream
  ``stream.py`` ``open_connection``; dingtalk-stream-sdk-go ``payload/connection.go``
  ``ConnectionEndpointRequest`` / ``ConnectionEndpointResponse``). The client then connects to
  ``{endpoint}?ticket={ticket}``; a ticket is good for one connection. Wrong credentials answer
  HTTP 401 ``{"code": "invalidClientIdOrSecret", …}`` — the status and body are stand-ins (not
  documented).
* Frames, server to client: ``{"specVersion": "1.0", "type": "CALLBACK" | "EVENT" | "SYSTEM", "headers":
  {"appId", "connectionId", "contentType": "application/json", "messageId", "time", "topic"}, "data":
  "<JSON text>"}`` (the SDK's ``frames.py``; the Go SDK's ``payload/data_frame.go`` ``DataFrame``; the
  robot-message example of DingTalk's "机器人接收消息" Stream page, quoted in open-source adapters).
  Robot messages have topic ``/v1.0/im/bot/messages/get``, card button clicks
  ``/v1.0/card/instances/callback``; SYSTEM frames ``ping`` (data ``{"opaque"}``, to be echoed in the
  ACK) and ``disconnect`` (the client should close and reconnect).
* ACKs, client to server: ``{"code": 200, "headers": {"contentType", "messageId"}, "message", "data":
  "<JSON text>"}`` (the SDK's ``AckMessage``; Go ``DataFrameResponse``).
* A frame not ACKed is delivered again when the client connects next (``redeliver_unacked``), as the
  platform retries unacknowledged pushes; ``redeliver(message_id)`` sends one again at once.

``robot_message(...)`` and ``card_callback(...)`` build the ``data`` of those frames as DingTalk does:
in a group the robot's own @ is already cut out of ``text.content`` (leaving the leading space),
``atUsers`` lists the robot (``dingtalkId`` = ``chatbotUserId``, no ``staffId``) and the people
@-mentioned; a 1:1 message has ``conversationType`` "1" and no ``atUsers`` / ``isInAtList`` /
``conversationTitle`` (the 1:1 sample in open-dingtalk issues and adapters). The ``sessionWebhook`` points
at this fake, so a bot that used it (it must not) would be seen in ``calls``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.dingtalk_openapi import FakeDingTalk

OPEN_PATH = "/v1.0/gateway/connections/open"
CONNECT_PATH = "/connect"
BOT_TOPIC = "/v1.0/im/bot/messages/get"
CARD_TOPIC = "/v1.0/card/instances/callback"
ROBOT_USER_ID = "$:LWCP_v1:$ticketbotRobot0001"
CORP_ID = "dingfakecorp0001"
WAIT = 10.0  # seconds a test waits for the client before failing


@dataclass
class Connection:
    id: str
    ticket: str
    subscriptions: list[dict[str, str]]
    ws: web.WebSocketResponse
    request: web.Request
    closed: asyncio.Event = field(default_factory=asyncio.Event)


class FakeDingTalkGateway(FakeDingTalk):
    """The fake OpenAPI plus the Stream gateway on the same ``url``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app_id = str(uuid.uuid4())
        #: every connection made, oldest first; ``live`` is the newest still open
        self.connections: list[Connection] = []
        #: frames sent by messageId, and the client's ACK to each (None until it comes)
        self.frames: dict[str, dict[str, Any]] = {}
        self.acks: dict[str, dict[str, Any]] = {}
        #: True: ignore WebSocket pings and stop talking, like a connection that died silently
        self.silent = False
        self.redeliver_unacked = True
        self._tickets: dict[str, list[dict[str, str]]] = {}
        self._changed = asyncio.Condition()
        self._ids = itertools.count(1)

    # -- connection ------------------------------------------------------------------------------

    @property
    def live(self) -> Connection | None:
        open_ = [c for c in self.connections if not c.closed.is_set()]
        return open_[-1] if open_ else None

    async def wait_connections(self, count: int, within: float = WAIT) -> Connection:
        """Until ``count`` connections have been made and the newest is open."""
        async with asyncio.timeout(within):
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.connections) >= count and self.live is not None)
        assert self.live is not None
        return self.live

    async def drop(self) -> None:
        """Cut the live connection without a close frame (a network failure)."""
        connection = self.live
        assert connection is not None, "no live connection"
        transport = connection.request.transport
        if transport is not None:
            transport.abort()
        connection.closed.set()
        await self._notify()

    # -- frames ----------------------------------------------------------------------------------

    def _frame(self, frame_type: str, topic: str, data: dict[str, Any], connection_id: str) -> dict[str, Any]:
        message_id = f"{uuid.uuid4().hex[:8]}_{next(self._ids)}_{int(time.time() * 1000):x}"
        frame = {"specVersion": "1.0", "type": frame_type,
                 "headers": {"appId": self.app_id, "connectionId": connection_id,
                             "contentType": "application/json", "messageId": message_id,
                             "time": str(int(time.time() * 1000)), "topic": topic},
                 "data": json.dumps(data, ensure_ascii=False)}
        self.frames[message_id] = frame
        return frame

    async def push(self, frame_type: str, topic: str, data: dict[str, Any]) -> str:
        """Send one frame on the live connection; returns its messageId."""
        connection = self.live
        assert connection is not None, "no live connection"
        frame = self._frame(frame_type, topic, data, connection.id)
        await connection.ws.send_str(json.dumps(frame, ensure_ascii=False))
        return str(frame["headers"]["messageId"])

    def lost(self, topic: str, data: dict[str, Any]) -> str:
        """A CALLBACK frame pushed into a connection that died before the client read it: never
        ACKed, so it comes again when the client reconnects."""
        return str(self._frame("CALLBACK", topic, data, "lost")["headers"]["messageId"])

    async def send_robot_message(self, data: dict[str, Any]) -> str:
        return await self.push("CALLBACK", BOT_TOPIC, data)

    async def send_card_callback(self, data: dict[str, Any]) -> str:
        return await self.push("CALLBACK", CARD_TOPIC, data)

    async def ping(self) -> str:
        return await self.push("SYSTEM", "ping", {"opaque": uuid.uuid4().hex})

    async def disconnect(self) -> str:
        """Ask the client to reconnect, as the gateway does before maintenance."""
        return await self.push("SYSTEM", "disconnect", {"reason": "gateway maintenance"})

    async def redeliver(self, message_id: str) -> None:
        connection = self.live
        assert connection is not None, "no live connection"
        await connection.ws.send_str(json.dumps(self.frames[message_id], ensure_ascii=False))

    async def wait_until(self, condition: Callable[[], object], within: float = WAIT) -> None:
        """Until ``condition()`` holds; checked whenever the fake receives something."""
        async with asyncio.timeout(within):
            async with self._changed:
                await self._changed.wait_for(lambda: bool(condition()))

    async def wait_ack(self, message_id: str) -> dict[str, Any]:
        async with asyncio.timeout(WAIT):
            async with self._changed:
                await self._changed.wait_for(lambda: message_id in self.acks)
        return self.acks[message_id]

    def unacked(self) -> list[str]:
        return [mid for mid in self.frames if mid not in self.acks]

    # -- request handling ------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.path == OPEN_PATH and request.method == "POST":
            return await self._open(request)
        if request.path == CONNECT_PATH:
            return await self._connect(request)
        response = await super().handle(request)
        await self._notify()
        return response

    async def _open(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            body = None
        args = body if isinstance(body, dict) else {}
        failure = self._take_failure(OPEN_PATH)
        if self.down or failure is not None:
            status = 503 if self.down or failure is None else failure.status
            self._record(OPEN_PATH, args, request, status)
            return web.json_response({"code": "ServiceUnavailable", "message": "fake outage"}, status=status)
        if args.get("clientId") != self.app_key or args.get("clientSecret") != self.app_secret:
            self._record(OPEN_PATH, args, request, 401)
            return web.json_response({"code": "invalidClientIdOrSecret",
                                      "message": "无效的clientId或者clientSecret"}, status=401)
        ticket = uuid.uuid4().hex
        self._tickets[ticket] = list(args.get("subscriptions") or [])
        self._record(OPEN_PATH, args, request, 200)
        return web.json_response({"endpoint": f"ws://127.0.0.1:{self.port}{CONNECT_PATH}", "ticket": ticket})

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.json_response({"code": "invalidTicket", "message": "ticket is invalid"}, status=401)
        subscriptions = self._tickets.pop(ticket)  # one connection per ticket
        ws = web.WebSocketResponse(autoping=False, max_msg_size=0)
        await ws.prepare(request)
        connection = Connection(uuid.uuid4().hex, ticket, subscriptions, ws, request)
        self.connections.append(connection)
        await self._notify()
        if self.redeliver_unacked:
            for message_id in self.unacked():
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.send_str(json.dumps(self.frames[message_id], ensure_ascii=False))
        try:
            async for message in ws:
                if message.type == WSMsgType.PING:
                    if not self.silent:
                        await ws.pong(message.data)
                elif message.type == WSMsgType.TEXT:
                    ack = json.loads(message.data)
                    message_id = (ack.get("headers") or {}).get("messageId")
                    if message_id:
                        self.acks.setdefault(message_id, ack)
                        await self._notify()
        finally:
            connection.closed.set()
            await self._notify()
        return ws

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def stop(self) -> None:
        for connection in self.connections:
            if not connection.closed.is_set():
                with contextlib.suppress(Exception):
                    await connection.ws.close()
        await super().stop()


# -- payloads, as the platform sends them -------------------------------------------------------------


def dingtalk_id(staff_id: str) -> str:
    """A stable stand-in for a person's encrypted dingtalkId (``$:LWCP_v1:$…``)."""
    return f"$:LWCP_v1:${uuid.uuid5(uuid.NAMESPACE_OID, staff_id).hex[:24]}"


def robot_message(*, text: str, sender_staff_id: str, sender_nick: str, conversation_id: str,
                  group: bool = True, at: list[tuple[str, str]] | None = None,
                  conversation_title: str = "IT 服务台", msg_id: str | None = None,
                  robot_code: str = "dingfakeappkey0001",
                  webhook_base: str = "http://127.0.0.1:9") -> dict[str, Any]:
    """The data of a robot message. ``text`` is what the user typed after @robot (group) or the whole
    message (1:1); ``at`` lists the other people @-mentioned as (staffId, name)."""
    now = int(time.time() * 1000)
    data: dict[str, Any] = {
        "conversationId": conversation_id,
        "chatbotCorpId": CORP_ID,
        "chatbotUserId": ROBOT_USER_ID,
        "msgId": msg_id or f"msg{uuid.uuid4().hex[:22]}==",
        "senderNick": sender_nick,
        "isAdmin": False,
        "senderStaffId": sender_staff_id,
        "sessionWebhookExpiredTime": now + 5_400_000,
        "createAt": now,
        "senderCorpId": CORP_ID,
        "conversationType": "2" if group else "1",
        "senderId": dingtalk_id(sender_staff_id),
        "sessionWebhook": f"{webhook_base}/robot/sendBySession?session={uuid.uuid4().hex}",
        "text": {"content": (" " + text) if group else text},
        "robotCode": robot_code,
        "msgtype": "text",
    }
    if group:
        people = [{"dingtalkId": dingtalk_id(staff), "staffId": staff} for staff, _ in at or []]
        data.update(atUsers=[{"dingtalkId": ROBOT_USER_ID}, *people], conversationTitle=conversation_title,
                    isInAtList=True)
    return data


def card_callback(*, out_track_id: str, user_id: str, params: dict[str, Any], space_id: str,
                  space_type: str = "IM_GROUP", action_id: str | None = None) -> dict[str, Any]:
    """The data of a card button click (callbackType STREAM): ``content`` and ``extension`` are JSON
    text, ``params`` are the button's callback params as configured in the template."""
    private = {"actionIds": [action_id or str(params.get("action", "button"))], "params": params}
    return {"extension": json.dumps({}), "corpId": CORP_ID, "spaceType": space_type,
            "spaceId": space_id, "userIdType": 1, "type": "actionCallback", "userId": user_id,
            "content": json.dumps({"cardPrivateData": private}, ensure_ascii=False),
            "outTrackId": out_track_id}
