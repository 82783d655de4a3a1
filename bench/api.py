"""Ticket creation through the REST API over real HTTP to one `ticketbot serve` process.

    python -m bench.api [--seconds 5] [--runs 1]

Closed loop at concurrency 1, 8 and 32 (tickets/s), then an open loop at 100 requests/s (p99),
against a PostgreSQL scratch database (bench/_db.py) with the fake Slack Web API, loopback only,
bounded in time. Each request is a POST /api/v1/tickets with a bearer token: authentication,
the per-token rate bucket (raised here so it does not cap the figure), validation, the use
case's transaction. Peers measured on this machine (issue 17): Request Tracker 5 REST2 7.9 /
14.3 / 14.5 tickets/s, django-helpdesk 2.6 43.7 / 81.0 / 89.6. Goal: at least 20x RT and 4x
django-helpdesk at every concurrency, p99 under 100 ms at 100 requests/s.
"""

import argparse
import asyncio
import itertools
import json
import os
import statistics
import time
from datetime import UTC, datetime

import httpx

from bench._bot import serving
from bench._db import fresh_database, migrate
from bench.ack_latency import drained, percentiles
from storage.api_tokens import SqlApiTokens
from storage.engine import make_engine, session_factory
from tests.fakes.slack_web import FakeSlack

RT = {1: 7.9, 8: 14.3, 32: 14.5}
DJANGO_HELPDESK = {1: 43.7, 8: 81.0, 32: 89.6}
COUNTER = itertools.count(1)


async def _token(url: str) -> str:
    engine = make_engine(url)
    try:
        _, token = await SqlApiTokens(session_factory(engine)).create(
            "alice", frozenset({"tickets:write"}), datetime.now(UTC))
        return token
    finally:
        await engine.dispose()


# API tickets have no channel of their own: every card goes to the queue's triage channel, which
# the relay paces at Slack's documented one message a second. A phase's cards would take many
# minutes to drain, at almost no CPU (the relay waits), so each phase waits at most this long for
# the backlog and then goes on.
SETTLE = 10.0


class ApiLoad:
    def __init__(self, http: httpx.AsyncClient, base: str, token: str) -> None:
        self.http, self.url = http, f"{base}/api/v1/tickets"
        self.headers = {"Authorization": f"Bearer {token}"}

    async def create(self) -> tuple[float, bool]:
        body = {"title": f"Bench ticket {next(COUNTER)}", "description": "through the API"}
        started = time.perf_counter()
        try:
            response = await self.http.post(self.url, json=body, headers=self.headers)
        except httpx.HTTPError:
            return time.perf_counter() - started, False
        return time.perf_counter() - started, response.status_code == 201

    async def closed_loop(self, concurrency: int, seconds: float) -> dict:  # type: ignore[type-arg]
        samples: list[float] = []
        failed = 0
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal failed
            while time.perf_counter() < deadline:
                took, ok = await self.create()
                if ok:
                    samples.append(took)
                else:
                    failed += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        return {"concurrency": concurrency, "completed": len(samples), "failed": failed,
                "per_second": round(len(samples) / elapsed, 1), **percentiles(samples)}

    async def open_loop(self, rate: float, seconds: float) -> dict:  # type: ignore[type-arg]
        tasks = []
        start = time.perf_counter()
        for i in range(int(rate * seconds)):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.create()))
        results = await asyncio.gather(*tasks)
        return {"rate": rate, "requests": len(results), "ok": sum(ok for _, ok in results),
                **percentiles([t for t, _ in results])}


async def run(seconds: float) -> dict:  # type: ignore[type-arg]
    url = await fresh_database()
    await asyncio.to_thread(migrate, url)
    token = await _token(url)
    os.environ["TICKETBOT_API_RATE_PER_SECOND"] = "100000"  # the bot process inherits it
    os.environ["TICKETBOT_API_BURST"] = "100000"
    result: dict = {"closed_loop": []}  # type: ignore[type-arg]
    async with FakeSlack() as fake, httpx.AsyncClient(timeout=10, limits=httpx.Limits(
            max_connections=64)) as http, serving(url, fake, http) as (_, base):
        load = ApiLoad(http, base, token)
        await load.closed_loop(4, 1.0)  # warm up
        for concurrency in (1, 8, 32):
            await drained(url, SETTLE)
            result["closed_loop"].append(await load.closed_loop(concurrency, seconds))
        await drained(url, SETTLE)
        result["open_loop_100"] = await load.open_loop(100, seconds)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=1, help="figures are medians of the runs")
    args = parser.parse_args()
    runs = [asyncio.run(run(min(args.seconds, 30))) for _ in range(max(1, min(args.runs, 5)))]
    closed = [{"concurrency": c,
               "per_second": round(statistics.median(
                   r["closed_loop"][i]["per_second"] for r in runs), 1),
               "p99_ms": round(statistics.median(r["closed_loop"][i]["p99_ms"] for r in runs), 1),
               "failed": sum(r["closed_loop"][i]["failed"] for r in runs)}
              for i, c in enumerate((1, 8, 32))]
    p99 = round(statistics.median(r["open_loop_100"]["p99_ms"] for r in runs), 1)
    for row in closed:
        c = row["concurrency"]
        row["x_rt"] = round(row["per_second"] / RT[c], 1)
        row["x_django_helpdesk"] = round(row["per_second"] / DJANGO_HELPDESK[c], 1)
    print(json.dumps({"runs": len(runs), "closed_loop": closed, "open_loop_100_p99_ms": p99,
                      "open_loop_100": [r["open_loop_100"] for r in runs]}, indent=2))
    ok = p99 < 100 and all(r["x_rt"] >= 20 and r["x_django_helpdesk"] >= 4 for r in closed)
    print(f"{'PASS' if ok else 'FAIL'}: "
          + ", ".join(f"c={r['concurrency']} {r['per_second']}/s ({r['x_rt']}x RT, "
                      f"{r['x_django_helpdesk']}x django-helpdesk)" for r in closed)
          + f"; p99 {p99} ms at 100 requests/s (target < 100)")


if __name__ == "__main__":
    main()
