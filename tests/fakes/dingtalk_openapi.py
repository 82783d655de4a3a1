"""A local fake of DingTalk's new-style OpenAPI (``https://api.dingtalk.com/v1.0/...``) for the test suite.

``url`` is the endpoint root, as the dingtalk-stream SDK's ``DINGTALK_OPENAPI_ENDPOINT``; call it with
``httpx.AsyncClient(base_url=fake.url)``. Shapes, and where they come from:

* ``POST /v1.0/oauth2/accessToken`` ``{appKey, appSecret}`` -> ``{"accessToken", "expireIn"}``
  (dingtalk-stream-sdk-python ``stream.py`` ``get_access_token``; DingTalk doc "获取企业内部应用的
  accessToken"). Wrong credentials: HTTP 400 ``{"code": "invalidClientIdOrSecret", "message":
  "无效的clientId或者clientSecret"}`` (error table of the oauth2 accessToken doc pages). No body: HTTP 400
  ``Missingbody`` / "body is mandatory for this action." (aliyun/alibabacloud-php-sdk#36). A token is
  32 hex characters; asking again while it is valid returns the same token with a renewed lifetime
  (the doc's "有效期内重复获取会返回相同结果并自动续期"); ``token_ttl`` (default 7200 s) is the lifetime.
* Every other call carries ``x-acs-dingtalk-access-token``. A missing, unknown or expired token answers
  HTTP 400 ``{"code": "InvalidAuthentication", "requestid": "...", "message": "不合法的access_token"}``
  (the real body quoted in satorijs/satori#240; "code: 400, 不合法的access_token" in
  alibabacloud-sdk-php/dingtalk#1, apache/ozhera#74). dingtalk-stream resets its token on 401, so the
  status is ``auth_error_status`` (set 401 to test that path).
* ``POST /v1.0/robot/groupMessages/send`` ``{robotCode, openConversationId, msgKey, msgParam}`` ->
  ``{"processQueryKey"}``; ``POST /v1.0/robot/oToMessages/batchSend`` ``{robotCode, userIds (<= 20),
  msgKey, msgParam}`` -> ``{"processQueryKey", "invalidStaffIdList", "flowControlledStaffIdList"}``
  (response structs ``OrgGroupSendResponseBody`` / ``BatchSendOTOResponseBody`` of alibabacloud-go/dingtalk
  ``robot_1_0``; request examples of help.dingtalk.io "the-robot-sends-a-group-message" and
  "chatbots-send-one-on-one-chat-messages-in-batches"). ``msgParam`` is a JSON *string* (<= 15000 bytes).
  Parameter errors are HTTP 400 with the codes of those pages' error tables
  (``invalidParameter.robotCode.empty``, ``invalidParameter.robotCode.auth``,
  ``invalidParameter.msgKey.empty|invalid``, ``invalidParameter.msgParam.invalid``,
  ``invalidParameter.userIds.empty|overMax``, ``openConversationId.notExisted``,
  ``invalid.openConversationId``).
* ``POST /v1.0/card/instances/createAndDeliver`` -> ``{"success": true, "result": {"outTrackId",
  "deliverResults": [{"spaceType", "spaceId", "success", "carrierId"}]}}`` and ``PUT /v1.0/card/instances``
  -> ``{"success": true, "result": true}`` (``CreateAndDeliverResponseBody`` / ``UpdateCardResponseBody``
  of alibabacloud-go/dingtalk ``card_1_0``: the update's ``result`` is a boolean, not an object).
  ``openSpaceId`` is ``dtv1.card//IM_GROUP.<openConversationId>`` (a group, with
  ``imGroupOpenDeliverModel: {robotCode}``) or ``dtv1.card//IM_ROBOT.<userId>`` (the robot's 1:1 chat
  with that person, with ``imRobotOpenDeliverModel: {spaceType: "IM_ROBOT", robotCode}``); a missing
  deliver model is refused. ``user_cards`` / ``group_cards`` tell the two apart.
* Errors of the new API are ``{"code": "...", "requestid": "...", "message": "..."}`` with headers
  ``x-acs-request-id`` / ``x-acs-trace-id`` (as quoted in the issues above).

Throttling (``fail_next(path, code=...)``; a known code brings its own HTTP status unless ``status`` is
set to something other than the default 500):

* ``Forbidden.AccessDenied.QpsLimitForAppkeyAndApi`` — one app calling one API faster than its QPS quota
  (20/s on the standard edition); ``Forbidden.AccessDenied.QpsLimitForApi`` — all of DingTalk calling one
  API too fast. Codes from DingTalk's "调用频次与限流" page
  (open.dingtalk.com/document/development/how-to-process-api-throttling-on-the-dingtalk-server: old API
  90018 / 90002, new API these codes, "sleep 1 second and go on"); HTTP **403** as DingTalk answers
  them (DingTalk-Real-AI/dingtalk-openclaw-connector#410, #444: "status code 403 … QPS 限流"). The
  ``message`` text is not documented; match on ``code``.
* ``send.too.fast`` — the robot-send APIs' own flow control, HTTP 400 (as reported by clients of
  ``groupMessages/send``; not in DingTalk's published tables, so its message is a stand-in). Per-user
  flow control on batchSend is not an error: those ids come back in ``flowControlledStaffIdList``
  (``flow_controlled_user_ids``).
* ``130101`` — "send too fast, exceed 20 times per minute": the *legacy* custom-robot webhook
  (``oapi.dingtalk.com/robot/send``, 20 messages a minute, then 10 minutes' ban) answers it as
  HTTP 200 ``{"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}``; the fake
  answers exactly that (also 90018 / 90002 in the legacy ``errcode`` shape).
* Any other ``code`` answers ``{"code": code, "requestid", "message": code}`` with ``status``. Without a
  code, a 5xx answers ``ServiceUnavailable`` (503), or on the card paths ``system.busy`` (the 500 of
  the card pages' error tables), or ``InternalError`` (other). ``down`` answers every request HTTP 503
  ``ServiceUnavailable`` (the connection stays open, nothing is closed). ``status=200`` without a code
  answers normally, after ``delay`` (the call is processed first, as a server whose reply is lost to a
  client timeout). ``fail_next_calls(n)`` answers the next ``n`` calls, whatever their path, with 500
  (nothing is processed).

Cards, by their ``outTrackId`` (error tables of DingTalk's "更新卡片" page,
open.dingtalk.com/document/development/interactive-card-update-interface, and "创建并投放卡片",
…/create-and-deliver-cards): updating a card that was never created answers HTTP 400
``{"code": "param.cardNotExist", "message": "param.cardNotExist"}`` (卡片不存在); creating one under an
``outTrackId`` already used answers HTTP 400 ``param.cardAlreadyExist`` (卡片已经存在).

Not verified against the platform (plausible stand-ins, documented as such): the ``message`` texts of
the QPS codes, ``send.too.fast`` and legacy 90018 / 90002; the bodies of ``ServiceUnavailable`` /
``InternalError``; 404 ``InvalidAction.NotFound`` for an unknown path; 400 ``invalidParameter`` for a
card without ``cardTemplateId`` / ``outTrackId``; ``invalidParameter.msgParam.tooLong``'s message.

Media (DingTalk "上传媒体文件", open.dingtalk.com/document/orgapp/upload-media-files, as the SDKs call it):
``POST /media/upload?access_token=TOKEN&type=image|file|voice|video`` on the *legacy* host
(``oapi.dingtalk.com``; here the same server), a multipart form whose file part is ``media``. It answers
HTTP 200 ``{"errcode": 0, "errmsg": "ok", "media_id": "@…", "created_at": ms, "type"}``; errors are HTTP
200 with a non-zero ``errcode`` (40014 不合法的access_token; the token of /v1.0/oauth2/accessToken is
accepted, as for internal apps). Images must be jpg/gif/png/bmp and files doc/docx/xls/xlsx/ppt/pptx/
pdf/zip/rar/csv… up to 20 MB (a wrong type answers errcode 40005, "不合法的文件类型"; the csv entry and
that message are stand-ins). A robot message ``sampleImageMsg`` ``{"photoURL"}`` (a URL, or a media id)
and ``sampleFile`` ``{"mediaId", "fileName", "fileType"}`` must name an uploaded media id of the right
type, else HTTP 400 ``invalidParameter.msgParam.invalid`` (the stricter choice; not verified).
``media`` holds ``{media_id: {type, filename, data}}``.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import secrets
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes._server import Call, Failure, FakeServer

ACCESS_TOKEN_PATH = "/v1.0/oauth2/accessToken"
GROUP_SEND_PATH = "/v1.0/robot/groupMessages/send"
BATCH_SEND_PATH = "/v1.0/robot/oToMessages/batchSend"
CARD_CREATE_AND_DELIVER_PATH = "/v1.0/card/instances/createAndDeliver"
CARD_UPDATE_PATH = "/v1.0/card/instances"
#: the card pages' codes for an unknown outTrackId (update) and a used one (create)
CARD_NOT_FOUND = "param.cardNotExist"
CARD_ALREADY_EXISTS = "param.cardAlreadyExist"

#: new-API error codes the fake knows: code -> (HTTP status, message); the QPS / send.too.fast
#: messages are stand-ins
KNOWN_ERRORS: dict[str, tuple[int, str]] = {
    "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi": (403, "调用接口触发了应用维度的QPS限流"),
    "Forbidden.AccessDenied.QpsLimitForApi": (403, "调用接口触发了接口全局维度的QPS限流"),
    "send.too.fast": (400, "发送频率过快"),
    "InvalidAuthentication": (400, "不合法的access_token"),
    "invalidClientIdOrSecret": (400, "无效的clientId或者clientSecret"),
    "ServiceUnavailable": (503, "The request has failed due to a temporary failure of the server."),
}
#: legacy (oapi.dingtalk.com) errcodes, answered HTTP 200 {"errcode", "errmsg"}; 130101's text is the real one
LEGACY_ERRCODES: dict[str, str] = {
    "130101": "send too fast, exceed 20 times per minute",
    "90018": "当前应用调用该接口的频率过高",
    "90002": "当前接口调用的频率过高",
}
#: msgKey values of "企业机器人发送消息的消息类型"
MSG_KEYS = frozenset({"sampleText", "sampleMarkdown", "sampleImageMsg", "sampleLink", "sampleActionCard",
                      "sampleActionCard2", "sampleActionCard3", "sampleActionCard4", "sampleActionCard5",
                      "sampleActionCard6", "sampleAudio", "sampleFile", "sampleVideo"})
MSG_PARAM_MAX_BYTES = 15000
MEDIA_UPLOAD_PATH = "/media/upload"
MEDIA_MAX_BYTES = 20 * 1024 * 1024
MEDIA_TYPES = {"image": {"jpg", "jpeg", "gif", "png", "bmp"},
               "file": {"doc", "docx", "xls", "xlsx", "ppt", "pptx", "pdf", "zip", "rar", "csv"},
               "voice": {"amr", "mp3", "wav"}, "video": {"mp4"}}
BATCH_MAX_USERS = 20


@dataclass
class _Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, code: str, message: str) -> _Reply:
    return _Reply(status, {"code": code, "requestid": str(uuid.uuid4()).upper(), "message": message})


class FakeDingTalk(FakeServer):
    """Fake DingTalk OpenAPI; ``url`` is ``http://127.0.0.1:PORT``; every request is recorded in ``calls``."""

    def __init__(self, app_key: str = "dingfakeappkey0001", app_secret: str = "fake-app-secret-0001", *,
                 token_ttl: int = 7200, robot_code: str | None = None) -> None:
        super().__init__()
        self.app_key = app_key
        self.app_secret = app_secret
        self.token_ttl = token_ttl
        #: the robotCode sends must carry (an internal app's robot code is its appKey)
        self.robot_code = robot_code or app_key
        #: HTTP status for a missing/unknown/expired token (400 as DingTalk answers; 401 to test resets)
        self.auth_error_status = 400
        #: if set, group sends to any other openConversationId fail with invalid.openConversationId
        self.known_conversations: set[str] | None = None
        #: batchSend: ids answered in invalidStaffIdList / flowControlledStaffIdList (not delivered)
        self.invalid_user_ids: set[str] = set()
        self.flow_controlled_user_ids: set[str] = set()
        #: interactive cards by outTrackId: the createAndDeliver body plus "updates" (PUT bodies)
        self.cards: dict[str, dict[str, Any]] = {}
        self._tokens: dict[str, float] = {}
        self._clock_offset = 0.0
        self._groups: dict[str, list[dict[str, Any]]] = {}
        self._users: dict[str, list[dict[str, Any]]] = {}
        self._seq = itertools.count(1)
        self._any_failures: deque[Failure] = deque()
        #: uploaded media by media_id (see the module docstring)
        self.media: dict[str, dict[str, Any]] = {}

    # -- public helpers ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def calls_to(self, path: str) -> list[Call]:
        return [call for call in self.calls if call.method == path]

    def fail_next(self, path: str, *, status: int = 500, count: int = 1, code: str | None = None,
                  delay: float = 0.0) -> None:
        """Script the next ``count`` calls of ``path`` (see the module docstring for ``code``)."""
        self._queue_failure(path, Failure(status=status, error=code, delay=delay), count)

    def fail_next_calls(self, count: int = 1, *, status: int = 500) -> None:
        """Answer the next ``count`` OpenAPI calls, of any path, with ``status`` (nothing is processed;
        the Stream gateway's paths are not affected)."""
        self._any_failures.extend(Failure(status=status) for _ in range(count))

    def group_messages(self, open_conversation_id: str) -> list[dict[str, Any]]:
        """Messages delivered to a group, oldest first.

        Each is ``{msgKey, msgParam (dict), robotCode, processQueryKey}``.
        """
        return [dict(message) for message in self._groups.get(open_conversation_id, [])]

    def card_spaces(self, out_track_id: str) -> list[tuple[str, str]]:
        """Where a card was delivered: (``IM_GROUP``, openConversationId) or (``IM_ROBOT``, userId)."""
        open_space_id = str(self.cards[out_track_id].get("openSpaceId") or "")
        return [(kind, space) for part in open_space_id.removeprefix("dtv1.card//").split(";")
                for kind, _, space in [part.partition(".")]]

    def user_cards(self, user_id: str) -> list[dict[str, Any]]:
        """Cards delivered into the robot's 1:1 chat with a user (IM_ROBOT), with their updates."""
        return [card for track, card in self.cards.items()
                if ("IM_ROBOT", user_id) in self.card_spaces(track)]

    def group_cards(self) -> list[dict[str, Any]]:
        """Cards delivered to any group (IM_GROUP), with their updates."""
        return [card for track, card in self.cards.items()
                if any(kind == "IM_GROUP" for kind, _ in self.card_spaces(track))]

    def user_messages(self, user_id: str) -> list[dict[str, Any]]:
        """Robot one-on-one messages delivered to a user, oldest first (same keys as ``group_messages``)."""
        return [dict(message) for message in self._users.get(user_id, [])]

    def now(self) -> float:
        """The fake's clock (monotonic seconds, moved on by ``advance``)."""
        return time.monotonic() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward, e.g. past ``token_ttl`` to expire tokens without sleeping."""
        self._clock_offset += seconds

    def expire_tokens(self) -> None:
        """Expire every access token issued so far."""
        now = self.now()
        self._tokens = {token: min(expiry, now) for token, expiry in self._tokens.items()}

    def issue_token(self) -> str:
        """Mint (or renew) an access token, as a successful accessToken call would."""
        now = self.now()
        token = next((t for t, expiry in self._tokens.items() if expiry > now), None) or secrets.token_hex(16)
        self._tokens[token] = now + self.token_ttl
        return token

    def token_valid(self, token: str | None) -> bool:
        return token is not None and self._tokens.get(token, float("-inf")) > self.now()

    # -- request handling --------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path == MEDIA_UPLOAD_PATH:
            return await self._media_upload(request)
        raw = await request.read() if request.can_read_body else b""
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        args = _record_args(body, raw)

        failure = None if self.down else (
            self._any_failures.popleft() if self._any_failures else self._take_failure(path))
        if self.down:
            reply = _error(503, "ServiceUnavailable", KNOWN_ERRORS["ServiceUnavailable"][1])
        elif failure is not None and not (failure.status == 200 and failure.error is None):
            reply = _scripted(failure, path)
        else:
            reply = self._answer(request, path, body)
        self._record(path, args, request, reply.status)
        if failure is not None:
            await self._sleep(failure.delay)
        request_id = reply.body.get("requestid") or str(uuid.uuid4()).upper()
        headers = {"x-acs-request-id": request_id, "x-acs-trace-id": uuid.uuid4().hex, **reply.headers}
        return web.json_response(reply.body, status=reply.status, headers=headers)

    async def _media_upload(self, request: web.Request) -> web.StreamResponse:
        media_type = request.query.get("type", "")
        part = None
        if request.content_type == "multipart/form-data":
            form = await request.post()
            media = form.get("media")
            part = media if media is not None and not isinstance(media, str) else None
        data = part.file.read() if part is not None else b""
        filename = part.filename if part is not None else ""
        failure = self._take_failure(MEDIA_UPLOAD_PATH)
        extension = filename.rpartition(".")[2].lower()
        if failure is not None and not (failure.status == 200 and failure.error is None):
            reply = _scripted(failure, MEDIA_UPLOAD_PATH)
        elif not self.token_valid(request.query.get("access_token")):
            reply = _Reply(200, {"errcode": 40014, "errmsg": "不合法的access_token"})
        elif part is None or not data:
            reply = _Reply(200, {"errcode": 41001, "errmsg": "缺少media参数"})
        elif media_type not in MEDIA_TYPES or extension not in MEDIA_TYPES[media_type]:
            reply = _Reply(200, {"errcode": 40005, "errmsg": "不合法的文件类型"})
        elif len(data) > MEDIA_MAX_BYTES:
            reply = _Reply(200, {"errcode": 40006, "errmsg": "不合法的文件大小"})
        else:
            media_id = f"@lAfake{next(self._seq):06d}{secrets.token_hex(6)}"
            self.media[media_id] = {"type": media_type, "filename": filename, "data": data}
            reply = _Reply(200, {"errcode": 0, "errmsg": "ok", "media_id": media_id,
                                 "created_at": int(time.time() * 1000), "type": media_type})
        self._record(MEDIA_UPLOAD_PATH, {"type": media_type, "filename": filename, "length": len(data)},
                     request, reply.status)
        return web.json_response(reply.body, status=reply.status)

    def _media_problem(self, msg_key: str, param: dict[str, Any]) -> _Reply | None:
        """An image or file message must name media uploaded as that type."""
        wanted = {"sampleImageMsg": ("photoURL", "image"), "sampleFile": ("mediaId", "file")}.get(msg_key)
        if wanted is None:
            return None
        field_name, media_type = wanted
        value = str(param.get(field_name) or "")
        if msg_key == "sampleImageMsg" and value.startswith(("http://", "https://")):
            return None
        media = self.media.get(value)
        if media is None or media["type"] != media_type or (
                msg_key == "sampleFile" and not param.get("fileName")):
            return _error(400, "invalidParameter.msgParam.invalid", f"invalid {field_name}")
        return None

    def _answer(self, request: web.Request, path: str, body: Any) -> _Reply:
        handler = _ROUTES.get((request.method, path))
        if handler is None:
            return _error(404, "InvalidAction.NotFound", "Specified api is not found, please check your url "
                                                         "and method.")
        if not isinstance(body, dict):
            return _error(400, "Missingbody", "body is mandatory for this action.")
        if path != ACCESS_TOKEN_PATH:
            token = request.headers.get("x-acs-dingtalk-access-token")
            if not self.token_valid(token):
                return _error(self.auth_error_status, "InvalidAuthentication", "不合法的access_token")
        return handler(self, body)

    # -- endpoints ---------------------------------------------------------------------------------

    def _access_token(self, body: dict[str, Any]) -> _Reply:
        if body.get("appKey") != self.app_key or body.get("appSecret") != self.app_secret:
            return _error(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
        return _Reply(200, {"accessToken": self.issue_token(), "expireIn": self.token_ttl})

    def _check_message(self, body: dict[str, Any]) -> tuple[_Reply | None, dict[str, Any] | None]:
        if not body.get("robotCode"):
            return _error(400, "invalidParameter.robotCode.empty", "The bot robotCode is empty."), None
        if body["robotCode"] != self.robot_code:
            return _error(400, "invalidParameter.robotCode.auth",
                          "This app’s appkey does not match the bot’s robotCode. "
                          "Use the appkey of the bot’s app."), None
        if not body.get("msgKey"):
            return _error(400, "invalidParameter.msgKey.empty", "The msgKey is missing."), None
        if body["msgKey"] not in MSG_KEYS:
            return _error(400, "invalidParameter.msgKey.invalid", "The msgKey is invalid."), None
        raw_param = body.get("msgParam")
        not_json = _error(400, "invalidParameter.msgParam.invalid", "The msgParam must be in JSON format.")
        if not isinstance(raw_param, str):
            return not_json, None
        if len(raw_param.encode()) > MSG_PARAM_MAX_BYTES:
            return _error(400, "invalidParameter.msgParam.tooLong", "The msgParam is too long."), None
        try:
            param = json.loads(raw_param)
        except ValueError:
            param = None
        if not isinstance(param, dict):
            return not_json, None
        media_problem = self._media_problem(body["msgKey"], param)
        if media_problem is not None:
            return media_problem, None
        return None, param

    def _process_query_key(self) -> str:
        return base64.b64encode(f"fake-pqk-{next(self._seq):08d}-{secrets.token_hex(8)}".encode()).decode()

    def _group_send(self, body: dict[str, Any]) -> _Reply:
        problem, param = self._check_message(body)
        if problem is not None:
            return problem
        conversation = body.get("openConversationId")
        if not conversation:
            return _error(400, "openConversationId.notExisted", "openConversationId不能和token同时为空")
        if self.known_conversations is not None and conversation not in self.known_conversations:
            return _error(400, "invalid.openConversationId", "无效的openConversationId")
        key = self._process_query_key()
        self._groups.setdefault(conversation, []).append(
            {"msgKey": body["msgKey"], "msgParam": param, "robotCode": body["robotCode"],
             "processQueryKey": key})
        return _Reply(200, {"processQueryKey": key})

    def _batch_send(self, body: dict[str, Any]) -> _Reply:
        problem, param = self._check_message(body)
        if problem is not None:
            return problem
        user_ids = body.get("userIds")
        if not isinstance(user_ids, list) or not user_ids:
            return _error(400, "invalidParameter.userIds.empty", "The user userId list is empty.")
        if len(user_ids) > BATCH_MAX_USERS:
            return _error(400, "invalidParameter.userIds.overMax",
                          "The user userId list exceeds the maximum limit.")
        key = self._process_query_key()
        invalid = [uid for uid in user_ids if uid in self.invalid_user_ids]
        flow_controlled = [uid for uid in user_ids
                           if uid in self.flow_controlled_user_ids and uid not in invalid]
        for uid in user_ids:
            if uid not in invalid and uid not in flow_controlled:
                self._users.setdefault(uid, []).append(
                    {"msgKey": body["msgKey"], "msgParam": param, "robotCode": body["robotCode"],
                     "processQueryKey": key})
        return _Reply(200, {"processQueryKey": key, "invalidStaffIdList": invalid,
                            "flowControlledStaffIdList": flow_controlled})

    def _create_and_deliver(self, body: dict[str, Any]) -> _Reply:
        out_track_id = body.get("outTrackId")
        if not body.get("cardTemplateId") or not out_track_id:
            return _error(400, "invalidParameter", "cardTemplateId and outTrackId are required.")
        open_space_id = str(body.get("openSpaceId") or "")
        spaces = []
        if open_space_id.startswith("dtv1.card//"):
            for part in open_space_id.removeprefix("dtv1.card//").split(";"):
                space_type, _, space_id = part.partition(".")
                if space_type and space_id:
                    spaces.append((space_type, space_id))
        if not spaces:
            return _error(400, "param.openSpaceIdInvalid", "param.openSpaceIdInvalid")
        problem = _deliver_model_problem(body, {space_type for space_type, _ in spaces})
        if problem is not None:
            return problem
        if out_track_id in self.cards:
            return _error(400, CARD_ALREADY_EXISTS, CARD_ALREADY_EXISTS)
        self.cards[out_track_id] = {**body, "updates": []}
        # A 1:1 card to a staffId the robot cannot reach is not delivered (that space fails).
        results = [{"spaceType": space_type, "spaceId": space_id,
                    "success": not (space_type == "IM_ROBOT" and space_id in self.invalid_user_ids),
                    "carrierId": f"fake-carrier-{next(self._seq):08d}"} for space_type, space_id in spaces]
        result = {"outTrackId": out_track_id, "deliverResults": results}
        return _Reply(200, {"success": True, "result": result})

    def _update_card(self, body: dict[str, Any]) -> _Reply:
        card = self.cards.get(str(body.get("outTrackId")))
        if card is None:
            return _error(400, CARD_NOT_FOUND, CARD_NOT_FOUND)
        card["updates"].append(body)
        new_params = (body.get("cardData") or {}).get("cardParamMap")
        if isinstance(new_params, dict):
            by_key = bool((body.get("cardUpdateOptions") or {}).get("updateCardDataByKey"))
            old_params = (card.get("cardData") or {}).get("cardParamMap") or {}
            card["cardData"] = {**(card.get("cardData") or {}),
                                "cardParamMap": {**old_params, **new_params} if by_key else dict(new_params)}
        return _Reply(200, {"success": True, "result": True})


_ROUTES = {
    ("POST", ACCESS_TOKEN_PATH): FakeDingTalk._access_token,
    ("POST", GROUP_SEND_PATH): FakeDingTalk._group_send,
    ("POST", BATCH_SEND_PATH): FakeDingTalk._batch_send,
    ("POST", CARD_CREATE_AND_DELIVER_PATH): FakeDingTalk._create_and_deliver,
    ("PUT", CARD_UPDATE_PATH): FakeDingTalk._update_card,
}


def _deliver_model_problem(body: dict[str, Any], space_types: set[str]) -> _Reply | None:
    """Each space needs its deliver model ("投放参数"): a group card ``imGroupOpenDeliverModel``
    with the ``robotCode``; a card in the robot's 1:1 chat ``imRobotOpenDeliverModel`` with
    ``spaceType: IM_ROBOT`` and the ``robotCode`` (``CreateAndDeliverRequest`` of alibabacloud
    dingtalk ``card_1_0``; DingTalk's "创建并投放卡片" page). The error code is a stand-in."""
    group = body.get("imGroupOpenDeliverModel") or {}
    robot = body.get("imRobotOpenDeliverModel") or {}
    if "IM_GROUP" in space_types and not group.get("robotCode"):
        return _error(400, "invalidParameter", "imGroupOpenDeliverModel.robotCode is required.")
    if "IM_ROBOT" in space_types and (robot.get("spaceType") != "IM_ROBOT" or not robot.get("robotCode")):
        return _error(400, "invalidParameter",
                      "imRobotOpenDeliverModel with spaceType IM_ROBOT and robotCode is required.")
    return None


def _scripted(failure: Failure, path: str) -> _Reply:
    code = failure.error
    if code is None:
        if failure.status == 503:
            return _error(503, "ServiceUnavailable", KNOWN_ERRORS["ServiceUnavailable"][1])
        if failure.status == 500 and path.startswith(CARD_UPDATE_PATH):
            return _error(500, "system.busy", "system.busy")
        return _error(failure.status, "InternalError", "The request processing has failed due to some "
                                                       "unknown error.")
    if code in LEGACY_ERRCODES:
        status = 200 if failure.status == 500 else failure.status
        return _Reply(status, {"errcode": int(code), "errmsg": LEGACY_ERRCODES[code]})
    known_status, message = KNOWN_ERRORS.get(code, (failure.status, code))
    return _error(known_status if failure.status == 500 else failure.status, code, message)


def _record_args(body: Any, raw: bytes) -> dict[str, Any]:
    """The JSON body as recorded in ``Call.args``, with ``msgParam`` decoded to a dict when it is JSON."""
    if not isinstance(body, dict):
        return {"_raw": raw.decode(errors="replace")} if raw else {}
    args = dict(body)
    if isinstance(args.get("msgParam"), str):
        with contextlib.suppress(ValueError):
            args["msgParam"] = json.loads(args["msgParam"])
    return args
