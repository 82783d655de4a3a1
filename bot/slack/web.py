"""The Slack Web API client, on one shared HTTP connection pool, with slack_sdk's retries.

Without a session of its own, slack_sdk's async client opens an aiohttp session, and so a new
connection (a TLS handshake with slack.com), for every call, and closes it afterwards.

Retries: a 429 is answered before Slack did anything, so waiting its `Retry-After` and calling
again is always safe; a connection error is retried too (slack_sdk's own handlers). For the
outbox relay's client a long `Retry-After` is not slept through: the relay reschedules the row
itself (and paces the channel), rather than holding its sweep.
"""

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings

TIMEOUT = 10  # seconds per call
RETRIES = 2  # per kind of failure, on top of the first attempt
DELIVERY_RETRY_AFTER_CAP = 2.0  # seconds the relay's client may wait in place on a 429


class _PatientUpTo(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, declining to wait longer than `cap` seconds."""

    def __init__(self, max_retry_count: int, cap: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.cap = cap

    async def _can_retry_async(self, *, state: Any, request: Any, response: Any = None,
                               error: Exception | None = None) -> bool:
        if not await super()._can_retry_async(state=state, request=request, response=response,
                                              error=error):
            return False
        waits = [v for k, v in response.headers.items() if k.lower() == "retry-after"]
        try:
            return float(waits[0][0]) <= self.cap if waits else True
        except (ValueError, IndexError):
            return True


def retry_handlers(*, delivery: bool = False) -> list[AsyncRetryHandler]:
    rate_limit = (_PatientUpTo(RETRIES, DELIVERY_RETRY_AFTER_CAP) if delivery
                  else AsyncRateLimitErrorRetryHandler(max_retry_count=RETRIES))
    return [AsyncConnectionErrorRetryHandler(max_retry_count=RETRIES), rate_limit]


@contextlib.asynccontextmanager
async def web_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as session:
        yield session


def web_client(settings: Settings, session: aiohttp.ClientSession | None, *,
               delivery: bool = False) -> AsyncWebClient:
    """`delivery`: the outbox relay's client (see the module docstring)."""
    return AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url,
                          timeout=TIMEOUT, session=session,
                          retry_handlers=retry_handlers(delivery=delivery))
