"""The bot process: Slack over HTTP or Socket Mode, the outbox relay, and periodic jobs.

Stops gracefully on SIGTERM/SIGINT: no new requests, in-flight work finished, connections closed.
"""

import asyncio
import contextlib
import logging
import signal

import uvicorn
from sqlalchemy import text

from bot.bootstrap import App, build_app
from bot.http import build_http
from bot.senders.factory import platform_senders
from bot.settings import Settings
from commands.actions.autoclose import close_stale_resolved
from storage.migrate import schema_state

log = logging.getLogger(__name__)
AUTOCLOSE_EVERY = 600.0  # seconds


async def readiness(core: App, extra: dict[str, bool] | None = None) -> dict[str, bool]:
    checks = {"database": False, "schema": False}
    try:
        async with core.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = True
        checks["schema"] = (await schema_state(core.engine)).is_current
    except Exception:
        log.warning("readiness: database unreachable", exc_info=True)
    return {**checks, **(extra or {})}


async def _every(seconds: float, stop: asyncio.Event, job) -> None:  # type: ignore[no-untyped-def]
    while not stop.is_set():
        try:
            await job()
        except Exception:
            log.exception("periodic job failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)


async def serve(settings: Settings) -> int:
    core = await build_app(settings, platforms=settings.platforms)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    socket = None
    try:
        slack = None
        if settings.slack_bot_token:
            from bot.slack.app import build_slack

            slack = build_slack(core)
        socket_mode = slack is not None and bool(settings.slack_app_token)
        connected: dict[str, bool] = {}

        async def ready() -> dict[str, bool]:
            return await readiness(core, connected)

        http = build_http(slack.app if slack is not None and not socket_mode else None, ready)
        server = uvicorn.Server(uvicorn.Config(http, host=settings.http_host,
                                               port=settings.http_port, log_level="warning",
                                               lifespan="off"))
        async with platform_senders(settings, core.clock) as senders:
            tasks = [asyncio.create_task(server.serve(), name="http")]
            if socket_mode and slack is not None:
                from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

                socket = AsyncSocketModeHandler(slack.app, settings.slack_app_token)
                await socket.connect_async()
                connected["slack_socket"] = True
            if senders:
                tasks.append(asyncio.create_task(core.relay(senders).run(stop), name="relay"))
            tasks.append(asyncio.create_task(_every(
                AUTOCLOSE_EVERY, stop,
                lambda: close_stale_resolved(core.uow, core.loaded.org, core.clock, core.notify)),
                name="autoclose"))
            log.info("ticketbot serving on %s:%s (%s)", settings.http_host, settings.http_port,
                     ", ".join(sorted(p.value for p in settings.platforms)))
            await stop.wait()
            log.info("shutting down")
            server.should_exit = True
            if socket is not None:
                await socket.close_async()
            await asyncio.wait(tasks, timeout=settings.shutdown_timeout)
    finally:
        await core.aclose()
    return 0
