"""A fake Feishu Open API on 127.0.0.1: the tenant token and im/v1 messages (create, reply,
patch), answered as Feishu does: `{"code": 0, "msg": "success", "data": {…}}`, or an error
code with its HTTP status (99991663 for a bad token, 230002 for a chat the app is not in,
230001 for a bad parameter, 99991400 with HTTP 429 when `throttle_next` is set), HTTP 503 to
everything while `down`; stopped and started again, it refuses connections meanwhile.

Also builds the event bodies (schema 2.0) Feishu sends an app, and serves its long connection
(tests/fakes/feishu_ws.py: `fake.ws.push(body)`) on the same host, as open.feishu.cn does.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes._server import Failure, FakeServer
from tests.fakes.feishu_ws import ENDPOINT_PATH, WS_PATH, FakeLongConnection

TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
MESSAGES_PATH = "/open-apis/im/v1/messages"
ID_TYPES = ("open_id", "union_id", "user_id", "email", "chat_id")
MSG_TYPES = ("text", "post", "image", "file", "interactive", "share_chat", "share_user")


@dataclass
class Sent:
    """A message the app sent: to a chat or a person, or as a reply to another message."""

    message_id: str
    chat_id: str  # a person's 1:1 chat with the app is "p2p:<open_id>"
    msg_type: str
    content: dict[str, Any]
    parent_id: str | None = None
    patches: list[dict[str, Any]] = field(default_factory=list)
    sender: str | None = None  # a person's open_id for what people wrote; None: the app

    @property
    def text(self) -> str | None:
        return self.content.get("text") if self.msg_type == "text" else None


def _answer(data: dict[str, Any] | None = None, *, code: int = 0, msg: str = "success",
            status: int = 200) -> web.Response:
    body: dict[str, Any] = {"code": code, "msg": msg}
    if data is not None:
        body["data"] = data
    return web.json_response(body, status=status)


class FakeFeishu(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.app_id, self.app_secret = "cli_a1b2c3d4e5f60001", "feishu-secret"
        self.verification_token = "v-token-0001"
        self.tenant_key = "tenant-0001"
        self.chats: set[str] = set()  # the groups the app was added to
        self.messages: dict[str, Sent] = {}
        self.tokens: list[str] = []
        self.throttle_next = 0
        self._ids = itertools.count(1)
        self._uuids: dict[str, str] = {}
        self.ws = FakeLongConnection(self.app_id, self.app_secret)

    async def stop(self) -> None:
        await self.ws.close()
        await super().stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- what the app sent --------------------------------------------------------------------------

    def in_chat(self, chat_id: str) -> list[Sent]:
        return [m for m in self.messages.values() if m.chat_id == chat_id and m.sender is None]

    def texts_in(self, chat_id: str) -> list[str]:
        return [m.text for m in self.in_chat(chat_id) if m.text is not None]

    def to_user(self, open_id: str) -> list[Sent]:
        return self.in_chat(f"p2p:{open_id}")

    def replies_to(self, message_id: str) -> list[Sent]:
        return [m for m in self.messages.values() if m.parent_id == message_id
                and m.sender is None]

    def cards_in(self, chat_id: str) -> list[Sent]:
        return [m for m in self.in_chat(chat_id) if m.msg_type == "interactive"
                and m.parent_id is None]

    # -- requests -------------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if self.down:  # an outage: the gateway answers an HTML error page
            response = web.Response(status=503, text="<html><body>503 Service Unavailable</body>"
                                    "</html>", content_type="text/html")
            self._record(f"{request.method} {path}", {}, request, response.status)
            return response
        if path == ENDPOINT_PATH and request.method == "POST":
            self.ws.app_secret = self.app_secret  # a rotated secret counts here too
            return await self.ws.endpoint(request, self.url)
        if path == WS_PATH:
            return await self.ws.websocket(request)
        body = await request.json() if request.can_read_body else {}
        failure = self._take_failure(path)
        if failure is not None:  # Feishu's gateway failing: not its JSON
            response = web.Response(status=failure.status, text=failure.error or "upstream error")
        elif path == TOKEN_PATH and request.method == "POST":
            response = self._token(body)
        elif self.throttle_next > 0:
            self.throttle_next -= 1
            response = web.json_response({"code": 99991400, "msg": "request trigger frequency limit"},
                                         status=429, headers={"x-ogw-ratelimit-reset": "2"})
        elif request.headers.get("Authorization", "").removeprefix("Bearer ") not in self.tokens:
            response = _answer(code=99991663, msg="Invalid access token for authorization. Please "
                               "make a request with token attached.", status=400)
        elif path == MESSAGES_PATH and request.method == "POST":
            response = self._create(body, request.query.get("receive_id_type"))
        elif path.startswith(MESSAGES_PATH + "/") and path.endswith("/reply") and \
                request.method == "POST":
            response = self._reply(path.split("/")[-2], body)
        elif path.startswith(MESSAGES_PATH + "/") and request.method == "PATCH":
            response = self._patch(path.split("/")[-1], body)
        else:
            response = _answer(code=404, msg="404 page not found", status=404)
        self._record(f"{request.method} {path}", body, request, response.status)
        return response

    def fail_next(self, path: str, status: int = 503, count: int = 1) -> None:
        """The next `count` calls to `path` fail with `status` and a body that is not JSON."""
        self._queue_failure(path, Failure(status), count)

    def calls_to(self, method_path: str) -> list[Any]:
        return [c for c in self.calls if c.method == method_path]

    def _token(self, body: dict[str, Any]) -> web.Response:
        if body.get("app_id") != self.app_id or body.get("app_secret") != self.app_secret:
            return web.json_response({"code": 10014, "msg": "app secret invalid"}, status=400)
        token = f"t-{len(self.tokens) + 1:04d}"
        self.tokens.append(token)
        # This answer is not wrapped in `data`, as Feishu's is not.
        return web.json_response({"code": 0, "msg": "ok", "tenant_access_token": token,
                                  "expire": 7200})

    def _content(self, body: dict[str, Any]) -> dict[str, Any] | None:
        try:
            content = json.loads(body.get("content") or "")
        except (TypeError, ValueError):
            return None
        return content if isinstance(content, dict) else None

    def _store(self, chat_id: str, body: dict[str, Any], parent: str | None) -> web.Response:
        uuid = body.get("uuid")
        if uuid and uuid in self._uuids:  # Feishu sends one message per uuid within an hour
            return _answer(self._data(self.messages[self._uuids[uuid]]))
        content = self._content(body)
        if body.get("msg_type") not in MSG_TYPES or content is None:
            return _answer(code=230001, msg="Your request contains an invalid request parameter.",
                           status=400)
        message = Sent(f"om_{next(self._ids):06d}", chat_id, body["msg_type"], content, parent)
        self.messages[message.message_id] = message
        if uuid:
            self._uuids[uuid] = message.message_id
        return _answer(self._data(message))

    def _data(self, message: Sent) -> dict[str, Any]:
        return {"message_id": message.message_id, "root_id": message.parent_id or "",
                "parent_id": message.parent_id or "", "msg_type": message.msg_type,
                "chat_id": message.chat_id, "deleted": False, "updated": bool(message.patches),
                "sender": {"id": self.app_id, "id_type": "app_id", "sender_type": "app",
                           "tenant_key": self.tenant_key},
                "body": {"content": json.dumps(message.content, ensure_ascii=False)}}

    def _create(self, body: dict[str, Any], id_type: str | None) -> web.Response:
        if id_type not in ID_TYPES:
            return _answer(code=230001, msg="invalid receive_id_type", status=400)
        receive_id = str(body.get("receive_id") or "")
        if id_type == "chat_id":
            if receive_id not in self.chats:
                return _answer(code=230002, msg="Bot/User can NOT be out of the chat.", status=400)
            return self._store(receive_id, body, None)
        if id_type != "open_id" or not receive_id.startswith("ou_"):
            return _answer(code=230001, msg="invalid receive_id", status=400)
        return self._store(f"p2p:{receive_id}", body, None)

    def _reply(self, message_id: str, body: dict[str, Any]) -> web.Response:
        parent = self.messages.get(message_id)
        if parent is None:
            return _answer(code=230001, msg="invalid message_id", status=400)
        return self._store(parent.chat_id, body, message_id)

    def _patch(self, message_id: str, body: dict[str, Any]) -> web.Response:
        message = self.messages.get(message_id)
        content = self._content(body)
        if message is None or content is None:
            return _answer(code=230001, msg="invalid message_id or content", status=400)
        if message.msg_type != "interactive":
            return _answer(code=230001, msg="only cards can be updated", status=400)
        message.patches.append(content)
        message.content = content
        return _answer({})

    # -- events Feishu posts to the app -------------------------------------------------------------

    def _header(self, event_type: str) -> dict[str, Any]:
        return {"event_id": f"ev-{next(self._ids):06d}", "token": self.verification_token,
                "create_time": "1764700000000", "event_type": event_type,
                "tenant_key": self.tenant_key, "app_id": self.app_id}

    def incoming(self, message_id: str, chat_id: str, sender: str, text: str, *, group: bool,
                 mentions: list[tuple[str, str]] = (), bot: bool = True) -> dict[str, Any]:
        """im.message.receive_v1: `text` has `@_user_N` placeholders for `mentions`
        ((open_id, name)); with `bot`, the text starts with the app's own @ (@_user_0)."""
        listed = [{"key": f"@_user_{i + 1}", "id": {"open_id": open_id, "union_id": f"on_{open_id}",
                                                     "user_id": None},
                   "name": name, "tenant_key": self.tenant_key, "mentioned_type": "user"}
                  for i, (open_id, name) in enumerate(mentions)]
        if bot:
            listed.insert(0, {"key": "@_user_0", "id": {"open_id": "ou_app", "union_id": "",
                                                        "user_id": None},
                              "name": "工单机器人", "tenant_key": self.tenant_key,
                              "mentioned_type": "bot"})
            text = "@_user_0 " + text
        # Feishu knows what people wrote: the app may reply to it.
        self.messages[message_id] = Sent(message_id, chat_id, "text", {"text": text},
                                         sender=sender)
        return {"schema": "2.0", "header": self._header("im.message.receive_v1"), "event": {
            "sender": {"sender_id": {"open_id": sender, "union_id": f"on_{sender}", "user_id": None},
                       "sender_type": "user", "tenant_key": self.tenant_key},
            "message": {"message_id": message_id, "root_id": "", "parent_id": "",
                        "create_time": "1764700000000", "update_time": "1764700000000",
                        "chat_id": chat_id, "chat_type": "group" if group else "p2p",
                        "message_type": "text",
                        "content": json.dumps({"text": text}, ensure_ascii=False),
                        "mentions": listed}}}

    def click(self, operator: str, card: Sent, value: dict[str, Any]) -> dict[str, Any]:
        """card.action.trigger for a button of `card` with its `value`."""
        return {"schema": "2.0", "header": self._header("card.action.trigger"), "event": {
            "operator": {"tenant_key": self.tenant_key, "open_id": operator,
                         "union_id": f"on_{operator}"},
            "token": f"c-{next(self._ids):06d}", "host": "im_message",
            "action": {"tag": "button", "value": value},
            "context": {"open_message_id": card.message_id, "open_chat_id": card.chat_id}}}
