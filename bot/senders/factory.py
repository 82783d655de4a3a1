"""Build the senders for the messengers that have credentials."""

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import httpx

from bot.orgfile import LoadedOrg
from bot.senders.dingtalk import DingTalkSender
from bot.senders.slack import SlackSender
from bot.senders.webhook import WebhookSender
from bot.settings import Settings
from bot.slack.web import web_client, web_session
from commands.ports import Clock
from notifications.catalogs import Catalogs
from notifications.senders import Sender
from storage.webhooks import StoredWebhooks
from workflows.webhooks import Subscription


@asynccontextmanager
async def platform_senders(settings: Settings, clock: Clock,
                           slack_session: aiohttp.ClientSession | None = None,
                           loaded: LoadedOrg | None = None,
                           stored_webhooks: StoredWebhooks | None = None
                           ) -> AsyncIterator[dict[str, Sender]]:
    """`slack_session`: the process's Slack connection pool, if it has one already; `loaded`:
    the organisation, whose webhook subscriptions get a sender of their own, as do those made
    through the API (`stored_webhooks`)."""
    senders: dict[str, Sender] = {}
    async with (httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0)) as http,
                contextlib.AsyncExitStack() as stack):
        if settings.slack_bot_token:
            session = slack_session or await stack.enter_async_context(web_session())
            senders["slack"] = SlackSender(web_client(settings, session, delivery=True),
                                           Catalogs(settings.tz, settings.templates_dir))
        if settings.dingtalk_client_id and settings.dingtalk_client_secret:
            senders["dingtalk"] = DingTalkSender(
                http, settings.dingtalk_openapi_endpoint, settings.dingtalk_client_id,
                settings.dingtalk_client_secret,
                settings.dingtalk_robot_code or settings.dingtalk_client_id, clock,
                catalogs=Catalogs(settings.tz, settings.templates_dir),
                card_template_id=(settings.dingtalk_card_template_id
                                  if settings.dingtalk_card_mode else None),
                media_url=settings.dingtalk_media_endpoint)
        if settings.feishu_enabled:
            from bot.senders.feishu import FeishuSender

            senders["feishu"] = FeishuSender(
                settings.feishu_openapi_endpoint, settings.feishu_app_id or "",
                settings.feishu_app_secret or "", clock,
                catalogs=Catalogs(settings.tz, settings.templates_dir))
        if (loaded is not None and loaded.org.webhooks) or stored_webhooks is not None:
            senders["webhook"] = await webhook_sender(stack, clock, loaded, stored_webhooks)
        yield senders


async def webhook_sender(stack: contextlib.AsyncExitStack, clock: Clock, loaded: LoadedOrg | None,
                         stored: StoredWebhooks | None) -> WebhookSender:
    """The sender of the organisation file's subscriptions and the API's; its HTTP client is
    closed with `stack`."""
    http = await stack.enter_async_context(httpx.AsyncClient(
        timeout=httpx.Timeout(10.0, connect=5.0), follow_redirects=False))

    async def lookup(name: str) -> tuple[Subscription, str] | None:
        found = await stored.find(name) if stored is not None else None
        return None if found is None else (found.subscription, found.secret)

    return WebhookSender(http, loaded.org.webhooks if loaded else (),
                         loaded.webhook_secrets if loaded else {},
                         lambda: clock.now().timestamp(), lookup if stored else None)
