"""A burst of SLA steps: many due at once among many open tickets, one and two sweepers.

    python -m bench.sla_burst [--open 20000,1000000] [--due 6000] [--runs 3]
                              [--baseline main] [--baseline-runs 2] [--batch 100]

Open tickets are generated in the database with one set-based `INSERT … SELECT` over
`generate_series` (bench/_db.py makes a scratch database and drops it). `--due` of them (P1, on
24×7) have their 50 % resolution warning due now: exactly one step each. Each run re-arms them,
starts the sweepers as separate processes (imports done and connected before the clock starts),
lets each sweep back to back until nothing is due, and checks that every ticket got its warning
exactly once. Figures: wall time from the first sweeper's start to the last one's end, the
sweepers' CPU per step, medians of the runs.

`--baseline REV` runs the sweepers on the whole code of that git revision (exported with
`git archive` to a scratch directory; this file's worker, every module it imports from there)
in the same run, interleaved with the new one, so both meet the same load on a shared machine.
A sweep that stops early is called again at once (no tick waited for).

Each sweeper also reports the CPU of its own database backends (read from /proc: a local
server), its statements (an executemany is one) and how long it waited for a CPU
(/proc/self/schedstat): on a shared machine the wall time is mostly that wait. `--profile FILE`
writes a CPU-timed cProfile of each sweeper to FILE.IMPL.COUNT.N.
"""

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event

from bench._db import fresh_database, migrate
from bot.orgfile import load_org
from workflows.priority import Priority
from workflows.sla_clock import SlaSnapshot

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SELF = Path(__file__).resolve()
ROOT = SELF.parent.parent

# Every open ticket is a P3 in progress, none due for weeks; set-based, so a million rows take
# the database's time, not Python's.
GENERATE = """
INSERT INTO tickets (key, queue, number, title, description, type, priority, status, requester_id,
    assignee_id, team, source, created_at, updated_at, response_due_at, resolution_due_at,
    first_response_at, version, sla_policy, sla_calendar, sla_snapshot, sla_started_at,
    sla_response_met, sla_next_due_at)
SELECT 'IT-' || n, 'IT', n, 'Bench ticket ' || n, '', 'incident', 'P3', 'in_progress', 1, 2, 'it',
    'console', $1::timestamptz - (n % 600) * interval '1 minute',
    $1::timestamptz - (n % 600) * interval '1 minute',
    $1::timestamptz + interval '1 hour' + (n % 28800) * interval '1 minute',
    $1::timestamptz + interval '1 hour' + (n % 28800) * interval '1 minute',
    $1::timestamptz - (n % 600) * interval '1 minute', 0, 'standard', 'shanghai', $2::json,
    $1::timestamptz - (n % 600) * interval '1 minute', true,
    $1::timestamptz + interval '1 hour' + (n % 28800) * interval '1 minute'
FROM generate_series($3::int, $4::int) AS n
"""
# The first `due` tickets: P1 on 24×7, started 2 h 1 min ago, answered, so their one due step is
# the 50 % resolution warning. Their earlier runs' work is forgotten.
ARM = """
UPDATE tickets SET priority = 'P1', sla_calendar = '24x7', sla_snapshot = $1::json,
    sla_started_at = $2, created_at = $2, updated_at = $2, first_response_at = $2,
    sla_response_stage = 0, sla_resolution_stage = 0, sla_response_anchor = NULL,
    sla_resolution_anchor = NULL, sla_response_breached_at = NULL,
    sla_resolution_breached_at = NULL, sla_paused_since = NULL, status = 'in_progress',
    sla_next_due_at = $3, assignee_id = 2
WHERE number <= $4
"""


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def _baseline_tree(rev: str) -> Path:
    """The whole tree of git revision `rev`, exported to a scratch directory (not a checkout)."""
    tree = Path(tempfile.mkdtemp(prefix="sla_burst_baseline_"))
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


