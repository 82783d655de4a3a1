"""How soon a committed outbox row starts its delivery, and what an idle `ticketbot serve` costs.

    python -m bench.outbox_wakeup [--rows 500] [--spacing 0.04] [--idle 60]

Starts the real `ticketbot serve` on a fresh PostgreSQL scratch database with the fake Slack Web
API (loopback). This process then plays another replica: it commits `--rows` outbox rows, one
transaction each, `--spacing` seconds apart (each to its own channel, so no pacing applies), and
the fake Slack notes when each row's `chat.postMessage` arrives. Reported: commit -> first send
attempt, p50 / p95 / p99 (the clock starts when `commit()` is called).

Then, idle: `--idle` seconds with nothing to do, in which it counts the bench database's
transactions (pg_stat_database; every statement the relay runs outside a transaction is one)
and each table's scans (pg_stat_user_tables: what the statements touched), and the bot's
CPU time (/proc). Last, the bot's resident memory once idle (VmRSS).

Targets: p95 under 50 ms; idle RSS under 120 MB. Bounded by --rows and --idle.
"""

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.engine import make_url

from bench._bot import serving
from bench._db import fresh_database, migrate
from bench.memory import rss_mb
from bot.platforms import SLACK
from commands.ports import OutboxMessage
from storage.engine import async_url, make_engine, session_factory
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.fakes.slack_web import FakeSlack

P95_TARGET_MS = 50
IDLE_RSS_TARGET_MB = 120
TICKS = os.sysconf("SC_CLK_TCK")
CHANNEL = "ticketbot_outbox"  # storage/outbox.py (kept literal: the bench also runs on old code)


