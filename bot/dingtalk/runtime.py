"""DingTalk in `ticketbot serve`: the Stream client, its handlers and the direct replies.

On a signal the client stops reading, lets the frames being handled finish and ACK, closes the
connection, and sends the replies still queued; the relay finishes its sweep. Whatever is not
delivered yet stays in the outbox for the next start (or another replica).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from websockets.protocol import State

from bot.bootstrap import App
from bot.dingtalk.card_actions import CardActionHandler
from bot.dingtalk.inbound import card_action, robot_message
from bot.dingtalk.messages import MessageHandler
from bot.dingtalk.replies import Replier
from bot.senders.dingtalk import DingTalkSender
from notifications.catalogs import Catalogs

log = logging.getLogger(__name__)


# A frame whose data is not shaped like DingTalk's. It is ACKed as handled: the platform would
# redeliver it on an error ACK, and it would fail the same way every time.
UNREADABLE = (KeyError, TypeError, AttributeError, ValueError, IndexError)


def _unreadable(kind: str, data: Any, error: Exception) -> None:
    log.warning("ignored an unreadable DingTalk %s (%s: %s); keys: %s", kind,
                type(error).__name__, error, sorted(data)[:20] if isinstance(data, dict) else "-")


class DingTalkRuntime:
    def __init__(self, app: App, sender: DingTalkSender, http: httpx.AsyncClient, *,
                 reply_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 **client_options: Any) -> None:
        # Imported here, not at the top: the SDK must not load before its endpoint is set.
        from bot.dingtalk.stream import BOT_MESSAGES, CARD_CALLBACKS, StreamClient

        settings = app.settings
        self.replier = Replier(sender, app.uow, app.loaded.org, app.notify,
                               Catalogs(settings.tz, settings.templates_dir), app.clock,
                               cards=settings.dingtalk_card_mode, sleep=reply_sleep)
        self.messages = MessageHandler(app.dispatcher, app.uow, self.replier,
                                       settings.dingtalk_robot_name)
        self.cards = CardActionHandler(app.dispatcher, app.uow, self.replier)
        client_options.setdefault("silence", settings.dingtalk_watchdog_seconds)
        self.client = StreamClient(settings.dingtalk_client_id or "",
                                   settings.dingtalk_client_secret or "",
                                   settings.dingtalk_openapi_endpoint, http, **client_options)
        self.client.on_callback(BOT_MESSAGES, self._on_message)
        self.client.on_callback(CARD_CALLBACKS, self._on_card, response={})

    async def _on_message(self, data: dict[str, Any]) -> None:
        from dingtalk_stream import ChatbotMessage

        try:
            message = robot_message(ChatbotMessage.from_dict(data))
        except UNREADABLE as error:
            _unreadable("robot message", data, error)
            return
        await self.messages.handle(message)

    async def _on_card(self, data: dict[str, Any]) -> None:
        try:
            action = card_action(data)
        except UNREADABLE as error:
            _unreadable("card callback", data, error)
            return
        await self.cards.handle(action)

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await self.client.run(stop)
        finally:
            await self.replier.idle()

    async def connected(self) -> bool:
        """For /readyz: a Stream connection is open now."""
        ws = getattr(self.client, "websocket", None)
        return ws is not None and getattr(ws, "state", None) is State.OPEN

    async def settle(self) -> None:
        """Wait until every received frame is handled and every reply sent."""
        while busy := self.client.in_flight() + self.replier.pending():
            await asyncio.gather(*busy, return_exceptions=True)
