"""Outbox delivery to a fake Slack that allows one message per second per channel.

    python -m bench.delivery [--channels 500] [--per-channel 4] [--saturate 30] [--inflow 5]

Part 1 (throughput): messages queued for many channels, delivered by one relay with the
production pacing; reports messages and API posts per second.
Part 2 (one saturated channel): messages arrive for one channel faster than it may be posted to;
reports the share of the allowed rate used (posts per second / allowed) and the 429s caused.
Targets: share >= 90 %, at most one 429 per saturated channel.
"""

import argparse
import asyncio
import json
import time
from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from bench._db import fresh_database, migrate
from bot.clock import SystemClock
from bot.platforms import SLACK
from bot.senders.slack import SlackSender
from commands.ports import OutboxMessage
from notifications.catalogs import Catalogs
from notifications.relay import Pacing, Relay
from storage.engine import make_engine, session_factory
from storage.outbox import SqlOutboxStore
from storage.rate_limit import SqlRateLimiter
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.fakes.slack_web import FakeSlack

# The fake enforces exactly 1/s with no burst; pace a little under it so network jitter between
# two posts never makes them look closer than one second.
PACING = Pacing(rate=0.95, burst=1)


def message(n: int, channel: str, now: datetime) -> OutboxMessage:
    return OutboxMessage(
        idempotency_key=f"bench-{channel}-{n}", ticket_id=None, ticket_key=f"IT-{n}",
        event="create", platform=SLACK, address=channel, template="notify.create",
        params={"key": f"IT-{n}", "title": f"Benchmark ticket {n}", "priority": "P3",
                "requester": "Bench"},
        locale="en", urgent=False, created_at=now, not_before=now)


async def enqueue(uow: SqlUnitOfWorkFactory, messages: list[OutboxMessage]) -> None:
    async with uow() as work:
        await work.outbox.add(messages)
        await work.commit()


async def until(probe, done, limit: float) -> None:  # type: ignore[no-untyped-def]
    """Poll `probe()` until `done(result)` or `limit` seconds: the benchmark always ends."""
    deadline = time.perf_counter() + limit
    for _ in range(int(limit / 0.05) + 1):
        if done(await probe()) or time.perf_counter() > deadline:
            return
        await asyncio.sleep(0.05)


async def run(channels: int, per_channel: int, saturate: float, inflow: float) -> dict:
    url = await fresh_database()
    await asyncio.to_thread(migrate, url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    uow = SqlUnitOfWorkFactory(sessions)
    clock = SystemClock()
    result: dict = {}
    async with FakeSlack() as fake:
        fake.per_channel_rate = 1.0
        sender = SlackSender(AsyncWebClient(token=fake.token, base_url=fake.url))
        relay = Relay(SqlOutboxStore(sessions), SqlRateLimiter(sessions), {"slack": sender},
                      Catalogs(UTC), clock, pacing={"slack": PACING}, batch=500)
        stop = asyncio.Event()

        # Part 1: a backlog across many channels.
        now = clock.now()
        backlog = [message(c * per_channel + i, f"C{c:05d}", now)
                   for c in range(channels) for i in range(per_channel)]
        for start in range(0, len(backlog), 1000):
            await enqueue(uow, backlog[start:start + 1000])
        started = time.perf_counter()
        worker = asyncio.create_task(relay.run(stop, idle=0.02))
        store = SqlOutboxStore(sessions)
        await until(lambda: store.stats(clock.now()), lambda st: st.sent >= len(backlog), 120)
        elapsed = time.perf_counter() - started
        posts = len(fake.calls_to("chat.postMessage"))
        result["throughput"] = {
            "channels": channels, "messages": len(backlog), "seconds": round(elapsed, 2),
            "messages_per_second": round(len(backlog) / elapsed, 1),
            "posts": posts, "posts_per_second": round(posts / elapsed, 1),
            "ratelimited_429": fake.ratelimited,
        }

        # Part 2: one channel receiving `inflow` messages per second for `saturate` seconds.
        fake.ratelimited = 0
        before = len(fake.messages("CHOT"))
        t0 = time.perf_counter()
        n = 0
        while (elapsed := time.perf_counter() - t0) < saturate:
            due = int(elapsed * inflow) + 1
            batch = [message(100_000 + i, "CHOT", clock.now()) for i in range(n, due)]
            n = due
            if batch:
                await enqueue(uow, batch)
            await asyncio.sleep(0.05)
        window = time.perf_counter() - t0
        posted = fake.messages("CHOT")[before:]
        share = len(posted) / window  # posts in the window against the allowed 1 per second
        await until(lambda: store.stats(clock.now()), lambda st: not st.pending, 15)
        stop.set()
        await worker
        delivered_items = sum(max(1, m["text"].count("\n• ")) for m in fake.messages("CHOT"))
        result["saturated_channel"] = {
            "inflow_per_second": inflow, "seconds": round(window, 1), "messages": n,
            "posts_in_window": len(posted), "share_of_allowed_rate": round(share, 3),
            "ratelimited_429": fake.ratelimited, "items_delivered": delivered_items,
        }
    await engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=500)
    parser.add_argument("--per-channel", type=int, default=4)
    parser.add_argument("--saturate", type=float, default=30.0)
    parser.add_argument("--inflow", type=float, default=5.0)
    args = parser.parse_args()
    result = asyncio.run(run(args.channels, args.per_channel, args.saturate, args.inflow))
    print(json.dumps(result, indent=2))
    hot = result["saturated_channel"]
    ok = hot["share_of_allowed_rate"] >= 0.9 and hot["ratelimited_429"] <= 1
    print(f"{'PASS' if ok else 'FAIL'}: saturated channel used {hot['share_of_allowed_rate']:.0%} "
          f"of its allowed rate with {hot['ratelimited_429']} 429s; "
          f"{result['throughput']['messages_per_second']} messages/s across "
          f"{result['throughput']['channels']} channels")


if __name__ == "__main__":
    main()
