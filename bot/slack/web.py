"""The Slack Web API client, on one shared HTTP connection pool.

Without a session of its own, slack_sdk's async client opens an aiohttp session, and so a new
connection (a TLS handshake with slack.com), for every call, and closes it afterwards.
"""

import contextlib
from collections.abc import AsyncIterator

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings

TIMEOUT = 10  # seconds per call


@contextlib.asynccontextmanager
async def web_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as session:
        yield session


def web_client(settings: Settings, session: aiohttp.ClientSession | None) -> AsyncWebClient:
    return AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url,
                          timeout=TIMEOUT, session=session)
