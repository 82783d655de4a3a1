"""Deliver outbox messages through DingTalk's OpenAPI with an async client (never the SDK's
blocking helpers, never an expiring sessionWebhook). Access tokens are cached and refreshed
before they expire.

Text goes to a group with /v1.0/robot/groupMessages/send (address `cid…`) and to a person with
/v1.0/robot/oToMessages/batchSend (address: staffId), as markdown. A ticket card (an Outgoing
with `card`) is an interactive card from the configured template: created and delivered with
/v1.0/card/instances/createAndDeliver, then updated in place with PUT /v1.0/card/instances;
its outTrackId is the reference the relay remembers. DingTalk has no threads: a line meant for
a card's thread is posted to the card's group.

Transient failures (5xx, unreachable, short throttling) are retried in-process
(bot.dingtalk.retrying); what still fails goes back to the relay, which tries again later. Whether
a card exists is DingTalk's to say, by its documented codes for an unknown or a used outTrackId:
any other failure (a 500 above all) proves nothing, so no second card is created on a guess.
"""

import asyncio
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bot.dingtalk.cards import card_params, markdown_card
from bot.dingtalk.retrying import CallRetry, Sleep, Transient
from commands.ports import Clock
from notifications.catalogs import Catalogs
from notifications.relay import Pacing
from notifications.senders import DeliveryError, Outgoing, OutgoingFile

# Throttling answers: HTTP 429, or these codes (QPS / flow control, robot sending too fast).
THROTTLED = ("Throttling", "QpsLimit", "FlowControl", "send.too.fast")
# The same in the legacy shape, HTTP 200 {"errcode", "errmsg"}: errcode -> seconds to wait.
# 130101: over 20 messages a minute to one group; 90018 / 90002: app / API QPS exceeded.
LEGACY_THROTTLED = {130101: 60.0, 90018: 2.0, 90002: 2.0}
# A card's outTrackId unknown to DingTalk: PUT /v1.0/card/instances answers HTTP 400
# param.cardNotExist ("卡片不存在", DingTalk's "更新卡片" error table); the older
# /v1.0/im/interactiveCards API says cardInstance.notExist.
CARD_NOT_FOUND = frozenset({"param.cardNotExist", "cardInstance.notExist"})
# createAndDeliver under an outTrackId already used: HTTP 400 param.cardAlreadyExist ("卡片已经存在").
CARD_EXISTS = "param.cardAlreadyExist"
# A gateway that lost the service's answer: the call may have been carried out.
GATEWAY_LOST = (502, 504)
# Card instances are created and updated through the card API, not the robot's group messages:
# they do not count against a group's 20 robot messages a minute, so the relay gives them a budget
# of their own per group (its "dingtalk:card" lane), well inside the app's QPS for the API.
CARD_LANE = "dingtalk:card"
CARD_PACING = Pacing(rate=2.0, burst=10.0)
REFRESH_MARGIN = timedelta(minutes=5)
GROUP_SEND = "/v1.0/robot/groupMessages/send"
BATCH_SEND = "/v1.0/robot/oToMessages/batchSend"
CARD_CREATE_AND_DELIVER = "/v1.0/card/instances/createAndDeliver"
CARD_UPDATE = "/v1.0/card/instances"
I18N = {"zh-CN": "ZH_CN", "en": "EN_US"}
# Media are uploaded on the legacy host (oapi.dingtalk.com), the only one with that API; its
# token is the same app access token. Errors come back as HTTP 200 with an errcode.
MEDIA_UPLOAD = "/media/upload"
LEGACY_BAD_TOKEN = frozenset({40014, 42001})  # invalid / expired access_token


def out_track_id(message: Outgoing) -> str:
    """The card's id, chosen by us and stable for this outbox row: a retry after an uncertain
    attempt can look for the card instead of posting a second one."""
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:12]
    return f"ticket-{(message.card or {}).get('key', 'card')}-{digest}"


def is_group(address: str) -> bool:
    return address.startswith("cid")