class TimedSlack(FakeSlack):
    """The fake Slack, noting when the first post to each channel arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.first_post: dict[str, float] = {}
        self.arrived = asyncio.Event()

    def _record(self, method: str, args: dict[str, Any], request: Any, status: int) -> None:
        if method == "chat.postMessage":
            self.first_post.setdefault(str(args.get("channel")), time.perf_counter())
            self.arrived.set()
        super()._record(method, args, request, status)


def row(n: int, now: datetime) -> OutboxMessage:
    return OutboxMessage(
        idempotency_key=f"wake-{n}", ticket_id=None, ticket_key=f"IT-{n}", event="create",
        platform=SLACK, address=f"CW{n:05d}", template="notify.create",
        params={"key": f"IT-{n}", "title": f"Wake-up {n}", "priority": "P3",
                "requester": "Bench"},
        locale="en", urgent=False, created_at=now, not_before=now)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


_SCANS = text("SELECT relname, seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables")
_XACTS = text("SELECT xact_commit + xact_rollback FROM pg_stat_database "
              "WHERE datname = current_database()")


async def activity(url: str) -> tuple[int, dict[str, int]]:
    """The database's transactions so far and each table's scans (sequential and index): a
    statement that reads or writes a table scans it once or more. This look costs 3
    transactions of its own."""
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_stat_clear_snapshot()"))
            scans = {name: int(n) for name, n in (await conn.execute(_SCANS)).all()}
            return int(await conn.scalar(_XACTS) or 0), scans
    finally:
        await engine.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run(rows: int, spacing: float, idle: float) -> dict[str, Any]:
    url = await fresh_database()
    await asyncio.to_thread(migrate, url)
    engine = make_engine(url, pool_size=2)
    uow = SqlUnitOfWorkFactory(session_factory(engine))
    result: dict[str, Any] = {"rows": rows, "spacing_s": spacing}
    async with (TimedSlack() as fake, httpx.AsyncClient(timeout=30) as http,
                serving(url, fake, http, "ERROR") as (bot, base)):
        await asyncio.sleep(3)  # start-up's first sweeps and scheduler ticks are over
        result["idle_rss_mb"] = rss_mb(bot.pid)[0]
        committed: dict[str, float] = {}
        heard: list[float] = []
        ear = await asyncpg.connect(**PGDialect_asyncpg().create_connect_args(
            make_url(async_url(url)))[1])
        await ear.add_listener(CHANNEL, lambda *_: heard.append(time.perf_counter()))
        cpu_before = cpu_seconds(bot.pid)
        for n in range(rows):
            message = row(n, datetime.now(UTC))
            async with uow() as work:
                await work.outbox.add([message])
                committed[message.address] = time.perf_counter()
                await work.commit()
            await asyncio.sleep(spacing)
        await ear.close()
        deadline = time.perf_counter() + 30
        while len(fake.first_post) < rows and time.perf_counter() < deadline:
            fake.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(fake.arrived.wait(), 1)
        latencies = [(fake.first_post[a] - t) * 1000 for a, t in committed.items()
                     if a in fake.first_post]
        result["delivered"] = len(latencies)
        result["commit_to_send_ms"] = {
            "p50": round(percentile(latencies, 0.50), 1),
            "p95": round(percentile(latencies, 0.95), 1),
            "p99": round(percentile(latencies, 0.99), 1),
            "mean": round(statistics.fmean(latencies), 1),
            "max": round(max(latencies), 1)} if latencies else {}
        result["bot_cpu_ms_per_row"] = round((cpu_seconds(bot.pid) - cpu_before) * 1000 / rows, 2)
        # The notification alone, as a listener in this process hears it.
        to_heard = [(h - t) * 1000 for h, t in zip(heard, committed.values(), strict=False)]
        if to_heard:
            result["commit_to_notification_ms"] = {
                "p50": round(percentile(to_heard, 0.5), 1),
                "p95": round(percentile(to_heard, 0.95), 1)}
        await engine.dispose()  # this process's connections stay out of the idle count

        await asyncio.sleep(12)  # the bursts' statistics are flushed (every 10 s when idle)
        (xacts, scans), cpu, started = await activity(url), cpu_seconds(bot.pid), time.time()
        await asyncio.sleep(idle)
        await asyncio.sleep(12)  # statistics of the idle window's end flushed too
        minutes = (time.time() - started) / 60
        xacts_after, scans_after = await activity(url)
        result["idle"] = {
            "seconds": round(time.time() - started),
            "transactions_per_minute": round((xacts_after - xacts) / minutes, 1),
            "table_scans_per_minute": {
                name: round((n - scans.get(name, 0)) / minutes, 1)
                for name, n in sorted(scans_after.items()) if n != scans.get(name, 0)},
            "bot_cpu_ms_per_minute": round((cpu_seconds(bot.pid) - cpu) * 1000 / minutes, 1),
            "rss_mb": rss_mb(bot.pid)[0]}
        metrics = (await http.get(f"{base}/metrics")).text
        result["relay_sweeps_by_reason"] = {
            line.split('reason="')[1].split('"')[0]: float(line.rsplit(" ", 1)[1])
            for line in metrics.splitlines()
            if line.startswith("ticketbot_outbox_sweeps_total{")}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--spacing", type=float, default=0.04)
    parser.add_argument("--idle", type=float, default=60.0)
    args = parser.parse_args()
    result = asyncio.run(run(min(args.rows, 5000), args.spacing, min(args.idle, 600)))
    print(json.dumps(result, indent=2))
    p95 = result["commit_to_send_ms"].get("p95", float("inf"))
    ok = (p95 < P95_TARGET_MS and result["delivered"] == result["rows"]
          and result["idle_rss_mb"] < IDLE_RSS_TARGET_MB)
    print(f"{'PASS' if ok else 'FAIL'}: commit -> send p95 {p95} ms (target < {P95_TARGET_MS}), "
          f"{result['delivered']}/{result['rows']} delivered; idle "
          f"{result['idle']['transactions_per_minute']} transactions/min, "
          f"{result['idle']['bot_cpu_ms_per_minute']} ms CPU/min; idle RSS "
          f"{result['idle_rss_mb']} MB (target < {IDLE_RSS_TARGET_MB})")


if __name__ == "__main__":
    main()
