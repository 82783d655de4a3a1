"""Deliver outbox messages through Feishu's Open API (im/v1) with lark-oapi's client.

`lark.Client` (domain FEISHU_OPENAPI_ENDPOINT) builds and sends each request with httpx and
reads the answers into its models. Its own token handling fetches the tenant_access_token with
blocking `requests` in a process-wide cache and never renews a token Feishu calls invalid, so
the client is built with `enable_set_token` and this sender keeps the token: fetched with the
SDK's auth/v3 tenant_access_token/internal call, cached on the injectable clock, refreshed
before it expires and once more when Feishu refuses it (99991663 and its kin).

Text goes to a group (address `oc_…`, receive_id_type chat_id) or a person (`ou_…`, open_id)
with im/v1/messages create; a line meant for a card's thread is a reply to the card. A ticket
card is an interactive message, created the same way and updated in place with patch. Every
create and reply carries a `uuid` derived from the outbox row or the inbound event: Feishu sends
a message once per uuid within an hour, so a retry after an uncertain attempt does not post it
twice, and this sender retries (tenacity, which the SDK lacks) what may pass a moment later:
5xx, an unreachable host, a timeout where the uuid or the patch makes it safe.

Answers are `{"code": 0, "msg": "success", "data": {…}}`; any other code is an error. HTTP 429
or code 99991400 is throttling (x-ogw-ratelimit-reset says for how long), left to the relay's
pacing; other codes are permanent for that message.
"""

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import lark_oapi as lark
from lark_oapi.api.auth.v3 import (
    InternalTenantAccessTokenRequest,
    InternalTenantAccessTokenRequestBody,
)
from lark_oapi.api.im.v1 import (
    CreateMessageRequest,
    CreateMessageRequestBody,
    PatchMessageRequest,
    PatchMessageRequestBody,
    ReplyMessageRequest,
    ReplyMessageRequestBody,
)
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.feishu.cards import interactive_card
from commands.ports import Clock
from notifications.catalogs import Catalogs
from notifications.senders import DeliveryError, Outgoing

THROTTLED = 99991400
TOKEN_INVALID = frozenset({99991661, 99991663, 99991664, 99991665, 99991666, 99991668})
REFRESH_MARGIN = timedelta(minutes=5)
ATTEMPTS = 3  # the relay retries later still; a reply has only these


def receive_id_type(address: str) -> str:
    return "chat_id" if address.startswith("oc_") else "open_id"


