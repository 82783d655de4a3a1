"""Deliver outbox messages through the Slack Web API (slack_sdk's async client)."""

from zoneinfo import ZoneInfo

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.cards import card_blocks
from notifications.catalogs import Catalogs
from notifications.senders import DeliveryError, Outgoing

# Errors that no retry can fix: the message goes to the dead letters with the reason.
PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "user_not_found", "invalid_auth",
    "account_inactive", "token_revoked", "missing_scope", "not_authed", "msg_too_long",
    "no_text", "invalid_blocks", "user_disabled", "cannot_dm_bot", "restricted_action",
})
METADATA_TYPE = "ticketbot_notification"


class SlackSender:
    def __init__(self, client: AsyncWebClient, catalogs: Catalogs | None = None) -> None:
        self.client = client
        self.catalogs = catalogs or Catalogs(ZoneInfo("UTC"))
        self._dm_channels: dict[str, str] = {}

    async def send(self, message: Outgoing, *, check_duplicate: bool) -> str | None:
        try:
            channel = await self._channel(message.address)
            if message.card is not None:
                if check_duplicate and not message.thread:
                    ts = await self._already_posted(channel, message.idempotency_key)
                    if ts is not None:
                        return ts
                return await self._card(channel, message)
            if check_duplicate:
                ts = await self._already_posted(channel, message.idempotency_key)
                if ts is not None:
                    return ts
            response = await self.client.chat_postMessage(
                channel=channel, text=message.text, thread_ts=message.thread,
                unfurl_links=False, unfurl_media=False,
                metadata={"event_type": METADATA_TYPE,
                          "event_payload": {"key": message.idempotency_key}})
            return str(response["ts"])
        except SlackApiError as error:
            raise _classify(error) from error
        except (TimeoutError, aiohttp.ClientError) as error:
            raise DeliveryError(f"Slack unreachable: {error!r}", maybe_sent=True) from error

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

    async def _already_posted(self, channel: str, key: str) -> str | None:
        history = await self.client.conversations_history(
            channel=channel, limit=100, include_all_metadata=True)
        for item in history.get("messages", []):
            metadata = item.get("metadata") or {}
            if (metadata.get("event_type") == METADATA_TYPE
                    and (metadata.get("event_payload") or {}).get("key") == key):
                return str(item.get("ts"))
        return None


def _classify(error: SlackApiError) -> DeliveryError:
    response = error.response
    code = str(response.get("error", "")) if response is not None else ""
    status = response.status_code if response is not None else 0
    if status == 429 or code == "ratelimited":
        retry_after = float(response.headers.get("Retry-After", "1")) if response else 1.0
        return DeliveryError(f"Slack rate limit ({retry_after:g}s)", retry_after=retry_after,
                             rate_limited=True)
    if code in PERMANENT:
        return DeliveryError(f"Slack refused: {code}", permanent=True)
    # 5xx and unknown errors: the post may or may not have happened.
    return DeliveryError(f"Slack error {status} {code}".strip(), maybe_sent=status >= 500)
