"""The real `ticketbot serve` process for benchmarks: PostgreSQL scratch database, the fake Slack
Web API, the test organisation, HTTP on a free loopback port."""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from tests.e2e.slack_stack import ORG
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.ports import free_port


def bot_env(database_url: str, fake: FakeSlack, port: int,
            log_level: str = "WARNING") -> dict[str, str]:
    org = Path(tempfile.mkdtemp()) / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": database_url, "TICKETBOT_ORG_FILE": str(org),
           "SLACK_BOT_TOKEN": fake.token, "SLACK_SIGNING_SECRET": sp.SIGNING_SECRET,
           "SLACK_API_URL": fake.url, "TICKETBOT_HTTP_HOST": "127.0.0.1",
           "TICKETBOT_HTTP_PORT": str(port), "TICKETBOT_LOG_LEVEL": log_level}
    env.pop("SLACK_APP_TOKEN", None)  # HTTP, not Socket Mode
    return env


def start_bot(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The bot's logs go to the file named by TICKETBOT_BENCH_LOG, if set (appended)."""
    log = env.get("TICKETBOT_BENCH_LOG")
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (the child keeps it)
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=env,
                            stdout=out, stderr=out)


async def wait_ready(http: httpx.AsyncClient, url: str, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if (await http.get(f"{url}/readyz")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError("the bot did not become ready")


@contextlib.asynccontextmanager
async def serving(database_url: str, fake: FakeSlack, http: httpx.AsyncClient,
                  log_level: str = "WARNING") -> AsyncIterator[tuple[subprocess.Popen[bytes], str]]:
    """A ready bot process and its base URL; stopped with SIGTERM (a graceful shutdown)."""
    port = free_port()
    bot = start_bot(bot_env(database_url, fake, port, log_level))
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_ready(http, base)
        yield bot, base
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(timeout=60)
