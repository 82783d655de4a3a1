"""`ticketbot dingtalk`: the Stream client and the outbox relay on one event loop, until
SIGTERM or SIGINT.

On a signal the client stops reading, lets the frames being handled finish and ACK, closes the
connection, and sends the replies still queued; the relay finishes its sweep. Whatever is not
delivered yet stays in the outbox for the next start (or another replica).
"""

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.bootstrap import App, build_app, configure_dingtalk_sdk, settle_heap
from bot.dingtalk.card_actions import CardActionHandler
from bot.dingtalk.inbound import card_action, robot_message
from bot.dingtalk.messages import MessageHandler
from bot.dingtalk.replies import Replier
from bot.senders.dingtalk import DingTalkSender
from bot.senders.factory import platform_senders
from bot.settings import Settings
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
                               cards=bool(settings.dingtalk_card_template_id), sleep=reply_sleep)
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

    async def settle(self) -> None:
        """Wait until every received frame is handled and every reply sent."""
        while busy := self.client.in_flight() + self.replier.pending():
            await asyncio.gather(*busy, return_exceptions=True)


async def serve(settings: Settings) -> int:
    configure_dingtalk_sdk(settings)
    if not (settings.dingtalk_client_id and settings.dingtalk_client_secret):
        print("DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET are not set", file=sys.stderr)
        return 2
    app = await build_app(settings, platforms=settings.platforms)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with (platform_senders(settings, app.clock) as senders,
                    httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0)) as http):
            sender = senders["dingtalk"]
            assert isinstance(sender, DingTalkSender)
            runtime = DingTalkRuntime(app, sender, http)
            settle_heap()
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(runtime.run(stop))
                tasks.create_task(app.relay(senders).run(stop))
    finally:
        await app.aclose()
    return 0