async def _worker(url: str, batch: int, profile: str | None) -> None:
    from commands.actions.sla_sweep import sweep  # this tree's, or the baseline's
    from commands.notify import NotifyConfig
    from storage.engine import make_engine, session_factory
    from storage.unit_of_work import SqlUnitOfWorkFactory

    name = f"sla-burst-{os.getpid()}"  # to find this sweeper's database backends
    engine = make_engine(url, connect_args={"server_settings": {"application_name": name}})
    statements = [0]

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(*_: Any) -> None:
        statements[0] += 1  # an executemany is one

    uow = SqlUnitOfWorkFactory(session_factory(engine))
    org, clock, notify = load_org().org, FixedClock(NOW), NotifyConfig()
    async with uow() as work:  # connected, and the statements' first compilation paid
        await work.sla.database_now()
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    profiler = None
    if profile:
        import cProfile
        profiler = cProfile.Profile(time.process_time)  # CPU, not waits
        profiler.enable()
    backends = await _backend_cpu(engine, name)
    started, cpu, statements[0] = time.time(), time.process_time(), 0
    waited = _runqueue_wait()
    steps = sweeps = 0
    while True:
        report = await sweep(uow, org, clock, notify, batch=batch)
        steps += len(report.done)
        sweeps += 1
        if not report.claimed:
            break
    ended, cpu, count = time.time(), time.process_time() - cpu, statements[0]
    waited = _runqueue_wait() - waited
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    after = await _backend_cpu(engine, name)
    database_cpu = sum(after.values()) - sum(backends.get(pid, 0.0) for pid in after)
    await engine.dispose()
    print(json.dumps({"steps": steps, "started": started, "ended": ended, "cpu": cpu,
                      "database_cpu": database_cpu, "statements": count, "sweeps": sweeps,
                      "runqueue_wait": waited}),
          flush=True)


