"""PostgreSQL away (a restart, a failover) while people use the bot: every request in that window
is told "could not save, please retry" and writes nothing, /readyz says not ready, and the bot
recovers on its own once the database is back. The bot reaches PostgreSQL through a TCP proxy
that the test cuts, so the shared server is never restarted."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from storage.engine import make_engine
from storage.models import TicketRow
from tests.e2e.slack_stack import SlackStack, slack_stack
from tests.fakes.slack_web import FakeSlack
from tests.fakes.tcp_proxy import TcpProxy
from tests.support.clock import FakeClock

RETRY = "Could not save, please retry. Nothing was changed."


@pytest.fixture
async def proxy(database_url: str) -> AsyncIterator[TcpProxy]:
    url = make_url(database_url)
    async with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as running:
        yield running


@pytest.fixture
async def stack(database_url: str, proxy: TcpProxy, tmp_path: Path, clock: FakeClock,
                fake_slack: FakeSlack) -> AsyncIterator[SlackStack]:
    proxied = make_url(database_url).set(host="127.0.0.1", port=proxy.port)
    async with slack_stack(proxied.render_as_string(hide_password=False), tmp_path, clock,
                           fake_slack) as running:
        yield running


async def tickets(database_url: str) -> list[str]:
    engine = make_engine(database_url)  # straight to the server, not through the proxy
    try:
        async with engine.connect() as conn:
            return list(await conn.scalars(select(TicketRow.title).order_by(TicketRow.id)))
    finally:
        await engine.dispose()


async def reply(stack: SlackStack, text: str) -> str:
    response = await stack.command("U0ALICE", text)
    assert response.status_code == 200  # an answer in chat, never an error page
    return str(stack.responses()[-1]["text"])


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_outage_gets_retry_replies_then_the_bot_recovers_by_itself(
        stack: SlackStack, proxy: TcpProxy, database_url: str) -> None:
    assert await reply(stack, "new Printer jammed") == "Created IT-1 for Alice for IT Support."

    proxy.cut()  # the server goes away under open connections, and refuses new ones
    assert await reply(stack, "new VPN down") == RETRY
    assert await reply(stack, "new VPN still down") == RETRY
    ready = await stack.http.get(f"{stack.url}/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] is False

    proxy.restore()  # nothing restarts the bot: its pool reconnects
    ready = await stack.http.get(f"{stack.url}/readyz")
    assert ready.status_code == 200
    assert await reply(stack, "new VPN down") == "Created IT-2 for Alice for IT Support."
    assert await tickets(database_url) == ["Printer jammed", "VPN down"]
