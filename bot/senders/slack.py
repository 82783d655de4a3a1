"""Deliver outbox messages through the Slack Web API (slack_sdk's async client)."""

import logging
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.cards import card_blocks
from notifications.catalogs import Catalogs
from notifications.senders import DeliveryError, Outgoing, OutgoingFile

log = logging.getLogger(__name__)

# Errors that no retry can fix: the message goes to the dead letters with the reason.
PERMANENT = frozenset({
    "channel_not_found", "is_archived", "user_not_found", "invalid_auth",
    "account_inactive", "token_revoked", "missing_scope", "not_authed", "msg_too_long",
    "no_text", "invalid_blocks", "user_disabled", "cannot_dm_bot", "restricted_action",
})
# The token may post but not read the conversation back: the exactly-once check cannot be
# made, so a line that may have been sent is posted (once more at worst), never held forever.
CANNOT_READ = frozenset({"not_allowed_token_type", "missing_scope"})
METADATA_TYPE = "ticketbot_notification"
THREAD_PAGE = 200  # Slack recommends no more than 200 messages a page
THREAD_PAGES = 25  # a thread is read back up to 5,000 lines deep


class SlackSender:
    def __init__(self, client: AsyncWebClient, catalogs: Catalogs | None = None) -> None:
        self.client = client
        self.catalogs = catalogs or Catalogs(ZoneInfo("UTC"))
        self._dm_channels: dict[str, str] = {}

    async def send(self, message: Outgoing, *, check_duplicate: bool) -> str | None:
        channel = message.address
        try:
            channel = await self._channel(message.address)
            try:
                return await self._send(channel, message, check_duplicate)
            except SlackApiError as error:
                # A public channel the bot posts to through chat:write.public without being in
                # it cannot be read back until it joins (channels:join); then try once more.
                if _code(error) != "not_in_channel" or not await self._join(channel):
                    raise
                return await self._send(channel, message, check_duplicate)
        except SlackApiError as error:
            raise _classify(error, channel) from error
        except (TimeoutError, aiohttp.ClientError) as error:
            raise DeliveryError(f"Slack unreachable: {error!r}", maybe_sent=True) from error

    async def send_file(self, file: OutgoingFile) -> str | None:
        """Slack's external upload (what slack_sdk's `files_upload_v2` does): ask
        files.getUploadURLExternal for a URL, POST the bytes there, then
        files.completeUploadExternal shares the file with the channel (or thread, or DM)."""
        channel = file.address
        try:
            channel = await self._channel(file.address)
            response = await self.client.files_upload_v2(
                filename=file.filename, content=file.content, title=file.title,
                channel=channel, thread_ts=file.thread, initial_comment=file.comment)
        except SlackApiError as error:
            raise _classify(error, channel) from error
        except SlackRequestError as error:  # the upload URL refused the bytes: nothing shared
            raise DeliveryError(f"Slack upload failed: {error}") from error
        except (TimeoutError, aiohttp.ClientError) as error:
            raise DeliveryError(f"Slack unreachable: {error!r}", maybe_sent=True) from error
        return str((response.get("file") or {}).get("id") or "")

    async def _send(self, channel: str, message: Outgoing, check_duplicate: bool) -> str:
        if message.card is not None:
            if check_duplicate and not message.thread:
                ts = await self._already_posted(channel, message.idempotency_key, None)
                if ts is not None:
                    return ts
            return await self._card(channel, message)
        if check_duplicate:
            ts = await self._already_posted(channel, message.idempotency_key, message.thread)
            if ts is not None:
                return ts
        response = await self.client.chat_postMessage(
            channel=channel, text=message.text, thread_ts=message.thread,
            unfurl_links=False, unfurl_media=False,
            metadata={"event_type": METADATA_TYPE,
                      "event_payload": {"key": message.idempotency_key}})
        return str(response["ts"])

    async def _card(self, channel: str, message: Outgoing) -> str:
        """Post the ticket's card, or update it in place when it exists (`thread` is its ts)."""
        assert message.card is not None
        blocks = card_blocks(message.card, self.catalogs.get(message.locale, "slack"))
        if message.thread:
            try:
                response = await self.client.chat_update(channel=channel, ts=message.thread,
                                                         text=message.text, blocks=blocks)
                return str(response["ts"])
            except SlackApiError as error:
                if error.response.get("error") != "message_not_found":
                    raise
                # The card was deleted: post it again; its new ts replaces the old one.
            response = await self.client.chat_postMessage(
                channel=channel, text=message.text, blocks=blocks, unfurl_links=False)
        else:
            response = await self.client.chat_postMessage(
                channel=channel, text=message.text, blocks=blocks, unfurl_links=False,
                metadata={"event_type": METADATA_TYPE,
                          "event_payload": {"key": message.idempotency_key}})
        return str(response["ts"])

    async def _channel(self, address: str) -> str:
        """A user id (U…/W…) is messaged in their DM channel with the bot."""
        if address[:1] not in ("U", "W"):
            return address
        if address not in self._dm_channels:
            opened = await self.client.conversations_open(users=address)
            self._dm_channels[address] = str(opened["channel"]["id"])
        return self._dm_channels[address]

    async def _join(self, channel: str) -> bool:
        if channel[:1] != "C":
            return False  # private channels and DMs cannot be joined, only invited to
        try:
            await self.client.conversations_join(channel=channel)
        except SlackApiError as error:
            log.warning("could not join %s to read it back: %s", channel, _code(error))
            return False
        return True

    async def _already_posted(self, channel: str, key: str, thread: str | None) -> str | None:
        """The ts of an earlier post of `key`: among the channel's recent top-level messages,
        or, for a thread line, among the thread's replies (conversations.history never lists
        replies; conversations.replies does)."""
        try:
            if thread is None:
                history = await self.client.conversations_history(
                    channel=channel, limit=100, include_all_metadata=True)
                return _find(history.get("messages", []), key)
            cursor = None
            for _ in range(THREAD_PAGES):
                page = await self.client.conversations_replies(
                    channel=channel, ts=thread, limit=THREAD_PAGE, include_all_metadata=True,
                    **({"cursor": cursor} if cursor else {}))
                found = _find(page.get("messages", []), key)
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if found is not None or not page.get("has_more") or not cursor:
                    return found
            return None
        except SlackApiError as error:
            if _code(error) not in CANNOT_READ:
                raise
            log.warning("cannot read %s back (%s): posting without the duplicate check",
                        channel, _code(error))
            return None