class DingTalkSender:
    def __init__(self, http: httpx.AsyncClient, base_url: str, client_id: str,
                 client_secret: str, robot_code: str, clock: Clock, *,
                 catalogs: Catalogs | None = None, card_template_id: str | None = None,
                 retry: CallRetry | None = None, sleep: Sleep = asyncio.sleep,
                 media_url: str = "https://oapi.dingtalk.com") -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.media_url = media_url.rstrip("/")
        self.client_id, self.client_secret, self.robot_code = client_id, client_secret, robot_code
        self.clock = clock
        self.catalogs = catalogs or Catalogs(ZoneInfo("UTC"))
        self.card_template_id = card_template_id
        self.retry = retry or CallRetry()
        self.sleep = sleep  # between in-process retries (tests pass one that does not wait)
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
                body = await self._request("POST", "/v1.0/oauth2/accessToken",
                                           {"appKey": self.client_id, "appSecret": self.client_secret},
                                           token=None)
                self._token = str(body["accessToken"])
                self._expires = now + timedelta(seconds=int(body.get("expireIn", 7200)))
            return self._token

    async def send(self, message: Outgoing, *, check_duplicate: bool) -> str | None:
        if message.card is not None:
            return await self._card(message, check_duplicate)
        # DingTalk offers no way to look a message up by our key: after a crash mid-send a
        # message may, rarely, arrive twice on DingTalk.
        return await self.send_markdown(message.address, message.title, message.text)

    async def send_file(self, file: OutgoingFile) -> str | None:
        """Upload the media, then send it as the robot's image (`sampleImageMsg`, the media id
        as its photoURL) or file (`sampleFile`) message; the words go first, as markdown."""
        media_id = await self._upload_media(file)
        if file.comment:
            await self.send_markdown(file.address, file.comment_title or file.title, file.comment)
        if file.is_image:
            await self._robot_send(file.address, "sampleImageMsg", {"photoURL": media_id})
        else:
            extension = file.filename.rpartition(".")[2].lower()
            await self._robot_send(file.address, "sampleFile", {
                "mediaId": media_id, "fileName": file.filename, "fileType": extension})
        return media_id

    async def _upload_media(self, file: OutgoingFile) -> str:
        kind = "image" if file.is_image else "file"
        token = await self.token()
        for attempt in range(2):
            try:
                response = await self.http.post(
                    self.media_url + MEDIA_UPLOAD, params={"access_token": token, "type": kind},
                    files={"media": (file.filename, file.content)})
            except httpx.HTTPError as error:  # an upload is harmless to repeat: unsent media
                raise DeliveryError(f"DingTalk media upload failed: {error!r}") from error
            try:
                data = response.json()
            except ValueError:
                data = {}
            errcode = data.get("errcode") if isinstance(data, dict) else None
            if response.status_code < 300 and errcode in (0, "0") and data.get("media_id"):
                return str(data["media_id"])
            if attempt == 0 and errcode in LEGACY_BAD_TOKEN:
                token = await self.token(rejected=token)
                continue
            if response.status_code < 300 and errcode not in (None, 0, "0"):
                _check_legacy(data)
            raise DeliveryError(f"DingTalk media upload: HTTP {response.status_code} "
                                f"{str(data)[:200]}", permanent=400 <= response.status_code < 500)
        raise DeliveryError("DingTalk media upload: token refused twice")

    async def send_markdown(self, address: str, title: str, text: str) -> str:
        return await self._robot_send(address, "sampleMarkdown", {"title": title, "text": text})

    async def _robot_send(self, address: str, msg_key: str, msg_param: dict[str, Any]) -> str:
        param = json.dumps(msg_param, ensure_ascii=False)
        body: dict[str, Any] = {"robotCode": self.robot_code, "msgKey": msg_key,
                                "msgParam": param}
        if is_group(address):
            result = await self._call("POST", GROUP_SEND, {**body, "openConversationId": address})
        else:
            result = await self._call("POST", BATCH_SEND, {**body, "userIds": [address]})
        if address in (result.get("flowControlledStaffIdList") or []):
            raise DeliveryError("DingTalk flow control for this user", retry_after=60,
                                rate_limited=True)
        if address in (result.get("invalidStaffIdList") or []):
            raise DeliveryError(f"DingTalk: unknown staffId {address}", permanent=True)
        return str(result.get("processQueryKey") or "")

    async def _card(self, message: Outgoing, check_duplicate: bool) -> str:
        assert message.card is not None
        catalog = self.catalogs.get(message.locale, "dingtalk")
        # Rendered at once, before any await: the shared catalog is zoned for this card only.
        with catalog.zoned(message.card.get("reader_zone")):
            text = markdown_card(message.card, catalog)
            params = card_params(message.card, catalog)
        if not self.card_template_id:
            # Cards were switched off with rows still queued: show a new card as markdown;
            # there is nothing to update in place.
            if message.thread:
                return message.thread
            return await self.send_markdown(message.address, message.text, text)
        if message.thread:
            await self._update_card(message.thread, params)
            return message.thread
        track = out_track_id(message)
        if check_duplicate and await self._card_exists(track, params):
            return track
        try:
            result = await self._call("POST", CARD_CREATE_AND_DELIVER,
                                      self._create_body(message, track, params), idempotent=True)
        except ApiError as error:
            if error.code == CARD_EXISTS:  # an earlier attempt of this row created it
                return track
            raise
        failed = [r for r in (result.get("result") or {}).get("deliverResults") or []
                  if not r.get("success")]
        if result.get("success") is False or failed:
            raise DeliveryError(f"DingTalk card not delivered: {json.dumps(result)[:300]}",
                                permanent=True)
        return track

    def _create_body(self, message: Outgoing, track: str, params: dict[str, str]
                     ) -> dict[str, Any]:
        card = message.card or {}
        preview = {I18N.get(message.locale, "ZH_CN"): message.text[:60]}
        body: dict[str, Any] = {
            "cardTemplateId": self.card_template_id, "outTrackId": track,
            "callbackType": "STREAM", "userIdType": 1, "cardData": {"cardParamMap": params},
        }
        if is_group(message.address):
            deliver: dict[str, Any] = {"robotCode": self.robot_code}
            assignee = card.get("assignee") or {}
            if assignee.get("dingtalk_id"):  # the card @-mentions whoever has the ticket
                deliver["atUserIds"] = {assignee["dingtalk_id"]: assignee["label"]}
            body.update(openSpaceId=f"dtv1.card//IM_GROUP.{message.address}",
                        imGroupOpenSpaceModel={"supportForward": True, "lastMessageI18n": preview},
                        imGroupOpenDeliverModel=deliver)
        else:
            body.update(openSpaceId=f"dtv1.card//IM_ROBOT.{message.address}",
                        imRobotOpenSpaceModel={"supportForward": True, "lastMessageI18n": preview},
                        imRobotOpenDeliverModel={"spaceType": "IM_ROBOT",
                                                 "robotCode": self.robot_code})
        return body

    async def _update_card(self, track: str, params: dict[str, str]) -> None:
        result = await self._call("PUT", CARD_UPDATE, {
            "outTrackId": track, "cardData": {"cardParamMap": params},
            "cardUpdateOptions": {"updateCardDataByKey": True}, "userIdType": 1},
            idempotent=True)
        if result.get("success") is False:
            raise DeliveryError(f"DingTalk card not updated: {json.dumps(result)[:300]}")

    async def _card_exists(self, track: str, params: dict[str, str]) -> bool:
        """An earlier attempt may have created the card: updating it tells (and refreshes it).
        Only DingTalk's "no such card" says it was never created; anything else is raised."""
        try:
            await self._update_card(track, params)
        except ApiError as error:
            if error.code in CARD_NOT_FOUND:
                return False
            raise
        return True

    async def _call(self, method: str, path: str, body: dict[str, Any], *,
                    idempotent: bool = False) -> dict[str, Any]:
        """One call, repeated in-process while it fails transiently (see bot.dingtalk.retrying);
        `idempotent`: repeating it cannot deliver twice, even after an uncertain attempt."""
        return await self.retry.call(self._authorised, method, path, body,
                                     idempotent=idempotent, sleep=self.sleep)

    async def _authorised(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        token = await self.token()
        try:
            return await self._request(method, path, body, token=token)
        except _Unauthorized:
            return await self._request(method, path, body, token=await self.token(rejected=token))

    async def _request(self, method: str, path: str, body: dict[str, Any],
                       token: str | None) -> dict[str, Any]:
        headers = {"x-acs-dingtalk-access-token": token} if token else {}
        try:
            response = await self.http.request(method, self.base_url + path, json=body,
                                               headers=headers)
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as error:  # the request never left
            raise Transient(f"DingTalk unreachable: {error!r}") from error
        except httpx.TimeoutException as error:
            raise DeliveryError(f"DingTalk timeout: {error!r}", maybe_sent=True) from error
        except httpx.HTTPError as error:
            raise Transient(f"DingTalk unreachable: {error!r}") from error
        try:
            data = response.json()
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        if response.status_code < 300:
            _check_legacy(data)
            return data
        code = str(data.get("code", ""))
        text = f"DingTalk {response.status_code} {code}: {data.get('message', '')}".strip()
        status = response.status_code
        if status == 429 or any(mark in code for mark in THROTTLED):
            retry_after = float(response.headers.get("Retry-After", "2"))
            raise DeliveryError(text, retry_after=retry_after, rate_limited=True)
        if status == 401 or "InvalidAuthentication" in code or "token" in code.lower():
            if token is not None:
                raise _Unauthorized(text)
            raise DeliveryError(text, permanent=True)
        if 400 <= status < 500:
            raise ApiError(text, code, permanent=True)
        if status in GATEWAY_LOST:
            raise DeliveryError(text, maybe_sent=True)
        # DingTalk's own 5xx (system.busy, 500 / 503): the call was not carried out.
        raise Transient(text)


def _check_legacy(data: dict[str, Any]) -> None:
    """Old-style endpoints answer HTTP 200 with a non-zero errcode on failure."""
    errcode = data.get("errcode")
    if errcode in (None, 0, "0"):
        return
    text = f"DingTalk errcode {errcode}: {data.get('errmsg', '')}"
    try:
        wait = LEGACY_THROTTLED.get(int(errcode))
    except (TypeError, ValueError):
        wait = None
    if wait is not None:
        raise DeliveryError(text, retry_after=wait, rate_limited=True)
    raise DeliveryError(text)


class ApiError(DeliveryError):
    """DingTalk refused the call with an error code of its own."""

    def __init__(self, message: str, code: str, **flags: Any) -> None:
        super().__init__(message, **flags)
        self.code = code


class _Unauthorized(DeliveryError):
    pass
