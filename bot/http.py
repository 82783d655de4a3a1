"""The ASGI app: Slack's single request URL, health, readiness and Prometheus metrics."""

import logging
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Readiness = Callable[[], Awaitable[dict[str, bool]]]
ScrapeHook = Callable[[], Awaitable[None]]
log = logging.getLogger(__name__)


def build_http(slack: AsyncApp | None, ready: Readiness,
               on_scrape: ScrapeHook | None = None) -> Starlette:
    """`on_scrape` refreshes the gauges counted in the database just before /metrics answers."""
    routes = []
    if slack is not None:
        handler = AsyncSlackRequestHandler(slack)

        async def slack_events(request: Request) -> Response:
            return await handler.handle(request)

        routes.append(Route("/slack/events", slack_events, methods=["POST"]))

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "alive"})

    async def readyz(_: Request) -> Response:
        checks = await ready()
        ok = all(checks.values())
        return JSONResponse({"ready": ok, "checks": checks}, status_code=200 if ok else 503)

    async def metrics(_: Request) -> Response:
        if on_scrape is not None:
            try:
                await on_scrape()
            except Exception:  # the database may be away: serve the other metrics anyway
                log.warning("metrics: could not count tickets", exc_info=True)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    routes += [Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics)]
    return Starlette(routes=routes)
