"""The ASGI app: Slack's single request URL, the REST API, health, readiness and metrics."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

Readiness = Callable[[], Awaitable[dict[str, bool]]]
ScrapeHook = Callable[[], Awaitable[None]]
log = logging.getLogger(__name__)


def build_http(slack: AsyncApp | None, ready: Readiness,
               on_scrape: ScrapeHook | None = None,
               details: Callable[[], dict[str, Any]] | None = None,
               routes: list[BaseRoute] | None = None,
               api: Starlette | None = None) -> Starlette:
    """`on_scrape` refreshes the gauges counted in the database just before /metrics answers;
    `routes`: more endpoints (the monitoring intake under /api/v1/intake, matched before the
    API's mount); `api` is the REST API (bot/api/app.py), served under /api/v1."""
    routes = list(routes or [])
    if slack is not None:
        handler = AsyncSlackRequestHandler(slack)

        async def slack_events(request: Request) -> Response:
            try:
                return await handler.handle(request)
            except (ValueError, TypeError, AttributeError, KeyError) as error:
                # Not UTF-8, a `payload` that is not JSON, or JSON that is not an object: never a
                # body Slack sends. bolt parses and reads it before any listener runs (listener
                # errors are bolt's, see on_error), and would answer 500.
                log.warning("malformed Slack request body: %s", type(error).__name__)
                return JSONResponse({"error": "malformed request body"}, status_code=400)

        routes.append(Route("/slack/events", slack_events, methods=["POST"]))

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "alive"})

    async def readyz(_: Request) -> Response:
        checks = await ready()
        ok = all(checks.values())
        # Details (missing holiday data) are reported beside the checks and never fail them.
        more = details() if details is not None else {}
        return JSONResponse({"ready": ok, "checks": checks, **more},
                            status_code=200 if ok else 503)

    async def metrics(_: Request) -> Response:
        if on_scrape is not None:
            try:
                await on_scrape()
            except Exception:  # the database may be away: serve the other metrics anyway
                log.warning("metrics: could not count tickets", exc_info=True)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    routes += [Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics)]
    if api is not None:
        routes.append(Mount("/api/v1", api))
    return Starlette(routes=routes)
