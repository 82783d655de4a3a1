"""The SLA sweep's cost with many open tickets and a few due ones, on PostgreSQL.

    python -m bench.sla_sweep [--sizes 10000,100000,1000000] [--due 1000] [--batch 100]

For each size (open tickets, grown in place: 10k, then 100k, then 1M) with `--due` of them due:
  * idle: one claim when nothing is due (what every tick costs on a quiet day);
  * claim: finding and claiming one batch of due tickets through the partial index on
    `sla_next_due_at` (rolled back, repeated);
  * sweep: a full sweep doing every due step (claim, lock, step, audit, outbox, commit).
Tickets are bulk-loaded with COPY into a scratch database (bench/_db.py). The verdict: a claim
under 50 ms at the largest size, and growing less than 3x from the smallest to the largest.
"""

import argparse
import asyncio
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy import text

from bench._db import fresh_database, migrate
from bot.orgfile import load_org
from commands.actions.sla_sweep import sweep
from commands.notify import NotifyConfig
from storage.engine import make_engine, session_factory
from storage.sla import SqlSlaClaims
from storage.unit_of_work import SqlUnitOfWorkFactory
from workflows.priority import Priority
from workflows.sla_clock import SlaSnapshot

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COLUMNS = ("key", "queue", "number", "title", "description", "type", "priority", "status",
           "requester_id", "assignee_id", "team", "source", "created_at", "updated_at",
           "response_due_at", "resolution_due_at", "first_response_at", "version", "sla_policy",
           "sla_calendar", "sla_snapshot", "sla_started_at", "sla_response_met",
           "sla_next_due_at")


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def _rows(first: int, last: int, snapshot: str, rng: random.Random) -> list[tuple]:
    rows = []
    for n in range(first, last + 1):
        started = NOW - timedelta(minutes=rng.randint(0, 600))
        due = NOW + timedelta(minutes=rng.randint(60, 60 * 24 * 20))  # none due yet
        rows.append((f"IT-{n}", "IT", n, f"Bench ticket {n}", "", "incident", "P3", "in_progress",
                     1, 2, "it", "console", started, started, due, due, started, 0, "standard",
                     "shanghai", snapshot, started, True, due))
    return rows


async def _grow(pg: asyncpg.Connection, have: int, want: int, rng: random.Random) -> None:
    snapshot = json.dumps(SlaSnapshot.of(load_org().org.sla.policy("standard"), Priority.P3)
                          .to_json())
    for first in range(have + 1, want + 1, 50_000):
        last = min(want, first + 49_999)
        await pg.copy_records_to_table("tickets", records=_rows(first, last, snapshot, rng),
                                       columns=COLUMNS)
    await pg.execute("UPDATE queues SET next_number = $1 WHERE key = 'IT'", want)
    await pg.execute("VACUUM ANALYZE tickets")


async def _arm(pg: asyncpg.Connection, due: int) -> None:
    """Make `due` P1 tickets (the first ones) due for their 50 % resolution warning now."""
    p1 = json.dumps(SlaSnapshot.of(load_org().org.sla.policy("standard"), Priority.P1).to_json())
    started = NOW - timedelta(hours=2, minutes=1)
    await pg.execute(
        "UPDATE tickets SET priority = 'P1', sla_calendar = '24x7', sla_snapshot = $1, "
        "sla_started_at = $2, created_at = $2, first_response_at = $2, sla_response_stage = 0, "
        "sla_resolution_stage = 0, sla_next_due_at = $3, status = 'in_progress' "
        "WHERE number <= $4", p1, started, NOW - timedelta(minutes=1), due)
    await pg.execute("ANALYZE tickets")


async def _timed(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


async def _measure(sessions, uow: SqlUnitOfWorkFactory, batch: int) -> dict:  # type: ignore[no-untyped-def]
    async def claim_at(now: datetime) -> int:
        async with sessions() as session:
            claims = await SqlSlaClaims(session).claim(now, batch, timedelta(minutes=2))
            await session.rollback()  # measured, not kept
        return len(claims)

    assert await claim_at(NOW) == batch
    assert await claim_at(NOW - timedelta(hours=1)) == 0
    idle = await _timed(lambda: claim_at(NOW - timedelta(hours=1)), 30)
    claim = await _timed(lambda: claim_at(NOW), 30)
    async with sessions() as session:
        plan = (await session.execute(text(
            "EXPLAIN (FORMAT JSON) SELECT id FROM tickets WHERE sla_next_due_at <= :now "
            "ORDER BY sla_next_due_at LIMIT :n FOR UPDATE SKIP LOCKED"),
            {"now": NOW, "n": batch})).scalar_one()
    org = load_org().org
    started = time.perf_counter()
    report = await sweep(uow, org, FixedClock(NOW), NotifyConfig(), batch=batch)
    seconds = time.perf_counter() - started
    return {"idle_claim_ms": idle, "claim_batch_ms": claim, "plan": _nodes(plan[0]["Plan"]),
            "sweep_steps": len(report.done), "sweep_seconds": round(seconds, 2),
            "sweep_ms_per_step": round(seconds * 1000 / max(1, len(report.done)), 2)}


def _nodes(plan: dict) -> list[str]:
    found = [plan["Node Type"] + (f" {plan['Index Name']}" if "Index Name" in plan else "")]
    for child in plan.get("Plans", []):
        found += _nodes(child)
    return found


async def run(sizes: list[int], due: int, batch: int) -> dict:
    url = await fresh_database()
    await asyncio.to_thread(migrate, url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    uow = SqlUnitOfWorkFactory(sessions)
    pg = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    rng = random.Random(42)
    results: dict = {"due": due, "batch": batch, "sizes": {}}
    try:
        await pg.execute(
            "INSERT INTO people (id, handle, name, created_at) VALUES "
            "(1, 'alice', 'Alice', now()), (2, 'bob', 'Bob', now()), (3, 'dave', 'Dave', now())")
        await pg.execute("INSERT INTO queues (key, next_number) VALUES ('IT', 0)")
        have = 0
        for size in sizes:
            started = time.perf_counter()
            await _grow(pg, have, size, rng)
            load_seconds = round(time.perf_counter() - started, 1)
            have = size
            await _arm(pg, due)
            measured = await _measure(sessions, uow, batch)
            results["sizes"][str(size)] = {"load_seconds": load_seconds, **measured}
    finally:
        await pg.close()
        await engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    result = asyncio.run(run(sizes, args.due, args.batch))
    small, large = result["sizes"][str(sizes[0])], result["sizes"][str(sizes[-1])]
    ratio = large["claim_batch_ms"] / max(small["claim_batch_ms"], 0.01)
    result["verdict"] = {"claim_ms_at_largest": large["claim_batch_ms"],
                         "largest_over_smallest": round(ratio, 2)}
    print(json.dumps(result, indent=2))
    ok = large["claim_batch_ms"] < 50 and ratio < 3
    print(f"{'PASS' if ok else 'FAIL'}: claiming {args.batch} of {args.due} due tickets takes "
          f"{large['claim_batch_ms']} ms with {sizes[-1]:,} open ({ratio:.2f}x the cost at "
          f"{sizes[0]:,}); a full sweep of {large['sweep_steps']} steps "
          f"{large['sweep_seconds']} s ({large['sweep_ms_per_step']} ms per step)")


if __name__ == "__main__":
    main()
