"""The relay's ear on PostgreSQL: one dedicated connection that LISTENs on `ticketbot_outbox`.

Every transaction that inserts outbox rows notifies the channel (the trigger of migration
0014_wake), and PostgreSQL delivers the notification to every listening session once the
transaction has committed, so every replica hears it and their relays sweep at once; the
fenced claims decide which of them sends. The connection is not the pool's: it lives as long
as the process, outside any transaction.

A notification sent while the connection is down is lost, so after every (re)connection the
relay is rung once ("reconnected") and sweeps. A lost connection is noticed by asyncpg (the
server closed it) or by a `SELECT 1` every `check_every` seconds (a link that died silently);
reconnecting backs off from `backoff` doubling to `backoff_cap` seconds. The relay's fallback
poll covers the rest.
"""

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.engine import make_url

from storage.engine import async_url
from storage.outbox import CHANNEL

log = logging.getLogger(__name__)

Connect = Callable[[], Awaitable[Any]]


def asyncpg_connect(url: str) -> Connect:
    """asyncpg.connect with the arguments SQLAlchemy's own dialect derives from the URL (host,
    port, user, password, database, ssl and other query options), so both read it alike."""
    _, kwargs = PGDialect_asyncpg().create_connect_args(make_url(async_url(url)))
    kwargs = {k: v for k, v in kwargs.items() if k not in ("prepared_statement_cache_size",
                                                           "async_creator_fn")}

    async def connect() -> Any:
        return await asyncpg.connect(**kwargs)

    return connect


class OutboxListener:
    def __init__(self, connect: Connect, ring: Callable[[str], None],
                 check_every: float = 30.0, backoff: float = 0.5, backoff_cap: float = 30.0,
                 rng: random.Random | None = None) -> None:
        self.connect, self.ring = connect, ring
        self.check_every, self.backoff, self.backoff_cap = check_every, backoff, backoff_cap
        self.rng = rng or random.Random()
        self.connected = asyncio.Event()  # for readiness and tests
        self.connections = 0  # how many times it (re)connected

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                connection = await self.connect()
            except Exception as error:
                failures += 1
                delay = min(self.backoff_cap, self.backoff * 2 ** (failures - 1))
                delay = delay / 2 + self.rng.uniform(0, delay / 2)
                log.warning("outbox listener: cannot connect (%s); again in %.1f s",
                            error, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                continue
            failures = 0
            try:
                await self._listen(connection, stop)
            except Exception as error:
                log.warning("outbox listener: connection lost (%s); reconnecting", error)
            finally:
                self.connected.clear()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.close(), 5)

    async def _listen(self, connection: Any, stop: asyncio.Event) -> None:
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        await connection.add_listener(CHANNEL, self._heard)
        self.connections += 1
        self.connected.set()
        # Anything committed while nobody listened (start-up, the outage) is swept now.
        self.ring("reconnected" if self.connections > 1 else "start")
        while not stop.is_set() and not lost.is_set():
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(lost.wait())]
            try:
                await asyncio.wait(waiters, timeout=self.check_every,
                                   return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()
            if stop.is_set() or lost.is_set():
                break
            await asyncio.wait_for(connection.fetchval("SELECT 1"), 10)  # a silent dead link
        if lost.is_set() and not stop.is_set():
            raise ConnectionError("the server closed the listening connection")

    def _heard(self, _connection: Any, _pid: int, _channel: str, _payload: str) -> None:
        self.ring("notified")
