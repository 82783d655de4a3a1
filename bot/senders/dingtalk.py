"""Deliver outbox messages through DingTalk's OpenAPI with an async client (never the SDK's
blocking helpers, never an expiring sessionWebhook). Access tokens are cached and refreshed
before they expire."""

import asyncio
import json
from datetime import datetime, timedelta
from typing import Any

import httpx

from commands.ports import Clock
from notifications.senders import DeliveryError, Outgoing

# Throttling answers: HTTP 429, or these codes (QPS / flow control, robot sending too fast).
THROTTLED = ("Throttling", "QpsLimit", "FlowControl", "send.too.fast")
REFRESH_MARGIN = timedelta(minutes=5)


class DingTalkSender:
    def __init__(self, http: httpx.AsyncClient, base_url: str, client_id: str,
                 client_secret: str, robot_code: str, clock: Clock) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.client_id, self.client_secret, self.robot_code = client_id, client_secret, robot_code
        self.clock = clock
        self._token: str | None = None
        self._expires: datetime | None = None
        self._lock = asyncio.Lock()

    async def token(self, rejected: str | None = None) -> str:
        """A valid token; `rejected` is one the platform refused, to be replaced (once, even when
        several sends were refused with it at the same time)."""
        async with self._lock:
            now = self.clock.now()
            if (rejected is not None and rejected == self._token) or self._token is None or (
                    self._expires is None or now >= self._expires - REFRESH_MARGIN):
                body = await self._post("/v1.0/oauth2/accessToken",
                                        {"appKey": self.client_id, "appSecret": self.client_secret},
                                        token=None)
                self._token = str(body["accessToken"])
                self._expires = now + timedelta(seconds=int(body.get("expireIn", 7200)))
            return self._token

    async def send(self, message: Outgoing, *, check_duplicate: bool) -> str | None:
        # DingTalk offers no way to look a message up by our key: after a crash mid-send a
        # message may, rarely, arrive twice on DingTalk.
        param = json.dumps({"title": message.title, "text": message.text}, ensure_ascii=False)
        if message.address.startswith("cid"):
            path = "/v1.0/robot/groupMessages/send"
            body: dict[str, Any] = {"robotCode": self.robot_code, "msgKey": "sampleMarkdown",
                                    "msgParam": param, "openConversationId": message.address}
        else:
            path = "/v1.0/robot/oToMessages/batchSend"
            body = {"robotCode": self.robot_code, "msgKey": "sampleMarkdown", "msgParam": param,
                    "userIds": [message.address]}
        token = await self.token()
        try:
            result = await self._post(path, body, token=token)
        except _Unauthorized:
            result = await self._post(path, body, token=await self.token(rejected=token))
        if message.address in (result.get("flowControlledStaffIdList") or []):
            raise DeliveryError("DingTalk flow control for this user", retry_after=60,
                                rate_limited=True)
        if message.address in (result.get("invalidStaffIdList") or []):
            raise DeliveryError(f"DingTalk: unknown staffId {message.address}", permanent=True)
        return str(result.get("processQueryKey") or "")

    async def _post(self, path: str, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        headers = {"x-acs-dingtalk-access-token": token} if token else {}
        try:
            response = await self.http.post(self.base_url + path, json=body, headers=headers)
        except httpx.TimeoutException as error:
            raise DeliveryError(f"DingTalk timeout: {error!r}", maybe_sent=True) from error
        except httpx.HTTPError as error:
            raise DeliveryError(f"DingTalk unreachable: {error!r}") from error
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code < 300:
            return data if isinstance(data, dict) else {}
        code = str(data.get("code", "")) if isinstance(data, dict) else ""
        text = f"DingTalk {response.status_code} {code}: {data.get('message', '')}".strip()
        if response.status_code == 429 or any(mark in code for mark in THROTTLED):
            retry_after = float(response.headers.get("Retry-After", "2"))
            raise DeliveryError(text, retry_after=retry_after, rate_limited=True)
        if response.status_code == 401 or "InvalidAuthentication" in code or "token" in code.lower():
            if token is not None:
                raise _Unauthorized(text)
            raise DeliveryError(text, permanent=True)
        if 400 <= response.status_code < 500:
            raise DeliveryError(text, permanent=True)
        raise DeliveryError(text, maybe_sent=True)


class _Unauthorized(DeliveryError):
    pass
