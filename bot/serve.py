"""`ticketbot serve`: the one bot process. It runs whatever the settings enable, together:

- Slack over HTTP (`/slack/events`) and/or Socket Mode,
- DingTalk in Stream Mode,
- Feishu over its long connection (and `/feishu/events` with FEISHU_VERIFICATION_TOKEN),
- the outbox relay (delivery to every configured messenger),
- every scheduled job (bot/scheduler.py: SLA sweep, auto-close, retention),
- `/healthz`, `/readyz` (the database, the schema, each messenger's connection) and `/metrics`.

Stops gracefully on SIGTERM/SIGINT, within TICKETBOT_SHUTDOWN_TIMEOUT: the scheduler stops
ticking, no new requests, Socket Mode messages or Stream frames are taken, in-flight ones finish
(and ACK), the relay finishes its sweep, then the connections and the database engine close.
"""

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import uvicorn
from sqlalchemy import text

from bot.api.app import build_api
from bot.bootstrap import App, build_app, configure_dingtalk_sdk, settle_heap, warm_kb
from bot.holiday_check import readiness_details, warn_at_start
from bot.http import build_http
from bot.intake.routes import intake_routes
from bot.intake.tokens import api_token_check
from bot.metrics import ticket_counts
from bot.scheduler import build_scheduler
from bot.senders.factory import platform_senders
from bot.settings import Settings
from storage.migrate import schema_state

log = logging.getLogger(__name__)
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


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: serve() owns SIGTERM and the shutdown order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


def describe(settings: Settings) -> str:
    """What this process serves, for the start-up log line."""
    parts = []
    if settings.slack_enabled:
        parts.append("Slack (Socket Mode)" if settings.slack_app_token else "Slack (HTTP)")
    if settings.dingtalk_enabled:
        parts.append("DingTalk (Stream Mode, "
                     + ("cards)" if settings.dingtalk_card_mode else "markdown)"))
    if settings.feishu_enabled:
        parts.append("Feishu (long connection"
                     + (", events at /feishu/events)" if settings.feishu_verification_token else ")"))
    return ", ".join(parts)


async def serve(settings: Settings) -> int:
    if settings.dingtalk_enabled:
        configure_dingtalk_sdk(settings)  # before anything imports the SDK
    core = await build_app(settings, platforms=settings.platforms)
    stop = _stop_on_signals()
    try:
        async with contextlib.AsyncExitStack() as stack:
            await _run(core, settings, stop, stack)
    finally:
        await core.aclose()
    return 0


async def _run(core: App, settings: Settings, stop: asyncio.Event,
               stack: contextlib.AsyncExitStack) -> None:
    slack = session = socket = dingtalk = None
    if settings.slack_enabled:
        from bot.slack.app import build_slack
        from bot.slack.web import web_session

        session = await stack.enter_async_context(web_session())  # shared by bolt and relay
        slack = build_slack(core, session=session)
        await slack.warm_up()  # auth.test now, not before the first request's ack
    socket_mode = slack is not None and bool(settings.slack_app_token)
    connections: dict[str, Check] = {}

    async def ready() -> dict[str, bool]:
        return await readiness(core, connections)

    senders = await stack.enter_async_context(platform_senders(settings, core.clock, session,
                                                                     core.loaded, core.uow.webhooks))
    routes = intake_routes(core.intake(api_token_check(core)))
    feishu = None
    if "feishu" in senders:
        from bot.feishu.runtime import FeishuRuntime

        feishu = FeishuRuntime(core, senders["feishu"])  # type: ignore[arg-type]
        if feishu.http_events:
            routes = [*routes, feishu.route()]
    http = build_http(slack.app if slack is not None and not socket_mode else None, ready,
                      on_scrape=ticket_counts(core.engine, settings.metrics_refresh_seconds),
                      details=lambda: readiness_details(core.loaded.org.sla, core.clock.now()),
                      routes=routes, api=build_api(core))
    warn_at_start(core.loaded.org.sla, core.clock.now())
    server = _Server(uvicorn.Config(
        http, host=settings.http_host, port=settings.http_port, log_level="warning",
        lifespan="off", timeout_graceful_shutdown=max(1, int(settings.shutdown_timeout))))
    core.senders.update(senders)  # the weekly digest posts its charts through them
    tasks = [asyncio.create_task(server.serve(), name="http")]
    if socket_mode and slack is not None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        socket = AsyncSocketModeHandler(slack.app, settings.slack_app_token)
        await socket.connect_async()
        connections["slack_socket"] = socket.client.is_connected
    if "dingtalk" in senders:
        from bot.dingtalk.runtime import DingTalkRuntime

        stream_http = await stack.enter_async_context(
            httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0)))
        dingtalk = DingTalkRuntime(core, senders["dingtalk"], stream_http)  # type: ignore[arg-type]
        tasks.append(asyncio.create_task(dingtalk.run(stop), name="dingtalk"))
        connections["dingtalk_stream"] = dingtalk.connected
    if feishu is not None:  # its own thread; `stop` closes the connection before the drain
        tasks.append(asyncio.create_task(feishu.run(stop, settings.shutdown_timeout / 2),
                                         name="feishu"))
        connections["feishu_connection"] = feishu.connected
    if senders:
        relay = core.relay(senders)
        tasks.append(asyncio.create_task(relay.run(
            stop, gather=settings.outbox_gather_seconds, wake=core.wake,
            fallback=settings.outbox_poll_seconds), name="relay"))
        listener = core.listener()
        if listener is not None:  # ends with `stop`; a lost connection is its own business
            tasks.append(asyncio.create_task(listener.run(stop), name="outbox-listener"))
    await warm_kb(core)  # jieba's dictionary and the search index, before the first request
    scheduler = build_scheduler(core)
    scheduler.start()
    settle_heap()
    serving = describe(settings)
    if serving:
        log.info("ticketbot serving %s on %s:%s", serving, settings.http_host, settings.http_port)
    else:
        log.warning("no messenger is configured: serving only /healthz, /readyz and /metrics on "
                    "%s:%s, and the scheduled jobs (set SLACK_BOT_TOKEN, DINGTALK_CLIENT_ID or "
                    "FEISHU_APP_ID)",
                    settings.http_host, settings.http_port)
    try:
        await _until_stopped(stop, tasks)
    finally:
        await scheduler.stop(settings.shutdown_timeout / 2)  # a sweep mid-step finishes it
    await _shut_down(server, socket, tasks, settings.shutdown_timeout)
    for part in (slack, dingtalk, feishu):
        if part is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(part.settle(), settings.shutdown_timeout)


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
