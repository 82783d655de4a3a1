"""The schedules tick with many schedules, on PostgreSQL.

    TICKETBOT_BENCH_DB=ticketbot_schedules python -m bench.schedules [--schedules 10000]
        [--due 1000] [--idle-runs 50] [--chunk 500] [--alone --concurrency 8]

`--schedules` schedules (bulk-inserted into a scratch database, bench/_db.py), of which `--due`
fall due at the same minute and the others later in the year:
  * idle: a tick a minute before that minute (nothing due): median of `--idle-runs`, and the
    plan of its one query (the partial index on `next_due`);
  * due: the tick at that minute, creating every work order (ticket, audit lines, outbox rows)
    in batches of `--chunk` per transaction; with `--alone`, the one-schedule path instead
    (one transaction per work order through the creation use case, `--concurrency` at once:
    the tick before batching, for A/B runs); then a second tick that must find nothing.
Reported: wall time, this process's CPU time in all and per work order, and the statements
sent to the database. The verdict: idle under 10 ms, the due tick under 2 s, each occurrence
made exactly once.
"""

import argparse
import asyncio
import json
import os
import statistics
import time as clock_time
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, insert, select, text

from bench._db import fresh_database, migrate
from bot.bootstrap import build_app
from bot.settings import Settings
from commands.actions.schedule_tick import TickReport, run_schedule, tick
from commands.notify import NotifyConfig
from storage.models import AuditRow, OutboxRow, ScheduleOccurrenceRow, ScheduleRow, TicketRow
from storage.schedules import _columns
from workflows.priority import Priority
from workflows.schedule import CatchUp, Limits
from workflows.work_order import Schedule, Template, When

SH = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def _schedule(n: int, due: bool) -> dict[str, object]:
    # The due ones are weekly on Monday; the others monthly on a day from the 8th to the 28th.
    rule = "FREQ=WEEKLY;BYDAY=MO" if due else f"FREQ=MONTHLY;BYMONTHDAY={8 + n % 21}"
    s = Schedule(f"bench {n}", Template(f"Round {n} {{date}}", "it", Priority.P4),
                 When(rule, time(9), SH, date(2026, 12, 7)), "dave", CatchUp.LATEST, Limits())
    s.next_due = DUE if due else DUE + timedelta(days=1 + n % 21)
    return {**_columns(s), "created_at": DUE - timedelta(days=7),
            "updated_at": DUE - timedelta(days=7)}


async def _count(app: object, table: type) -> int:
    async with app.engine.connect() as conn:  # type: ignore[attr-defined]
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def _alone(app: object, clock: FixedClock, concurrency: int) -> TickReport:
    """The tick as it was before batches: each schedule alone, `concurrency` at once."""
    report = TickReport()
    async with app.uow() as work:  # type: ignore[attr-defined]
        pending = iter(await work.schedules.due(clock.now(), 2000))

    async def worker() -> None:
        for schedule_id in pending:
            await run_schedule(app.uow, app.loaded.org, clock, NotifyConfig(),  # type: ignore[attr-defined]
                               schedule_id, report)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return report


async def run(schedules: int, due: int, idle_runs: int, chunk: int, alone: bool,
              concurrency: int, chunks_at_once: int = 2) -> dict[str, object]:
    url = await fresh_database()
    await asyncio.to_thread(migrate, url)
    clock = FixedClock(DUE - timedelta(minutes=1))
    app = await build_app(Settings(_env_file=None, database_url=url, org_file=None), clock=clock)
    try:
        rows = [_schedule(n, n < due) for n in range(schedules)]
        async with app.engine.begin() as conn:
            for start in range(0, len(rows), 2000):
                await conn.execute(insert(ScheduleRow.__table__), rows[start:start + 2000])
            await conn.execute(text("ANALYZE schedules"))
            plan = [r[0] for r in await conn.execute(text(
                "EXPLAIN SELECT id FROM schedules WHERE next_due IS NOT NULL AND "
                "next_due <= now() - interval '30 days' ORDER BY next_due LIMIT 2000"))]
        org = app.loaded.org
        await tick(app.uow, org, clock)  # warm the pool and the statement caches
        idle, idle_cpu = [], []
        for _ in range(idle_runs):
            began, cpu = clock_time.perf_counter(), clock_time.process_time()
            report = await tick(app.uow, org, clock, chunk=chunk, concurrency=chunks_at_once)
            idle.append((clock_time.perf_counter() - began) * 1000)
            idle_cpu.append((clock_time.process_time() - cpu) * 1000)
            assert not report.made
        clock.current = DUE + timedelta(seconds=5)
        statements = [0]

        def counted(*_: object) -> None:
            statements[0] += 1

        engines = [app.engine.sync_engine]
        numbers = getattr(app, "numbers", None)
        if numbers is not None:
            engines.append(numbers.engine.sync_engine)
        for engine in engines:
            event.listen(engine, "before_cursor_execute", counted)
        began, cpu = clock_time.perf_counter(), clock_time.process_time()
        report = (await _alone(app, clock, concurrency) if alone
                  else await tick(app.uow, org, clock, chunk=chunk, concurrency=chunks_at_once))
        busy, busy_cpu = clock_time.perf_counter() - began, clock_time.process_time() - cpu
        for engine in engines:
            event.remove(engine, "before_cursor_execute", counted)
        again = await tick(app.uow, org, clock, chunk=chunk)
        result = {
            "schedules": schedules, "due": due,
            "mode": f"alone, concurrency {concurrency}" if alone
            else f"batches of {chunk}, {chunks_at_once} at once",
            "idle_tick_ms_median": round(statistics.median(idle), 2),
            "idle_tick_ms_max": round(max(idle), 2),
            "idle_tick_bot_cpu_ms_median": round(statistics.median(idle_cpu), 2),
            "idle_plan": plan,
            "due_tick_s": round(busy, 2), "due_tick_bot_cpu_s": round(busy_cpu, 2),
            "bot_cpu_ms_per_work_order": round(busy_cpu * 1000 / max(len(report.made), 1), 2),
            "due_tick_statements": statements[0],
            "made": len(report.made), "failed": report.failed,
            "second_tick_made": len(again.made),
            "tickets": await _count(app, TicketRow),
            "occurrences": await _count(app, ScheduleOccurrenceRow),
            "audit_lines": await _count(app, AuditRow), "outbox_rows": await _count(app, OutboxRow),
        }
        result["verdict"] = "pass" if (result["idle_tick_ms_median"] < 10 and busy < 2
                                       and result["tickets"] == due == result["occurrences"]
                                       and not again.made) else "fail"
        result["load_average"] = [round(x, 1) for x in os.getloadavg()]
        return result
    finally:
        await app.aclose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schedules", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--idle-runs", type=int, default=50)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--alone", action="store_true",
                        help="the one-schedule-per-transaction path (the tick before batches)")
    parser.add_argument("--chunks-at-once", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8, help="with --alone")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.schedules, args.due, args.idle_runs, args.chunk,
                                     args.alone, args.concurrency, args.chunks_at_once)),
                     indent=2))


if __name__ == "__main__":
    main()