def _runqueue_wait() -> float:
    """Seconds this process has been ready to run but waiting for a CPU (a shared machine's
    share of the wall time); 0 where the kernel does not say."""
    try:
        return int(Path("/proc/self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


async def _backend_cpu(engine: Any, name: str) -> dict[int, float]:
    """CPU seconds used so far by the database backends of this sweeper (a local server's
    /proc; empty where it cannot be read)."""
    from sqlalchemy import text
    async with engine.connect() as conn:
        pids = (await conn.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE application_name = :n"), {"n": name})
        ).scalars().all()
    return {pid: cpu for pid in pids if (cpu := _process_cpu(pid)) is not None}


def _process_cpu(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _sweepers(url: str, impl: str, count: int, batch: int, profile: str | None = None,
                    tree: Path | None = None) -> dict[str, Any]:
    """`count` sweepers of this tree's code, or of the baseline's `tree` (this worker, every
    module it imports from there)."""
    env = {**os.environ, "PYTHONPATH": str(tree or ROOT)}
    procs = [await asyncio.create_subprocess_exec(
        sys.executable, str(SELF), "--worker", url, "--batch", str(batch),
        *(["--profile", f"{profile}.{impl}.{count}.{n}"] if profile else []),
        cwd=tree or ROOT, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE) for n in range(count)]
    for proc in procs:
        assert proc.stdout and (await proc.stdout.readline()).strip() == b"ready"
    for proc in procs:
        assert proc.stdin
        proc.stdin.write(b"go\n")
        await proc.stdin.drain()
    results = []
    for proc in procs:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=600)
        assert proc.returncode == 0, out
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    steps = sum(r["steps"] for r in results)
    wall = max(r["ended"] for r in results) - min(r["started"] for r in results)
    per_step = 1000 / max(steps, 1)
    return {"steps": steps, "seconds": wall,
            "cpu_ms_per_step": sum(r["cpu"] for r in results) * per_step,
            "db_cpu_ms_per_step": sum(r["database_cpu"] for r in results) * per_step,
            "statements": sum(r["statements"] for r in results),
            "runqueue_wait": max(r["runqueue_wait"] for r in results),
            "sweeps": sum(r["sweeps"] for r in results)}


async def _check_once(pg: asyncpg.Connection, due: int) -> None:
    per_ticket = await pg.fetch("SELECT ticket_id, count(*) AS n FROM audit_events "
                                "WHERE action = 'sla_warning' GROUP BY ticket_id")
    assert len(per_ticket) == due and all(r["n"] == 1 for r in per_ticket), (
        len(per_ticket), max((r["n"] for r in per_ticket), default=0))


async def _arm(pg: asyncpg.Connection, due: int) -> None:
    p1 = json.dumps(SlaSnapshot.of(load_org().org.sla.policy("standard"), Priority.P1).to_json())
    await pg.execute("TRUNCATE outbox, audit_events, sla_failures")
    await pg.execute(ARM, p1, NOW - timedelta(hours=2, minutes=1), NOW - timedelta(minutes=1),
                     due)
    await pg.execute("VACUUM ANALYZE tickets, audit_events, outbox")


async def _grow(pg: asyncpg.Connection, have: int, want: int) -> float:
    snapshot = json.dumps(SlaSnapshot.of(load_org().org.sla.policy("standard"), Priority.P3)
                          .to_json())
    started = time.perf_counter()
    for first in range(have + 1, want + 1, 200_000):
        await pg.execute(GENERATE, NOW, snapshot, first, min(want, first + 199_999))
    await pg.execute("UPDATE queues SET next_number = $1 WHERE key = 'IT'", want)
    await pg.execute("VACUUM ANALYZE tickets")
    return time.perf_counter() - started


def _median(samples: list[dict[str, Any]]) -> dict[str, Any]:
    return {"runs": len(samples),
            "seconds": round(statistics.median(s["seconds"] for s in samples), 2),
            "cpu_ms_per_step": round(statistics.median(s["cpu_ms_per_step"] for s in samples), 2),
            "db_cpu_ms_per_step": round(statistics.median(s["db_cpu_ms_per_step"]
                                                          for s in samples), 2),
            "statements": statistics.median(s["statements"] for s in samples),
            "all_seconds": [round(s["seconds"], 2) for s in samples]}


async def run(sizes: list[int], due: int, runs: int, baseline: str | None, baseline_runs: int,
              batch: int, sweepers: list[int], profile: str | None) -> dict[str, Any]:
    url = await fresh_database()
    await asyncio.to_thread(migrate, url)
    pg = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    results: dict[str, Any] = {"due": due, "batch": batch, "sizes": {}}
    tree = _baseline_tree(baseline) if baseline else None
    try:
        await pg.execute(
            "INSERT INTO people (id, handle, name, created_at) VALUES "
            "(1, 'alice', 'Alice', now()), (2, 'bob', 'Bob', now()), (3, 'dave', 'Dave', now())")
        await pg.execute("INSERT INTO queues (key, next_number) VALUES ('IT', 0)")
        have = 0
        for size in sizes:
            load = await _grow(pg, have, size)
            have = size
            samples: dict[str, list[dict[str, Any]]] = {}
            impls = ["new"] + (["baseline"] if baseline else [])
            for number in range(runs):
                order = impls if number % 2 == 0 else impls[::-1]  # interleaved A/B
                for impl in order:
                    if impl != "new" and number >= baseline_runs:
                        continue
                    for count in sweepers:
                        await _arm(pg, due)
                        sample = await _sweepers(url, impl, count, batch, profile,
                                                 tree if impl == "baseline" else None)
                        assert sample["steps"] == due, sample
                        await _check_once(pg, due)
                        name = f"{impl}_{count}"
                        samples.setdefault(name, []).append(sample)
                        print(f"{size:,} open, {name}: {sample['seconds']:.2f} s, "
                              f"{sample['cpu_ms_per_step']:.2f} ms CPU/step, database "
                              f"{sample['db_cpu_ms_per_step']:.2f} ms CPU/step, "
                              f"{sample['statements']} statements, {sample['sweeps']} sweeps, "
                              f"waited {sample['runqueue_wait']:.2f} s for a CPU",
                              file=sys.stderr)
            results["sizes"][str(size)] = {"load_seconds": round(load, 1),
                                           **{k: _median(v) for k, v in samples.items()}}
    finally:
        await pg.close()
        if tree:
            shutil.rmtree(tree, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--open", default="20000,1000000")
    parser.add_argument("--due", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default=None, help="git revision of the old sweep")
    parser.add_argument("--baseline-runs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--sweepers", default="1,2", help="numbers of sweepers to measure")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--profile", help="cProfile each sweeper to FILE.IMPL.COUNT.N")
    args = parser.parse_args()
    if args.worker:
        asyncio.run(_worker(args.worker, args.batch, args.profile))
        return
    sizes = sorted(int(s) for s in args.open.split(","))
    sweepers = [int(n) for n in args.sweepers.split(",")]
    result = asyncio.run(run(sizes, args.due, args.runs, args.baseline, args.baseline_runs,
                             args.batch, sweepers, args.profile))
    print(json.dumps(result, indent=2))
    verdicts = []
    for size, figures in result["sizes"].items():
        one = figures.get("new_1", {}).get("seconds", float("nan"))
        two = figures.get("new_2", {}).get("seconds", float("nan"))
        ok = one < 5 and two < 3
        verdicts.append(ok)
        print(f"{'PASS' if ok else 'FAIL'}: {args.due:,} due among {int(size):,} open: one "
              f"sweeper {one} s (goal < 5), two {two} s (goal < 3), "
              f"{figures.get('new_1', {}).get('cpu_ms_per_step')} ms CPU per step")
    sys.exit(0 if all(verdicts) else 1)


if __name__ == "__main__":
    main()
