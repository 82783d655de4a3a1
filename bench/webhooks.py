"""Webhook delivery throughput: signed POSTs through the outbox relay to a receiver on loopback.

    python -m bench.webhooks [--messages 1000] [--subscriptions 1] [--latency 0.05]
                             [--seconds 60]

Queues `messages` webhook rows spread over `subscriptions`, then one relay (the production
settings: batch 200, no pacing for webhooks) delivers them to a receiver that checks every
signature and answers after `latency` seconds (a receiver across a network). Run twice: with
the relay's parallel posts per subscription (WEBHOOK_PARALLEL), and one post at a time, as the
relay delivers to a chat channel. Reports deliveries per second and that each event arrived
once. Bounded: at most `--seconds` per run, loopback only, a scratch PostgreSQL database.
"""

import argparse
import asyncio
import json
import time
from datetime import UTC, datetime

import httpx

from bench._db import fresh_database, migrate
from bot.clock import SystemClock
from bot.senders.webhook import WebhookSender
from commands.ports import OutboxMessage
from commands.webhooks import WEBHOOK_TEMPLATE, event_id
from notifications import relay as relay_module
from notifications.catalogs import Catalogs
from notifications.relay import Relay
from storage.engine import make_engine, session_factory
from storage.outbox import SqlOutboxStore
from storage.rate_limit import SqlRateLimiter
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.fakes.webhook_receiver import FakeReceiver
from workflows.kinds import Source
from workflows.webhooks import EVENTS, Subscription

SECRET = "bench-secret-0123456789"


def message(n: int, sub: str, now: datetime) -> OutboxMessage:
    eid = event_id(f"IT-{n}", 1, 0, EVENTS[0])
    body = {"id": eid, "type": EVENTS[0], "occurred_at": now.isoformat(),
            "ticket": {"key": f"IT-{n}", "title": f"Benchmark ticket {n}", "priority": "P3",
                       "status": "new", "queue": "IT", "team": "it"}}
    return OutboxMessage(
        idempotency_key=f"webhook:{eid}:{sub}", ticket_id=None, ticket_key=f"IT-{n}",
        event=EVENTS[0], platform=Source.WEBHOOK, address=sub, template=WEBHOOK_TEMPLATE,
        params=body, locale="en", urgent=False, created_at=now, not_before=now)


async def run(messages: int, subscriptions: int, latency: float, seconds: float) -> dict:
    url = await fresh_database()
    await asyncio.to_thread(migrate, url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    uow = SqlUnitOfWorkFactory(sessions)
    clock = SystemClock()
    async with FakeReceiver(SECRET) as receiver, httpx.AsyncClient(timeout=10.0) as http:
        receiver.latency = latency
        subs = tuple(Subscription(f"sub{i}", f"{receiver.url}/sub{i}", frozenset(EVENTS))
                     for i in range(subscriptions))
        sender = WebhookSender(http, subs, {s.name: SECRET for s in subs},
                               lambda: time.time())
        relay = Relay(SqlOutboxStore(sessions), SqlRateLimiter(sessions), {"webhook": sender},
                      Catalogs(UTC), clock, pacing={})
        now = clock.now()
        rows = [message(n, subs[n % subscriptions].name, now) for n in range(messages)]
        for start in range(0, len(rows), 1000):
            async with uow() as work:
                await work.outbox.add(rows[start:start + 1000])
                await work.commit()
        stop = asyncio.Event()
        store = SqlOutboxStore(sessions)
        started = time.perf_counter()
        worker = asyncio.create_task(relay.run(stop, idle=0.02))
        while time.perf_counter() - started < seconds:
            if (await store.stats(clock.now())).sent >= messages:
                break
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        stop.set()
        await worker
        stats = await store.stats(clock.now())
        result = {
            "messages": messages, "subscriptions": subscriptions, "latency": latency,
            "parallel_per_subscription": relay_module.WEBHOOK_PARALLEL,
            "seconds": round(elapsed, 2),
            "delivered": stats.sent, "deliveries_per_second": round(stats.sent / elapsed, 1),
            "bad_signatures": receiver.bad_signatures,
            "repeated_events": sum(1 for c in receiver.deliveries.values() if c > 1),
        }
    await engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--subscriptions", type=int, default=1)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    results = []
    for parallel in (relay_module.WEBHOOK_PARALLEL, 1):
        relay_module.WEBHOOK_PARALLEL = parallel
        results.append(asyncio.run(run(args.messages, args.subscriptions, args.latency,
                                       args.seconds)))
    print(json.dumps(results, indent=2))
    ok = all(r["delivered"] == r["messages"] and not r["bad_signatures"]
             and not r["repeated_events"] for r in results)
    print(f"{'PASS' if ok else 'FAIL'}: every webhook delivered once; "
          f"{results[0]['deliveries_per_second']} per second with "
          f"{results[0]['parallel_per_subscription']} posts in flight per subscription, "
          f"{results[1]['deliveries_per_second']} one at a time")


if __name__ == "__main__":
    main()
