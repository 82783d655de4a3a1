"""A local fake of the Slack Web API (``https://slack.com/api/<method>``) for the test suite.

Point the real client at it: ``AsyncWebClient(token=fake.token, base_url=fake.url)``.

Shapes follow Slack's own documentation and SDK sources:

* Calling convention (docs.slack.dev/apis/web-api): ``POST /api/<method>``, arguments as query string,
  ``application/x-www-form-urlencoded`` / multipart form or a JSON body; the token in
  ``Authorization: Bearer xoxb-…`` (or a ``token`` argument). Errors are HTTP 200 with
  ``{"ok": false, "error": "<code>"}``: ``not_authed`` (no token), ``invalid_auth`` (wrong token),
  ``unknown_method`` with ``req_method`` (as Slack answers an unknown method, e.g. ``auth.findUser``),
  ``invalid_json``. ``blocks`` / ``attachments`` / ``view`` are "a JSON-based array … presented as a
  URL-encoded string" in form posts, so they are JSON-decoded when they arrive as strings.
* Rate limits (docs.slack.dev/apis/web-api/rate-limits): "HTTP 429 Too Many Requests" with a
  ``Retry-After`` header holding the number of seconds to wait, body ``{"ok": false, "error":
  "ratelimited"}`` (the body slack_sdk's RTM/socket-mode clients test for). chat.postMessage "generally
  allows posting one message per second per channel": ``per_channel_rate`` models that limit.
* Success bodies are the documented "typical success response" examples of each method page:
  chat.postMessage (``ok, channel, ts, message{type, text, user, bot_id, app_id, team, ts, blocks…}``),
  chat.update (``ok, channel, ts, text, message``), chat.postEphemeral (``ok, message_ts``),
  conversations.open (``ok, channel{id}``; ``no_op``/``already_open`` when it was open;
  the full IM object with ``return_im``), views.open / views.publish / views.update
  (``ok, view{id, team_id, type, blocks, private_metadata, callback_id, state{values}, hash,
  clear_on_close, notify_on_close, root_view_id, previous_view_id, app_id, external_id, bot_id…}``),
  users.info (``ok, user{id, team_id, name, deleted, real_name, tz, profile{real_name, display_name,
  …}, is_bot, …}``, and ``locale`` only with ``include_locale``) and auth.test for a bot token
  (``ok, url, team, user, team_id, user_id, bot_id``).

Reading messages (docs.slack.dev/reference/methods/conversations.history, conversations.replies):
``conversations.history`` returns top-level messages and thread parents only, newest first, never
thread replies; ``latest``/``oldest``/``inclusive`` bound the range, ``limit`` (default 100) and the
``response_metadata.next_cursor`` page through it (``has_more``). ``conversations.replies`` needs
``channel`` and ``ts`` (a thread's parent or a message in it): the parent first, then its replies,
oldest first; ``limit`` defaults to 1000; ``thread_not_found`` for a ts that names no message. A
parent carries ``thread_ts``, ``reply_count``, ``reply_users_count``, ``latest_reply`` and
``reply_users``; replies carry ``thread_ts`` and ``parent_user_id``. (Slack's page for replies says
bot tokens lack permission for it in channels; bot tokens with ``channels:history`` are answered in
practice, which is what the fake does unless ``bot_replies_in_channels`` is False, when it answers
``not_allowed_token_type``.)

Channel membership: the bot starts as a member of every channel (as if invited) except those given
to ``outside()``. Outside a channel, reading it (history, replies) answers ``not_in_channel``;
chat.postMessage still posts to a public channel when the token has ``chat:write.public`` (it
"posts to channels the app isn't a member of"), else ``not_in_channel``; chat.postEphemeral
answers ``not_in_channel``. ``conversations.join``
(scope ``channels:join``) joins a public channel, warns ``already_in_channel`` when already in it,
answers ``method_not_supported_for_channel_type`` for private channels and ``missing_scope`` (with
``needed``/``provided``) without the scope. ``scopes`` holds the token's scopes.

Blocks: a ``block_id`` repeated within one message or view is refused (``invalid_blocks`` for chat
methods, ``invalid_arguments`` for views), as Slack requires block ids unique per message/view.

Response URLs: a POST to ``/commands/…``, ``/actions/…`` or ``/app/…`` (where the tests point
``response_url``) is recorded in ``responses`` (its JSON body) and answered ``ok``, as Slack's
webhooks answer.

``delay``: every answer (Web API and response URLs) waits this many seconds after the request was
recorded, as a slow Slack would.

Failures the real platform cannot be told to produce: ``fail_next`` scripts the next answers of one
method; ``down`` makes every request answer HTTP 503 with an HTML page (the connection stays open).
Scripted non-200/429 statuses without ``error`` answer the same kind of HTML page, as a proxy or load
balancer would (not verified against Slack's own 5xx bodies); slack_sdk then raises SlackApiError whose
``response.status_code`` is the status and whose ``data`` is empty. With ``error`` they carry
``{"ok": false, "error": error}``. ``ratelimited`` counts every 429 answered (scripted or
``per_channel_rate``).

File uploads (docs.slack.dev/messaging/working-with-files, reference/methods/files.getUploadURLExternal and
files.completeUploadExternal; slack_sdk's ``files_upload_v2``): ``files.getUploadURLExternal`` needs
``filename`` and ``length`` (bytes) and answers ``{ok, upload_url, file_id}``; the bytes are then POSTed to
``upload_url`` (raw body or a multipart form, as the docs allow), answered ``200 "OK - <length>"``;
``files.completeUploadExternal`` takes ``files`` (a JSON array of ``{id, title}``), and ``channel_id`` (or
``channels``) with an optional ``thread_ts`` and ``initial_comment``; it shares the files as one message in
the channel or thread and answers ``{ok, files: [{id, title, name, mimetype, size, …}]}``. Without a
channel the file stays private (shared nowhere). Not verified against the platform: the error for a
file whose bytes never arrived or whose size differs from ``length`` (the fake answers
``file_not_found`` / ``invalid_arguments``), and the upload URL's answer on a second POST (refused
here, 400). ``uploads`` holds ``{file_id: {filename, length, data, title, channel, thread_ts}}``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes._server import Call, Failure, FakeServer

_DECODED_ARGS = ("blocks", "attachments", "view")
_BASE_TS_MICROS = 1_712_345_678_000_000  # "1712345678.000100" and on, like the docs' examples


@dataclass
class _Reply:
    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    html: str | None = None


class _InvalidJson(Exception):
    pass


def _html_error(status: int) -> _Reply:
    reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
              504: "Gateway Timeout"}.get(status, "Error")
    return _Reply(status, html=f"<html><head><title>{status} {reason}</title></head>"
                               f"<body><h1>{status} {reason}</h1></body></html>")


class FakeSlack(FakeServer):
    """Fake Slack Web API. ``url`` ends in ``/api/``; every request is recorded in ``calls``."""

    team_id = "T0FAKE0001"
    team_name = "Fake Workspace"
    bot_user_id = "U0FAKEBOT1"
    bot_user_name = "ticketbot"
    bot_id = "B0FAKEBOT1"
    app_id = "A0FAKEAPP1"

    def __init__(self, token: str = "xoxb-fake-0000-token", *, per_channel_rate: float | None = None) -> None:
        super().__init__()
        self.token = token
        self.per_channel_rate = per_channel_rate
        self.ratelimited = 0
        #: users.info directory: user id -> partial user object (see ``add_user``)
        self.users: dict[str, dict[str, Any]] = {}
        #: when True, users.info answers ``user_not_found`` for ids missing from ``users``
        self.strict_users = False
        #: views by id, as last opened/published/updated
        self.views: dict[str, dict[str, Any]] = {}
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._ephemeral: dict[str, list[dict[str, Any]]] = {}
        self._open_ims: set[str] = set()
        self._last_post: dict[str, float] = {}
        self._ts_seq = itertools.count(1)
        self._view_seq = itertools.count(1)
        #: the bot token's scopes (conversations.join and chat:write.public consult them)
        self.scopes: set[str] = set(DEFAULT_SCOPES)
        #: channels the bot is not a member of, and whether each is private
        self._outside: dict[str, bool] = {}
        #: seconds every answer waits (see the module docstring)
        self.delay = 0.0
        #: False: conversations.replies refuses bot tokens in channels, as its docs page says
        self.bot_replies_in_channels = True
        #: JSON bodies posted to response URLs, oldest first
        self.responses: list[dict[str, Any]] = []
        #: external uploads by file id (see the module docstring)
        self.uploads: dict[str, dict[str, Any]] = {}
        self._file_seq = itertools.count(1)

    # -- public helpers ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def fail_next(self, method: str, *, status: int = 500, count: int = 1, retry_after: int | None = None,
                  error: str | None = None, delay: float = 0.0, disconnect: bool = False) -> None:
        """Script the next ``count`` calls of ``method``.

        ``status=429`` answers ``Retry-After: retry_after`` (default 1) and ``{"ok": false, "error":
        "ratelimited"}``; ``status=200, error=X`` answers ``{"ok": false, "error": X}``; other statuses
        answer an HTML error page, or ``{"ok": false, "error": X}`` when ``error`` is given.
        ``status=200`` without ``error`` answers normally. ``delay`` seconds pass before the answer
        (the call is processed first, like a server whose reply is lost to a client timeout).
        ``disconnect=True`` closes the connection without answering, before processing the call
        (the client sees the server disconnect).
        """
        self._queue_failure(method, Failure(status=status, retry_after=retry_after, error=error,
                                            delay=delay, extra={"disconnect": disconnect}), count)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages successfully posted to ``channel``, oldest first, as currently shown (after updates)."""
        return [dict(message) for message in self._messages.get(channel, [])]

    def ephemeral_messages(self, channel: str) -> list[dict[str, Any]]:
        """chat.postEphemeral messages to ``channel`` (each with its ``user``), oldest first."""
        return [dict(message) for message in self._ephemeral.get(channel, [])]

    def add_user(self, user_id: str, *, real_name: str, display_name: str | None = None,
                 email: str | None = None, tz: str = "UTC", is_bot: bool = False, deleted: bool = False,
                 **extra: Any) -> None:
        """Put a person in the users.info directory."""
        self.users[user_id] = {"real_name": real_name, "display_name": display_name or "", "email": email,
                               "tz": tz, "is_bot": is_bot, "deleted": deleted, **extra}

    def outside(self, channel: str, *, private: bool | None = None) -> None:
        """The bot is not (or no longer) a member of ``channel``; G… channels are private unless told."""
        self._outside[channel] = channel.startswith("G") if private is None else private

    def is_member(self, channel: str) -> bool:
        return channel not in self._outside

    def post_reply(self, channel: str, thread_ts: str, text: str, *, user: str) -> str:
        """A person's reply in a thread (as if typed in Slack); returns its ts."""
        ts = self._next_ts()
        self._messages.setdefault(channel, []).append(
            {"text": text, "blocks": None, "thread_ts": thread_ts, "ts": ts, "attachments": None,
             "metadata": None, "user": user})
        return ts

    def im_channel(self, user_id: str) -> str:
        """The D-channel id conversations.open gives for ``user_id`` (stable per user)."""
        return "D" + hashlib.sha1(user_id.encode()).hexdigest()[:10].upper()

    # -- request handling --------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.split("/")[1:2] in (["commands"], ["actions"], ["app"]):
            return await self._response_url(request)
        if path.startswith("/upload/v1/"):
            return await self._receive_upload(request, path.removeprefix("/upload/v1/"))
        method = path.removeprefix("/api/") if path.startswith("/api/") else path
        try:
            args = await _read_args(request)
            invalid_json = False
        except _InvalidJson:
            args, invalid_json = dict(request.query), True

        failure = None if self.down else self._take_failure(method)
        if failure is not None and failure.extra.get("disconnect"):
            self._record(method, args, request, 0)
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)  # never written: the connection is gone
        if self.down:
            reply = _html_error(503)
        elif failure is not None and not (failure.status == 200 and failure.error is None):
            reply = self._scripted(failure)
        elif invalid_json:
            reply = _Reply(200, {"ok": False, "error": "invalid_json"})
        else:
            reply = self._answer(method, args, request)
        if reply.status == 429:
            self.ratelimited += 1
        self._record(method, args, request, reply.status)
        await self._sleep(self.delay + (failure.delay if failure is not None else 0.0))
        return _to_response(reply)

    async def _response_url(self, request: web.Request) -> web.StreamResponse:
        try:
            body = json.loads(await request.text() or "{}")
        except ValueError:
            body = {}
        self.responses.append(body if isinstance(body, dict) else {})
        self._record("response_url", dict(body) if isinstance(body, dict) else {}, request, 200)
        await self._sleep(self.delay)
        return web.Response(status=200, text="ok", content_type="text/html")

    async def _receive_upload(self, request: web.Request, file_id: str) -> web.StreamResponse:
        """The upload URL: takes the file's bytes once (raw body, or the form's file part)."""
        pending = self.uploads.get(file_id)
        if request.content_type == "multipart/form-data":
            form = await request.post()
            part = next((v for v in form.values() if not isinstance(v, str)), None)
            data = part.file.read() if part is not None else b""
        else:
            data = await request.read()
        self._record("upload", {"file_id": file_id, "length": len(data)}, request,
                     200 if pending is not None and pending["data"] is None else 400)
        if pending is None or pending["data"] is not None:
            return web.Response(status=400, text="Bad Request")
        pending["data"] = data
        return web.Response(status=200, text=f"OK - {len(data)}")

    def _get_upload_url(self, args: dict[str, Any]) -> _Reply:
        filename, length = args.get("filename"), args.get("length")
        if not filename:
            return _invalid_arguments("missing required field: filename")
        try:
            size = int(length)
        except (TypeError, ValueError):
            return _invalid_arguments("missing required field: length")
        file_id = f"F0FAKE{next(self._file_seq):05d}"
        self.uploads[file_id] = {"filename": str(filename), "length": size, "data": None,
                                 "alt_txt": args.get("alt_txt"), "title": None, "channel": None,
                                 "thread_ts": None}
        return _Reply(200, {"ok": True, "upload_url": f"http://127.0.0.1:{self.port}/upload/v1/{file_id}",
                            "file_id": file_id})

    def _complete_upload(self, args: dict[str, Any]) -> _Reply:
        files = args.get("files")
        if isinstance(files, str):
            try:
                files = json.loads(files)
            except ValueError:
                return _invalid_arguments("files must be a JSON array")
        if not isinstance(files, list) or not files:
            return _invalid_arguments("missing required field: files")
        channel = args.get("channel_id") or next(iter(str(args.get("channels") or "").split(",")), "")
        if args.get("thread_ts") and not channel:
            return _invalid_arguments("thread_ts needs a channel")
        if channel and not self.is_member(channel) and (self._outside[channel]
                                                        or "chat:write.public" not in self.scopes):
            return _Reply(200, {"ok": False, "error": "not_in_channel"})
        shown = []
        for item in files:
            pending = self.uploads.get(str((item or {}).get("id")))
            if pending is None or pending["data"] is None or pending["channel"] is not None:
                return _Reply(200, {"ok": False, "error": "file_not_found"})
            if len(pending["data"]) != pending["length"]:
                return _invalid_arguments("uploaded size differs from length")
        for item in files:
            pending = self.uploads[str(item["id"])]
            pending.update(title=item.get("title") or pending["filename"], channel=channel or None,
                           thread_ts=args.get("thread_ts"))
            shown.append({"id": item["id"], "created": 1712345678, "name": pending["filename"],
                          "title": pending["title"], "mimetype": _mimetype(pending["filename"]),
                          "size": pending["length"], "user": self.bot_user_id, "is_public": bool(channel),
                          "url_private": f"https://files.example.invalid/{item['id']}/{pending['filename']}"})
        if channel:
            ts = self._next_ts()
            self._messages.setdefault(channel, []).append(
                {"text": args.get("initial_comment") or "", "blocks": None,
                 "thread_ts": args.get("thread_ts"), "ts": ts, "attachments": None, "metadata": None,
                 "user": self.bot_user_id,
                 "files": [f["id"] for f in shown]})
        return _Reply(200, {"ok": True, "files": shown})

    def _scripted(self, failure: Failure) -> _Reply:
        if failure.status == 429:
            retry_after = 1 if failure.retry_after is None else failure.retry_after
            return _Reply(429, {"ok": False, "error": failure.error or "ratelimited"},
                          {"Retry-After": str(retry_after)})
        if failure.error is not None:
            headers = {} if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
            return _Reply(failure.status, {"ok": False, "error": failure.error}, headers)
        return _html_error(failure.status)

    def _answer(self, method: str, args: dict[str, Any], request: web.Request) -> _Reply:
        handler = _HANDLERS.get(method)
        if handler is None:
            return _Reply(200, {"ok": False, "error": "unknown_method", "req_method": method})
        token = _bearer(request.headers.get("Authorization", "")) or args.get("token")
        if not token:
            return _Reply(200, {"ok": False, "error": "not_authed"})
        if token != self.token:
            return _Reply(200, {"ok": False, "error": "invalid_auth"})
        return handler(self, args)

    # -- methods -----------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        micros = _BASE_TS_MICROS + next(self._ts_seq) * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _bot_message(self, text: str, blocks: Any, ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "message", "text": text, "user": self.bot_user_id,
                                   "bot_id": self.bot_id, "app_id": self.app_id, "team": self.team_id,
                                   "ts": ts}
        if blocks is not None:
            message["blocks"] = blocks
        return message

    def _post_message(self, args: dict[str, Any]) -> _Reply:
        channel = args.get("channel")
        if not channel:
            return _Reply(200, {"ok": False, "error": "channel_not_found"})
        if not any(args.get(key) for key in ("text", "blocks", "attachments")):
            return _Reply(200, {"ok": False, "error": "no_text"})
        if not self.is_member(channel) and (self._outside[channel]
                                            or "chat:write.public" not in self.scopes):
            return _Reply(200, {"ok": False, "error": "not_in_channel"})
        if _repeated_block_id(args.get("blocks")):
            return _Reply(200, {"ok": False, "error": "invalid_blocks"})
        if self.per_channel_rate:
            now = time.monotonic()
            interval = 1.0 / self.per_channel_rate
            last = self._last_post.get(channel)
            if last is not None and now - last < interval:
                wait = max(1, math.ceil(interval - (now - last)))  # whole seconds, rounded up
                return _Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)})
            self._last_post[channel] = now
        ts = self._next_ts()
        message = self._bot_message(args.get("text") or "", args.get("blocks"), ts)
        if args.get("attachments") is not None:
            message["attachments"] = args["attachments"]
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        if args.get("metadata") is not None:
            message["metadata"] = args["metadata"]
        stored = {"text": message["text"], "blocks": args.get("blocks"), "thread_ts": args.get("thread_ts"),
                  "ts": ts, "attachments": args.get("attachments"), "metadata": args.get("metadata"),
                  "user": self.bot_user_id}
        self._messages.setdefault(channel, []).append(stored)
        return _Reply(200, {"ok": True, "channel": channel, "ts": ts, "message": message})

    def _update(self, args: dict[str, Any]) -> _Reply:
        channel, ts = args.get("channel"), args.get("ts")
        if not channel:
            return _Reply(200, {"ok": False, "error": "channel_not_found"})
        stored = next((m for m in self._messages.get(channel, []) if m["ts"] == ts), None)
        if stored is None:
            return _Reply(200, {"ok": False, "error": "message_not_found"})
        if not any(args.get(key) is not None for key in ("text", "blocks", "attachments")):
            return _Reply(200, {"ok": False, "error": "no_text"})
        if _repeated_block_id(args.get("blocks")):
            return _Reply(200, {"ok": False, "error": "invalid_blocks"})
        for key in ("text", "blocks", "attachments", "metadata"):
            if args.get(key) is not None:
                stored[key] = args[key]
        stored["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        message = self._bot_message(stored["text"] or "", stored["blocks"], str(ts))
        return _Reply(200, {"ok": True, "channel": channel, "ts": ts, "text": stored["text"] or "",
                            "message": message})

    def _post_ephemeral(self, args: dict[str, Any]) -> _Reply:
        channel, user = args.get("channel"), args.get("user")
        if not channel:
            return _Reply(200, {"ok": False, "error": "channel_not_found"})
        if not user:
            return _Reply(200, {"ok": False, "error": "user_not_in_channel"})
        if not self.is_member(channel):
            return _Reply(200, {"ok": False, "error": "not_in_channel"})
        if not any(args.get(key) for key in ("text", "blocks", "attachments")):
            return _Reply(200, {"ok": False, "error": "no_text"})
        ts = self._next_ts()
        self._ephemeral.setdefault(channel, []).append(
            {"user": user, "text": args.get("text") or "", "blocks": args.get("blocks"),
             "thread_ts": args.get("thread_ts"), "ts": ts})
        return _Reply(200, {"ok": True, "message_ts": ts})

    def _open_conversation(self, args: dict[str, Any]) -> _Reply:
        users = args.get("users")
        if isinstance(users, str):
            users = [user for user in users.split(",") if user]
        if args.get("channel"):
            channel_id = str(args["channel"])
            return _Reply(200, {"ok": True, "no_op": True, "already_open": True,
                                "channel": {"id": channel_id}})
        if not users:
            return _Reply(200, {"ok": False, "error": "users_list_not_supplied"})
        if len(users) == 1:
            channel_id = self.im_channel(users[0])
        else:
            digest = hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:10].upper()
            channel_id = "G" + digest
        already_open = channel_id in self._open_ims
        self._open_ims.add(channel_id)
        if _truthy(args.get("return_im")) and len(users) == 1:
            channel: dict[str, Any] = {
                "id": channel_id, "created": 1460147748, "is_im": True, "is_org_shared": False,
                "user": users[0], "last_read": "0000000000.000000", "latest": None, "unread_count": 0,
                "unread_count_display": 0, "is_open": True, "priority": 0}
        else:
            channel = {"id": channel_id}
        body: dict[str, Any] = {"ok": True}
        if already_open:
            body.update(no_op=True, already_open=True)
        body["channel"] = channel
        return _Reply(200, body)

    def _make_view(self, view: Any, view_type: str, *, view_id: str | None = None) -> dict[str, Any]:
        view = view if isinstance(view, dict) else {}
        view_id = view_id or f"V0FAKE{next(self._view_seq):04d}"
        return {
            "id": view_id, "team_id": self.team_id, "type": view.get("type", view_type),
            "title": view.get("title"), "submit": view.get("submit"), "close": view.get("close"),
            "blocks": view.get("blocks", []), "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""), "state": {"values": {}},
            "hash": f"{int(time.time())}.{next(self._view_seq):08d}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": view_id, "previous_view_id": None, "app_id": self.app_id,
            "external_id": view.get("external_id", ""), "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id}

    def _views_open(self, args: dict[str, Any]) -> _Reply:
        if not args.get("trigger_id") and not args.get("interactivity_pointer"):
            return _invalid_arguments("missing required field: trigger_id")
        if not isinstance(args.get("view"), dict):
            return _invalid_arguments("missing required field: view")
        if _repeated_block_id(args["view"].get("blocks")):
            return _invalid_arguments("duplicate block_id")
        view = self._make_view(args["view"], "modal")
        self.views[view["id"]] = view
        return _Reply(200, {"ok": True, "view": view})

    def _views_publish(self, args: dict[str, Any]) -> _Reply:
        if not args.get("user_id"):
            return _invalid_arguments("missing required field: user_id")
        if not isinstance(args.get("view"), dict):
            return _invalid_arguments("missing required field: view")
        if _repeated_block_id(args["view"].get("blocks")):
            return _invalid_arguments("duplicate block_id")
        existing = next((v for v in self.views.values()
                         if v["type"] == "home" and v.get("_user_id") == args["user_id"]), None)
        if existing is not None and args.get("hash") and args["hash"] != existing["hash"]:
            return _Reply(200, {"ok": False, "error": "hash_conflict"})
        view = self._make_view(args["view"], "home", view_id=existing["id"] if existing else None)
        self.views[view["id"]] = {**view, "_user_id": args["user_id"]}
        return _Reply(200, {"ok": True, "view": view})

    def _views_update(self, args: dict[str, Any]) -> _Reply:
        if not isinstance(args.get("view"), dict):
            return _invalid_arguments("missing required field: view")
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next((v["id"] for v in self.views.values()
                            if v.get("external_id") == args["external_id"]), None)
        existing = self.views.get(view_id or "")
        if existing is None:
            return _Reply(200, {"ok": False, "error": "not_found"})
        if args.get("hash") and args["hash"] != existing["hash"]:
            return _Reply(200, {"ok": False, "error": "hash_conflict"})
        view = self._make_view(args["view"], existing["type"], view_id=existing["id"])
        owner = {"_user_id": existing["_user_id"]} if "_user_id" in existing else {}
        self.views[view["id"]] = {**view, **owner}
        return _Reply(200, {"ok": True, "view": view})

    def _users_info(self, args: dict[str, Any]) -> _Reply:
        user_id = args.get("user")
        if not user_id or (self.strict_users and user_id not in self.users):
            return _Reply(200, {"ok": False, "error": "user_not_found"})
        entry = self.users.get(user_id, {})
        real_name = entry.get("real_name") or f"User {user_id}"
        display_name = entry.get("display_name", user_id.lower())
        name = display_name or real_name.lower().replace(" ", ".")
        profile = {"avatar_hash": "ge3b51ca72de", "status_text": "", "status_emoji": "",
                   "real_name": real_name, "display_name": display_name,
                   "real_name_normalized": real_name, "display_name_normalized": display_name,
                   "image_24": "https://example.invalid/avatar_24.jpg",
                   "image_48": "https://example.invalid/avatar_48.jpg", "team": self.team_id}
        if entry.get("email"):
            profile["email"] = entry["email"]
        user = {"id": user_id, "team_id": self.team_id, "name": name, "deleted": entry.get("deleted", False),
                "color": "9f69e7", "real_name": real_name, "tz": entry.get("tz", "UTC"),
                "tz_label": entry.get("tz", "UTC"), "tz_offset": 0, "profile": profile,
                "is_admin": False, "is_owner": False, "is_primary_owner": False, "is_restricted": False,
                "is_ultra_restricted": False, "is_bot": entry.get("is_bot", False), "updated": 1502138686,
                "is_app_user": False, "has_2fa": False}
        extra = {k: v for k, v in entry.items()
                 if k not in {"real_name", "display_name", "email", "tz", "is_bot", "deleted",
                              "locale"}}
        user.update(extra)
        # The locale is opt-in (api.slack.com/changelog/2017-09-locale-locale-locale): only
        # with include_locale, and then always (en-US when the person never chose one).
        if str(args.get("include_locale", "")).lower() in ("1", "true"):
            user["locale"] = entry.get("locale", "en-US")
        return _Reply(200, {"ok": True, "user": user})

    def _auth_test(self, args: dict[str, Any]) -> _Reply:
        return _Reply(200, {"ok": True, "url": "https://fake-workspace.slack.com/", "team": self.team_name,
                            "user": self.bot_user_name, "team_id": self.team_id, "user_id": self.bot_user_id,
                            "bot_id": self.bot_id, "is_enterprise_install": False})


def _ts_key(ts: Any) -> tuple[int, int]:
    seconds, _, micros = str(ts).partition(".")
    return int(seconds or 0), int((micros or "0").ljust(6, "0")[:6])


def _in_range(ts: str, args: dict[str, Any]) -> bool:
    inclusive = _truthy(args.get("inclusive"))
    key = _ts_key(ts)
    if args.get("latest"):
        latest = _ts_key(args["latest"])
        if key > latest or (key == latest and not inclusive):
            return False
    if args.get("oldest"):
        oldest = _ts_key(args["oldest"])
        if key < oldest or (key == oldest and not inclusive):
            return False
    return True


def _page(found: list[dict[str, Any]], args: dict[str, Any], default_limit: int) -> dict[str, Any]:
    """One page of ``found`` by ``cursor``/``limit``; the cursor is opaque base64, like Slack's."""
    start = 0
    if args.get("cursor"):
        with contextlib.suppress(ValueError):
            start = int(base64.b64decode(str(args["cursor"])).decode().removeprefix("offset:"))
    limit = max(1, min(int(args.get("limit") or default_limit), 999))
    page = found[start:start + limit]
    more = start + limit < len(found)
    cursor = base64.b64encode(f"offset:{start + limit}".encode()).decode() if more else ""
    return {"messages": page, "has_more": more, "response_metadata": {"next_cursor": cursor}}


def _readable(self: FakeSlack, args: dict[str, Any]) -> _Reply | None:
    """The error reading ``channel`` answers, if any."""
    channel = args.get("channel")
    if not channel:
        return _Reply(200, {"ok": False, "error": "channel_not_found"})
    if not self.is_member(str(channel)):
        return _Reply(200, {"ok": False, "error": "not_in_channel"})
    return None


def _shown(self: FakeSlack, stored: dict[str, Any], channel: str, with_metadata: bool,
           parent: bool) -> dict[str, Any]:
    message = self._bot_message(stored["text"] or "", stored["blocks"], stored["ts"])
    if stored.get("user") != self.bot_user_id:
        message = {"type": "message", "text": stored["text"] or "", "user": stored["user"],
                   "team": self.team_id, "ts": stored["ts"]}
    if with_metadata and stored.get("metadata") is not None:
        message["metadata"] = stored["metadata"]
    if stored.get("thread_ts") and stored["thread_ts"] != stored["ts"]:
        starter = next((m for m in self._messages.get(channel, []) if m["ts"] == stored["thread_ts"]),
                       None)
        message.update(thread_ts=stored["thread_ts"],
                       parent_user_id=(starter or {}).get("user", self.bot_user_id))
    elif parent:
        replies = [m for m in self._messages.get(channel, []) if m.get("thread_ts") == stored["ts"]
                   and m["ts"] != stored["ts"]]
        if replies:
            users = list(dict.fromkeys(m["user"] for m in replies))
            message.update(thread_ts=stored["ts"], reply_count=len(replies),
                           reply_users_count=len(users), latest_reply=replies[-1]["ts"],
                           reply_users=users, is_locked=False, subscribed=False)
    return message


def _history(self: FakeSlack, args: dict[str, Any]) -> _Reply:
    """conversations.history: top-level messages and thread parents, newest first."""
    refused = _readable(self, args)
    if refused is not None:
        return refused
    channel = str(args["channel"])
    with_metadata = _truthy(args.get("include_all_metadata"))
    found = [_shown(self, stored, channel, with_metadata, parent=True)
             for stored in reversed(self._messages.get(channel, []))
             if (not stored.get("thread_ts") or stored["thread_ts"] == stored["ts"])
             and _in_range(stored["ts"], args)]
    return _Reply(200, {"ok": True, **_page(found, args, 100), "pin_count": 0,
                        "channel_actions_ts": None, "channel_actions_count": 0})


def _replies(self: FakeSlack, args: dict[str, Any]) -> _Reply:
    """conversations.replies: the thread of ``ts`` (its parent, or a message in it), oldest first."""
    refused = _readable(self, args)
    if refused is not None:
        return refused
    channel = str(args["channel"])
    if not self.bot_replies_in_channels and channel[:1] in ("C", "G"):
        return _Reply(200, {"ok": False, "error": "not_allowed_token_type"})
    if not args.get("ts"):
        return _invalid_arguments("missing required field: ts")
    stored_all = self._messages.get(channel, [])
    named = next((m for m in stored_all if m["ts"] == args["ts"]), None)
    if named is None:
        return _Reply(200, {"ok": False, "error": "thread_not_found"})
    root = named.get("thread_ts") or named["ts"]
    with_metadata = _truthy(args.get("include_all_metadata"))
    thread = [m for m in stored_all if m["ts"] == root or m.get("thread_ts") == root]
    found = [_shown(self, m, channel, with_metadata, parent=m["ts"] == root)
             for m in thread if _in_range(m["ts"], args)]
    return _Reply(200, {"ok": True, **_page(found, args, 1000)})


def _join(self: FakeSlack, args: dict[str, Any]) -> _Reply:
    """conversations.join: a public channel only, with channels:join."""
    channel = args.get("channel")
    if not channel:
        return _Reply(200, {"ok": False, "error": "channel_not_found"})
    if "channels:join" not in self.scopes:
        return _Reply(200, {"ok": False, "error": "missing_scope", "needed": "channels:join",
                            "provided": ",".join(sorted(self.scopes))})
    channel = str(channel)
    if self._outside.get(channel) or channel[:1] in ("D", "G"):
        return _Reply(200, {"ok": False, "error": "method_not_supported_for_channel_type"})
    body: dict[str, Any] = {"ok": True, "channel": {
        "id": channel, "name": channel.lower(), "is_channel": True, "is_group": False, "is_im": False,
        "created": 1449252889, "creator": "U061F7AUR", "is_archived": False, "is_general": False,
        "unlinked": 0, "name_normalized": channel.lower(), "is_shared": False, "is_ext_shared": False,
        "is_org_shared": False, "pending_shared": [], "is_pending_ext_shared": False,
        "is_member": True, "is_private": False, "is_mpim": False,
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0}, "previous_names": []}}
    if self.is_member(channel):
        body.update(warning="already_in_channel",
                    response_metadata={"warnings": ["already_in_channel"]})
    self._outside.pop(channel, None)
    return _Reply(200, body)