def _find(messages: list[dict[str, Any]], key: str) -> str | None:
    for item in messages:
        metadata = item.get("metadata") or {}
        if (metadata.get("event_type") == METADATA_TYPE
                and (metadata.get("event_payload") or {}).get("key") == key):
            return str(item.get("ts"))
    return None


def _code(error: SlackApiError) -> str:
    response = error.response
    return str(response.get("error", "")) if response is not None else ""


def _classify(error: SlackApiError, channel: str) -> DeliveryError:
    response = error.response
    code = _code(error)
    status = response.status_code if response is not None else 0
    if status == 429 or code == "ratelimited":
        retry_after = float(response.headers.get("Retry-After", "1")) if response else 1.0
        return DeliveryError(f"Slack rate limit ({retry_after:g}s)", retry_after=retry_after,
                             rate_limited=True)
    if code == "not_in_channel":
        # Not permanent: someone may invite the bot (or grant channels:join) before the last
        # attempt. The reason says what would fix it.
        return DeliveryError(f"Slack: the bot is not in {channel} and could not join it; invite "
                             f"it there or grant channels:join")
    if code in PERMANENT:
        return DeliveryError(f"Slack refused: {code}", permanent=True)
    # 5xx and unknown errors: the post may or may not have happened.
    return DeliveryError(f"Slack error {status} {code}".strip(), maybe_sent=status >= 500)
