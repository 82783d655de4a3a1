"""The REST API driven over ASGI (httpx), mounted in the real HTTP app beside /slack/events."""

from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest

from bot.api.app import build_api
from bot.bootstrap import App
from bot.http import build_http
from storage.api_tokens import SqlApiTokens
from storage.engine import session_factory


async def _ready() -> dict[str, bool]:
    return {"database": True}


class Api:
    """An HTTP client for /api/v1 and a way to mint tokens, as `ticketbot api token` does."""

    def __init__(self, app: App, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client
        self.tokens = SqlApiTokens(session_factory(app.engine))

    async def token(self, handle: str, scopes: str = "tickets:read,tickets:write", *,
                    service: bool = False, expires_at: datetime | None = None) -> str:
        _, text = await self.tokens.create(handle, frozenset(scopes.split(",")),
                                           self.app.clock.now(), service=service,
                                           expires_at=expires_at)
        return text

    async def as_(self, handle: str, scopes: str = "tickets:read,tickets:write"
                  ) -> httpx.AsyncClient:
        token = await self.token(handle, scopes)
        return httpx.AsyncClient(transport=self.client._transport,  # same app
                                 base_url="http://test/api/v1",
                                 headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
async def api(app: App) -> AsyncIterator[Api]:
    http = build_http(None, _ready, api=build_api(app))
    transport = httpx.ASGITransport(app=http)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        yield Api(app, client)