def _repeated_block_id(blocks: Any) -> bool:
    ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")] if (
        isinstance(blocks, list)) else []
    return len(ids) != len(set(ids))


#: the bot scopes deploy/slack/manifest.yml asks for
DEFAULT_SCOPES = frozenset({
    "app_mentions:read", "channels:history", "channels:join", "chat:write", "chat:write.public",
    "commands", "groups:history", "im:history", "im:write", "reactions:read", "users:read",
})

_HANDLERS = {
    "conversations.history": _history,
    "conversations.replies": _replies,
    "conversations.join": _join,
    "chat.postMessage": FakeSlack._post_message,
    "chat.update": FakeSlack._update,
    "chat.postEphemeral": FakeSlack._post_ephemeral,
    "conversations.open": FakeSlack._open_conversation,
    "views.open": FakeSlack._views_open,
    "views.publish": FakeSlack._views_publish,
    "views.update": FakeSlack._views_update,
    "users.info": FakeSlack._users_info,
    "auth.test": FakeSlack._auth_test,
    "files.getUploadURLExternal": FakeSlack._get_upload_url,
    "files.completeUploadExternal": FakeSlack._complete_upload,
}


def _mimetype(filename: str) -> str:
    return {"png": "image/png", "csv": "text/csv",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}.get(
        filename.rpartition(".")[2].lower(), "application/octet-stream")


def _invalid_arguments(message: str) -> _Reply:
    return _Reply(200, {"ok": False, "error": "invalid_arguments",
                        "response_metadata": {"messages": [f"[ERROR] {message}"]}})


def _bearer(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


async def _read_args(request: web.Request) -> dict[str, Any]:
    """Query string, form fields and JSON body merged; JSON-encoded blocks/attachments/view decoded."""
    args: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = json.loads(await request.text() or "{}")
            except ValueError as error:
                raise _InvalidJson from error
            if not isinstance(body, dict):
                raise _InvalidJson
            args.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                args[key] = value if isinstance(value, str) else {"filename": value.filename,
                                                                  "content_type": value.content_type}
    for key in _DECODED_ARGS:
        if isinstance(args.get(key), str):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


def _to_response(reply: _Reply) -> web.Response:
    if reply.html is not None:
        return web.Response(status=reply.status, text=reply.html, content_type="text/html",
                            headers=reply.headers)
    headers = {"X-Slack-Req-Id": hashlib.sha1(str(time.monotonic_ns()).encode()).hexdigest()[:32],
               **reply.headers}
    return web.json_response(reply.body, status=reply.status, headers=headers)
