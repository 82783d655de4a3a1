"""Deliver outbox messages through Feishu's Open API (im/v1) with an async client.

A tenant_access_token (auth/v3/tenant_access_token/internal) is cached and refreshed before it
expires, and once more when Feishu calls it invalid (99991663 and its kin). Text goes to a group
(address `oc_…`, receive_id_type chat_id) or a person (`ou_…`, open_id) with
POST im/v1/messages; a line meant for a card's thread is a reply to the card
(POST im/v1/messages/:message_id/reply). A ticket card is an interactive message, created the
same way and updated in place with PATCH im/v1/messages/:message_id. Every create carries a
`uuid` derived from the outbox row: Feishu sends a message once per uuid within an hour, so a
retry after an uncertain attempt does not post it twice.

Answers are `{"code": 0, "msg": "success", "data": {…}}`; any other code is an error. HTTP 429
with code 99991400 is throttling (x-ogw-ratelimit-reset says for how long); 5xx and an
unreachable host are transient; other codes are permanent for that message.
"""

import asyncio
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.feishu.cards import interactive_card
from commands.ports import Clock
from notifications.catalogs import Catalogs
from notifications.senders import DeliveryError, Outgoing

TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
MESSAGES_PATH = "/open-apis/im/v1/messages"
THROTTLED = 99991400
TOKEN_INVALID = frozenset({99991661, 99991663, 99991664, 99991665, 99991666, 99991668})
REFRESH_MARGIN = timedelta(minutes=5)


def receive_id_type(address: str) -> str:
    return "chat_id" if address.startswith("oc_") else "open_id"


def message_uuid(idempotency_key: str) -> str:
    """At most 50 characters, stable for the outbox row (Feishu deduplicates on it)."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


class FeishuError(DeliveryError):
    def __init__(self, message: str, code: int | None, **options: Any) -> None:
        super().__init__(message, **options)
        self.code = code


class FeishuSender:
    def __init__(self, http: httpx.AsyncClient, base_url: str, app_id: str, app_secret: str,
                 clock: Clock, *, catalogs: Catalogs) -> None:
        self.http, self.base_url = http, base_url.rstrip("/")
        self.app_id, self.app_secret = app_id, app_secret
        self.clock, self.catalogs = clock, catalogs
        self._token: str | None = None
        self._expires: datetime | None = None
        self._lock = asyncio.Lock()

    async def token(self, rejected: str | None = None) -> str:
        async with self._lock:
            now = self.clock.now()
            if self._token is None or rejected == self._token or (
                    self._expires is not None and now >= self._expires - REFRESH_MARGIN):
                body = await self._post_json(TOKEN_PATH, {"app_id": self.app_id,
                                                          "app_secret": self.app_secret}, None)
                if body.get("code") != 0 or not body.get("tenant_access_token"):
                    raise FeishuError(f"Feishu refused the app credentials: {body.get('msg')}",
                                      body.get("code"), permanent=True)
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
        body: dict[str, Any] = {"receive_id": address, "msg_type": msg_type, "content": content}
        if uuid:
            body["uuid"] = uuid
        data = await self._call("POST", MESSAGES_PATH, body,
                                params={"receive_id_type": receive_id_type(address)})
        return str(data.get("message_id") or "")

    async def reply(self, message_id: str, text: str, uuid: str | None = None, *,
                    card: str | None = None) -> str:
        body: dict[str, Any] = ({"msg_type": "interactive", "content": card} if card else
                                {"msg_type": "text",
                                 "content": json.dumps({"text": text}, ensure_ascii=False)})
        if uuid:
            body["uuid"] = uuid
        data = await self._call("POST", f"{MESSAGES_PATH}/{message_id}/reply", body)
        return str(data.get("message_id") or "")

    async def patch(self, message_id: str, content: str) -> None:
        await self._call("PATCH", f"{MESSAGES_PATH}/{message_id}", {"content": content})

    # -- the HTTP exchange -------------------------------------------------------------------------

    async def _call(self, method: str, path: str, body: dict[str, Any],
                    params: dict[str, str] | None = None) -> dict[str, Any]:
        token = await self.token()
        for attempt in range(2):
            answer = await self._request(method, path, body, token, params)
            code = answer.get("code")
            if code == 0:
                return dict(answer.get("data") or {})
            if code in TOKEN_INVALID and attempt == 0:
                token = await self.token(rejected=token)
                continue
            raise FeishuError(f"Feishu {method} {path}: {code} {answer.get('msg')}", code,
                              permanent=True)
        raise FeishuError("Feishu refused a fresh token", None)

    async def _post_json(self, path: str, body: dict[str, Any], token: str | None
                         ) -> dict[str, Any]:
        return await self._request("POST", path, body, token, None)

    async def _request(self, method: str, path: str, body: dict[str, Any], token: str | None,
                       params: dict[str, str] | None) -> dict[str, Any]:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self.http.request(method, self.base_url + path, json=body,
                                               params=params, headers=headers)
        except httpx.TimeoutException as error:  # it may have gone through
            raise FeishuError(f"Feishu {path}: timeout", None, maybe_sent=True) from error
        except httpx.HTTPError as error:
            raise FeishuError(f"Feishu {path}: {error!r}", None) from error
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        code = answer.get("code") if isinstance(answer, dict) else None
        if response.status_code == 429 or code == THROTTLED:
            reset = response.headers.get("x-ogw-ratelimit-reset")
            raise FeishuError("Feishu throttled the app", THROTTLED, rate_limited=True,
                              retry_after=float(reset) if reset and reset.isdigit() else 1.0)
        if response.status_code >= 500 or not isinstance(answer, dict) or code is None:
            raise FeishuError(f"Feishu {path}: HTTP {response.status_code}", None,
                              maybe_sent=response.status_code in (502, 504))
        return answer