def message_uuid(idempotency_key: str) -> str:
    """At most 50 characters, stable for the outbox row (Feishu deduplicates on it)."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


class FeishuError(DeliveryError):
    def __init__(self, message: str, code: int | None, *, safe_to_repeat: bool = False,
                 **options: Any) -> None:
        super().__init__(message, **options)
        self.code, self.safe_to_repeat = code, safe_to_repeat


def _transient(error: BaseException) -> bool:
    return (isinstance(error, FeishuError) and not error.permanent and not error.rate_limited
            and (not error.maybe_sent or error.safe_to_repeat))


class FeishuSender:
    def __init__(self, base_url: str, app_id: str, app_secret: str, clock: Clock, *,
                 catalogs: Catalogs, timeout: float = 10.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.app_id, self.app_secret = app_id, app_secret
        self.clock, self.catalogs, self.sleep = clock, catalogs, sleep
        self.client = (lark.Client.builder().app_id(app_id).app_secret(app_secret)
                       .domain(base_url.rstrip("/")).enable_set_token(True).timeout(timeout)
                       .log_level(lark.LogLevel.WARNING).build())
        self._token: str | None = None
        self._expires: datetime | None = None
        self._lock = asyncio.Lock()

    async def token(self, rejected: str | None = None) -> str:
        async with self._lock:
            now = self.clock.now()
            if self._token is None or rejected == self._token or (
                    self._expires is not None and now >= self._expires - REFRESH_MARGIN):
                request = (InternalTenantAccessTokenRequest.builder().request_body(
                    InternalTenantAccessTokenRequestBody.builder().app_id(self.app_id)
                    .app_secret(self.app_secret).build()).build())
                response = await self._exchange(
                    "tenant_access_token",
                    lambda _: self.client.auth.v3.tenant_access_token.ainternal(request), False)
                # Its fields are at the top of the answer, not in `data`.
                body = json.loads(response.raw.content or b"{}") if response.success() else {}
                if not body.get("tenant_access_token"):
                    raise FeishuError(f"Feishu refused the app credentials: {response.msg}",
                                      response.code, permanent=True)
                self._token = str(body["tenant_access_token"])
                self._expires = now + timedelta(seconds=int(body.get("expire", 7200)))
            return self._token

    # -- what the relay and the replies call -------------------------------------------------------

    async def send(self, message: Outgoing, *, check_duplicate: bool) -> str | None:
        uuid = message_uuid(message.idempotency_key)
        if message.card is not None:
            content = self.card_content(message.card, message.locale)
            if message.thread:  # the card exists: update it in place
                await self.patch(message.thread, content)
                return message.thread
            return await self.create(message.address, "interactive", content, uuid)
        if message.thread:
            return await self.reply(message.thread, message.text, uuid)
        return await self.send_text(message.address, message.text, uuid)

    def card_content(self, card: dict[str, Any], locale: str) -> str:
        catalog = self.catalogs.get(locale, "plain")
        with catalog.zoned(card.get("reader_zone")):
            return json.dumps(interactive_card(card, catalog), ensure_ascii=False)

    async def send_text(self, address: str, text: str, uuid: str | None = None) -> str:
        return await self.create(address, "text", json.dumps({"text": text}, ensure_ascii=False),
                                 uuid)

    async def create(self, address: str, msg_type: str, content: str, uuid: str | None) -> str:
        body = CreateMessageRequestBody.builder().receive_id(address).msg_type(msg_type) \
            .content(content)
        if uuid:
            body = body.uuid(uuid)
        request = CreateMessageRequest.builder().receive_id_type(receive_id_type(address)) \
            .request_body(body.build()).build()
        data = await self._call("create", lambda option: self.client.im.v1.message.acreate(
            request, option), bool(uuid))
        return str(getattr(data, "message_id", "") or "")

    async def reply(self, message_id: str, text: str, uuid: str | None = None, *,
                    card: str | None = None) -> str:
        body = ReplyMessageRequestBody.builder()
        body = (body.msg_type("interactive").content(card) if card else
                body.msg_type("text").content(json.dumps({"text": text}, ensure_ascii=False)))
        if uuid:
            body = body.uuid(uuid)
        request = ReplyMessageRequest.builder().message_id(message_id) \
            .request_body(body.build()).build()
        data = await self._call("reply", lambda option: self.client.im.v1.message.areply(
            request, option), bool(uuid))
        return str(getattr(data, "message_id", "") or "")

    async def patch(self, message_id: str, content: str) -> None:
        request = PatchMessageRequest.builder().message_id(message_id).request_body(
            PatchMessageRequestBody.builder().content(content).build()).build()
        # A patch sets the whole card: repeating it is harmless.
        await self._call("patch", lambda option: self.client.im.v1.message.apatch(
            request, option), True)

    # -- the exchange ------------------------------------------------------------------------------

    async def _call(self, what: str, send: Callable[[Any], Awaitable[Any]],
                    safe_to_repeat: bool) -> Any:
        token = await self.token()
        for attempt in range(2):
            option = lark.RequestOption.builder().tenant_access_token(token).build()
            response = await self._exchange(what, lambda _, o=option: send(o), safe_to_repeat)
            if response.success():
                return getattr(response, "data", None)  # a patch answers none
            if response.code in TOKEN_INVALID and attempt == 0:
                token = await self.token(rejected=token)
                continue
            raise FeishuError(f"Feishu {what}: {response.code} {response.msg}", response.code,
                              permanent=True)
        raise FeishuError("Feishu refused a fresh token", None)

    async def _exchange(self, what: str, send: Callable[[Any], Awaitable[Any]],
                        safe_to_repeat: bool) -> Any:
        """One SDK call, retried while the failure is transient; the answer has a code."""
        retrying = AsyncRetrying(stop=stop_after_attempt(ATTEMPTS), reraise=True,
                                 wait=wait_exponential(multiplier=0.5, max=4),
                                 retry=retry_if_exception(_transient), sleep=self.sleep)
        async for attempt in retrying:
            with attempt:
                return await self._once(what, send, safe_to_repeat)
        raise AssertionError("unreachable")  # pragma: no cover - reraise=True

    async def _once(self, what: str, send: Callable[[Any], Awaitable[Any]],
                    safe_to_repeat: bool) -> Any:
        try:
            response = await send(None)
        except httpx.TimeoutException as error:  # it may have gone through
            raise FeishuError(f"Feishu {what}: timeout", None, maybe_sent=True,
                              safe_to_repeat=safe_to_repeat) from error
        except httpx.HTTPError as error:
            raise FeishuError(f"Feishu {what}: {error!r}", None) from error
        except ValueError as error:  # the SDK could not read the answer as JSON
            raise FeishuError(f"Feishu {what}: an unreadable answer", None) from error
        raw = response.raw
        status = raw.status_code if raw is not None else 0
        if status == 429 or response.code == THROTTLED:
            reset = str((raw.headers or {}).get("x-ogw-ratelimit-reset", "")) if raw else ""
            raise FeishuError("Feishu throttled the app", THROTTLED, rate_limited=True,
                              retry_after=float(reset) if reset.isdigit() else 1.0)
        if status >= 500 or response.code is None:
            raise FeishuError(f"Feishu {what}: HTTP {status}", None,
                              maybe_sent=status in (502, 504), safe_to_repeat=safe_to_repeat)
        return response
