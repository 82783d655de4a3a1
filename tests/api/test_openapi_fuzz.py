"""A bounded property-based run over the OpenAPI document (schemathesis): generated requests to
every operation, valid and not, get no 5xx and no answer that breaks the document."""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from bot.api.app import build_api
from bot.api.auth import SCOPES
from bot.api.openapi import document
from bot.api.routes import endpoints
from bot.bootstrap import build_app
from bot.http import build_http
from bot.settings import Settings
from storage.api_tokens import SqlApiTokens
from storage.engine import session_factory
from tests.support.clock import FakeClock
from tests.support.databases import sqlite_copy

schema = schemathesis.openapi.from_dict(document(endpoints()))
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]


class Live:
    """One app on one event loop of its own, called from hypothesis's synchronous examples."""

    def __init__(self, template: Path, tmp: Path) -> None:
        self.loop = asyncio.new_event_loop()
        url = sqlite_copy(template, tmp)
        settings_ = Settings(_env_file=None, database_url=url, org_file=None, locale="en",
                             timezone="UTC", api_rate_per_second=1e6, api_burst=1e6)
        self.app = self.loop.run_until_complete(build_app(settings_, clock=FakeClock()))
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=build_http(None, _ready, api=build_api(self.app))),
            base_url="http://test")
        self.token = self.loop.run_until_complete(self._seed())
        self.admin = self.loop.run_until_complete(self._admin())

    async def _seed(self) -> str:
        tokens = SqlApiTokens(session_factory(self.app.engine))
        scopes = frozenset({"tickets:read", "tickets:write"})
        _, token = await tokens.create("dave", scopes, self.app.clock.now())
        for title in ("VPN down", "Printer jammed"):  # IT-1, IT-2 exist for the paths
            await self.client.post("/api/v1/tickets", json={"title": title},
                                   headers={"Authorization": f"Bearer {token}"})
        return token

    async def _admin(self) -> str:
        """Webhook subscriptions are an admin's: their endpoints are called with this token."""
        tokens = SqlApiTokens(session_factory(self.app.engine))
        _, token = await tokens.create("admin", frozenset(SCOPES), self.app.clock.now())
        return token

    def send(self, kwargs: dict[str, Any]) -> httpx.Response:
        token = self.admin if "/webhooks" in str(kwargs.get("path") or kwargs.get("url")) \
            else self.token
        kwargs["headers"] = {**(kwargs.get("headers") or {}), "Authorization": f"Bearer {token}"}
        kwargs["url"] = kwargs.pop("url", None) or kwargs.pop("path")  # with the servers' /api/v1
        return self.loop.run_until_complete(self.client.request(**_httpx_kwargs(kwargs)))

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.run_until_complete(self.app.aclose())
        self.loop.close()


def _httpx_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    allowed = ("method", "url", "headers", "params", "json", "content", "data")
    out = {k: v for k, v in kwargs.items() if k in allowed and v is not None}
    if "data" in out and not isinstance(out["data"], dict):
        out["content"] = out.pop("data")
    return out


async def _ready() -> dict[str, bool]:
    return {"database": True}


@pytest.fixture(scope="module")
def live(_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    running = Live(_sqlite_template, tmp_path_factory.mktemp("fuzz"))
    try:
        yield running
    finally:
        running.close()


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_error_and_no_answer_outside_the_document(case: Any, live: Live) -> None:
    kwargs = case.as_transport_kwargs(base_url="")
    response = live.send(kwargs)
    case.validate_response(response, checks=CHECKS)
