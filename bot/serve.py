"""The bot process: Slack over HTTP or Socket Mode, the outbox relay, and periodic jobs.

Stops gracefully on SIGTERM/SIGINT, within TICKETBOT_SHUTDOWN_TIMEOUT: no new requests or Socket
Mode messages, in-flight requests finished, the relay stopped after its current sweep, then the
connections and the database engine closed.
"""

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import uvicorn
from sqlalchemy import text

from bot.bootstrap import App, build_app, settle_heap
from bot.http import build_http
from bot.metrics import ticket_counts
from bot.scheduler import sla_tick
from bot.senders.factory import platform_senders
from bot.settings import Settings
from commands.actions.autoclose import close_stale_resolved
from storage.migrate import schema_state

log = logging.getLogger(__name__)
AUTOCLOSE_EVERY = 600.0  # seconds
SLA_EVERY = 30.0
Check = Callable[[], Awaitable[bool]]


async def readiness(core: App, connections: dict[str, Check] | None = None) -> dict[str, bool]:
    """Ready: the database answers, the schema is current, every configured connection is up."""
    checks = {"database": False, "schema": False}
    try:
        async with core.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = True
        checks["schema"] = (await schema_state(core.engine)).is_current
    except Exception:
        log.warning("readiness: database unreachable", exc_info=True)
    for name, check in (connections or {}).items():
        try:
            checks[name] = await check()
        except Exception:
            checks[name] = False
    return checks


async def _every(seconds: float, stop: asyncio.Event, job) -> None:  # type: ignore[no-untyped-def]
    while not stop.is_set():
        try:
            await job()
        except Exception:
            log.exception("periodic job failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: serve() owns SIGTERM and the shutdown order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(settings: Settings) -> int:
    core = await build_app(settings, platforms=settings.platforms)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    socket = None
    web = contextlib.AsyncExitStack()
    try:
        slack = None
        session = None
        if settings.slack_bot_token:
            from bot.slack.app import build_slack
            from bot.slack.web import web_session

            session = await web.enter_async_context(web_session())  # shared by bolt and relay
            slack = build_slack(core, session=session)
            await slack.warm_up()  # auth.test now, not before the first request's ack
        socket_mode = slack is not None and bool(settings.slack_app_token)
        connections: dict[str, Check] = {}

        async def ready() -> dict[str, bool]:
            return await readiness(core, connections)

        http = build_http(slack.app if slack is not None and not socket_mode else None, ready,
                          on_scrape=ticket_counts(core.engine))
        server = _Server(uvicorn.Config(
            http, host=settings.http_host, port=settings.http_port, log_level="warning",
            lifespan="off", timeout_graceful_shutdown=max(1, int(settings.shutdown_timeout))))
        async with platform_senders(settings, core.clock, session) as senders:
            tasks = [asyncio.create_task(server.serve(), name="http")]
            if socket_mode and slack is not None:
                from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

                socket = AsyncSocketModeHandler(slack.app, settings.slack_app_token)
                await socket.connect_async()
                connections["slack_socket"] = socket.client.is_connected
            if senders:
                tasks.append(asyncio.create_task(core.relay(senders).run(stop), name="relay"))
            tasks.append(asyncio.create_task(_every(
                AUTOCLOSE_EVERY, stop,
                lambda: close_stale_resolved(core.uow, core.loaded.org, core.clock, core.notify)),
                name="autoclose"))
            # SLA clocks: every replica sweeps; the database hands each due step to one of them.
            tasks.append(asyncio.create_task(_every(SLA_EVERY, stop, lambda: sla_tick(core)),
                                             name="sla"))
            settle_heap()
            log.info("ticketbot serving on %s:%s (%s)", settings.http_host, settings.http_port,
                     ", ".join(sorted(p.value for p in settings.platforms)))
            await _until_stopped(stop, tasks)
            await _shut_down(server, socket, tasks, settings.shutdown_timeout)
            if slack is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(slack.settle(), settings.shutdown_timeout)
    finally:
        await web.aclose()
        await core.aclose()
    return 0


async def _until_stopped(stop: asyncio.Event, tasks: list[asyncio.Task[None]]) -> None:
    """Wait for a signal; a crashed task (the port was taken, …) stops the process too."""
    waiter = asyncio.create_task(stop.wait())
    await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    stop.set()


async def _shut_down(server: uvicorn.Server, socket: Any, tasks: list[asyncio.Task[None]],
                     grace: float) -> None:
    log.info("shutting down: finishing in-flight work (at most %.0f s)", grace)
    deadline = asyncio.get_running_loop().time() + grace
    server.should_exit = True  # stop accepting; uvicorn lets open requests finish
    if socket is not None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(socket.close_async(), grace)
    left = max(0.1, deadline - asyncio.get_running_loop().time())
    done, pending = await asyncio.wait(tasks, timeout=left)
    for task in pending:
        log.warning("shutdown timeout: cancelling %s", task.get_name())
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=1)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            log.error("%s stopped with an error", task.get_name(), exc_info=task.exception())
