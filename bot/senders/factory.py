"""Build the senders for the messengers that have credentials."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from slack_sdk.web.async_client import AsyncWebClient

from bot.senders.dingtalk import DingTalkSender
from bot.senders.slack import SlackSender
from bot.settings import Settings
from commands.ports import Clock
from notifications.catalogs import Catalogs
from notifications.senders import Sender


@asynccontextmanager
async def platform_senders(settings: Settings, clock: Clock) -> AsyncIterator[dict[str, Sender]]:
    senders: dict[str, Sender] = {}
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0)) as http:
        if settings.slack_bot_token:
            client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url,
                                    timeout=10)
            senders["slack"] = SlackSender(client, Catalogs(settings.tz, settings.templates_dir))
        if settings.dingtalk_client_id and settings.dingtalk_client_secret:
            senders["dingtalk"] = DingTalkSender(
                http, settings.dingtalk_openapi_endpoint, settings.dingtalk_client_id,
                settings.dingtalk_client_secret,
                settings.dingtalk_robot_code or settings.dingtalk_client_id, clock,
                catalogs=Catalogs(settings.tz, settings.templates_dir),
                card_template_id=settings.dingtalk_card_template_id)
        yield senders
