"""Resident memory of one `ticketbot serve` process: idle, then while it processes many tickets.

    python -m bench.memory [--tickets 100000] [--concurrency 16] [--channels 500]

Starts the bot on a fresh PostgreSQL scratch database with the fake Slack Web API, reads its
resident set size (VmRSS in /proc) once idle, then sends signed `/ticket new` requests over HTTP
(each ticket is created, acknowledged, its card posted by the relay, App Homes refreshed) and
reads the RSS at checkpoints. Target: under 120 MB idle, and no growth with the ticket count.
Loopback only; bounded by the ticket count; prints a JSON summary and a verdict.
"""

import argparse
import asyncio
import itertools
import json
import time
from pathlib import Path

import httpx

from bench._bot import serving
from bench._db import fresh_database, migrate
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp

IDLE_TARGET_MB = 120  # issue 22: idle RSS stays under 120 MB


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    kb = {name: int(fields[name].split()[0]) for name in ("VmRSS", "VmHWM")}
    return round(kb["VmRSS"] / 1024, 1), round(kb["VmHWM"] / 1024, 1)


async def run(tickets: int, concurrency: int, channels: int) -> dict:
    url = await fresh_database()
    await asyncio.to_thread(migrate, url)
    result: dict = {"tickets": tickets}
    limits = httpx.Limits(max_connections=concurrency)
    async with (FakeSlack() as fake, httpx.AsyncClient(timeout=30, limits=limits) as http,
                serving(url, fake, http, "ERROR") as (bot, base)):
        await asyncio.sleep(3)  # the first relay and SLA sweeps have run
        result["idle_rss_mb"] = rss_mb(bot.pid)[0]
        numbers = itertools.count()
        checkpoints = sorted({tickets // 10, tickets // 4, tickets // 2, tickets} - {0})
        samples: list[dict] = []
        done = failed = 0
        started = time.perf_counter()

        async def client() -> None:
            nonlocal done, failed
            while (n := next(numbers)) < tickets:
                body = sp.form_body(sp.slash_command(
                    f"new Memory ticket {n}", user_id=f"U0M{n % 200:03d}",
                    user_name=f"user{n % 200}", channel_id=f"C0M{n % channels}"))
                headers = {**sp.sign(body),
                           "Content-Type": "application/x-www-form-urlencoded"}
                try:
                    response = await http.post(f"{base}/slack/events", content=body,
                                               headers=headers)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                done += ok
                failed += not ok
                if checkpoints and done >= checkpoints[0]:
                    current, peak = rss_mb(bot.pid)
                    samples.append({"tickets": checkpoints.pop(0), "rss_mb": current,
                                    "peak_mb": peak,
                                    "elapsed_s": round(time.perf_counter() - started)})

        await asyncio.gather(*(client() for _ in range(concurrency)))
        await asyncio.sleep(3)
        result["after"] = samples
        result["failed_requests"] = failed
        result["final_rss_mb"], result["peak_rss_mb"] = rss_mb(bot.pid)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--channels", type=int, default=500)
    args = parser.parse_args()
    result = asyncio.run(run(args.tickets, args.concurrency, args.channels))
    print(json.dumps(result, indent=2))
    after = result["after"]
    growth = after[-1]["rss_mb"] - after[0]["rss_mb"] if len(after) > 1 else 0.0
    ok = result["idle_rss_mb"] < IDLE_TARGET_MB and result["failed_requests"] == 0
    print(f"{'PASS' if ok else 'FAIL'}: idle {result['idle_rss_mb']} MB (target < "
          f"{IDLE_TARGET_MB}); {result['final_rss_mb']} MB after {result['tickets']} tickets "
          f"(peak {result['peak_rss_mb']} MB; {growth:+.1f} MB from the first checkpoint)")


if __name__ == "__main__":
    main()
