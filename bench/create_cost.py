"""CPU time and statements per ticket creation: a figure that holds on a shared machine.

    python -m bench.create_cost serve [--path slack|api] [--off] [--creations 400] [--concurrency 8]
    python -m bench.create_cost inproc [--off] [--creations 200] [--profile FILE]

`serve`: one `ticketbot serve` process on a PostgreSQL scratch database (bench/_db.py) with the
fake Slack Web API, loopback only; `--creations` tickets through `/ticket new` over HTTP
(`--path slack`) or `POST /api/v1/tickets` (`--path api`), closed loop, then the relay's
delivery of every card and notice. The figure is the serve process's CPU time (/proc/PID/stat,
user + system) from just before the load to the end of the delivery, per ticket.

`inproc`: the same creations through the dispatcher in this process (Slack identities, the
benchmark organisation), CPU per creation (`time.process_time`) and SQL statements per creation
(an executemany counts once), no delivery.

Titles are all alike ("Bench ticket N", one requester), as `bench.ack_latency` and `bench.api`
file them: every creation finds similar open tickets and a likely duplicate. `--off` turns the
knowledge base's suggestions off (`knowledge_base: {suggest: false}`).
"""

import argparse
import asyncio
import cProfile
import itertools
import json
import os
import pstats
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

import bench._bot as bot_process
from bench._db import fresh_database, migrate
from bench.ack_latency import drained
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp

OFF = "\nknowledge_base:\n  suggest: false\n"
TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


async def _token(url: str) -> str:
    from storage.api_tokens import SqlApiTokens
    from storage.engine import make_engine, session_factory
    engine = make_engine(url)
    try:
        _, token = await SqlApiTokens(session_factory(engine)).create(
            "alice", frozenset({"tickets:write"}), datetime.now(UTC))
        return token
    finally:
        await engine.dispose()


async def serve(path: str, off: bool, creations: int, concurrency: int) -> dict:  # type: ignore[type-arg]
    url = await fresh_database()
    await asyncio.to_thread(migrate, url)
    token = await _token(url) if path == "api" else ""
    os.environ["TICKETBOT_API_RATE_PER_SECOND"] = "100000"  # the bot process inherits it
    os.environ["TICKETBOT_API_BURST"] = "100000"
    if off:
        bot_process.ORG += OFF
    numbers = itertools.count(1)
    failed = 0
    async with FakeSlack() as fake, httpx.AsyncClient(timeout=30, limits=httpx.Limits(
            max_connections=64)) as http, bot_process.serving(url, fake, http) as (proc, base):

        async def one() -> None:
            nonlocal failed
            n = next(numbers)
            if path == "api":
                response = await http.post(
                    f"{base}/api/v1/tickets", headers={"Authorization": f"Bearer {token}"},
                    json={"title": f"Bench ticket {n}", "description": "through the API"})
                failed += response.status_code != 201
                return
            fields = sp.slash_command(f"new Bench ticket {n}", user_id="U0ALICE",
                                      user_name="alice", channel_id=f"C0B{n % 500}",
                                      response_url=fake.url.replace(
                                          "/api/", f"/commands/T0TEAM/{n}/hook"))
            body = sp.form_body(fields)
            response = await http.post(f"{base}/slack/events", content=body, headers={
                **sp.sign(body), "Content-Type": "application/x-www-form-urlencoded"})
            failed += response.status_code != 200

        async def load(count: int) -> None:
            queue = iter(range(count))

            async def worker() -> None:
                for _ in queue:
                    await one()
            await asyncio.gather(*(worker() for _ in range(concurrency)))

        await load(40)  # warm up
        await drained(url)
        # The process at rest (its relay and scheduler polling), subtracted from the drain.
        idle_cpu, idle_wall = _cpu_seconds(proc.pid), time.perf_counter()
        await asyncio.sleep(3)
        idle = (_cpu_seconds(proc.pid) - idle_cpu) / (time.perf_counter() - idle_wall)
        cpu, wall = _cpu_seconds(proc.pid), time.perf_counter()
        await load(creations)
        loaded = time.perf_counter() - wall
        during_load = _cpu_seconds(proc.pid) - cpu
        await due_delivered(url)
        elapsed = time.perf_counter() - wall
        used = _cpu_seconds(proc.pid) - cpu
    return {"path": path, "suggest": not off, "creations": creations, "failed": failed,
            "concurrency": concurrency, "tickets_per_second": round(creations / loaded, 1),
            "cpu_ms_per_creation_load": round(during_load * 1000 / creations, 2),
            "cpu_ms_per_creation": round((used - idle * elapsed) * 1000 / creations, 2),
            "until_delivered_s": round(elapsed, 1), "idle_cpu_share": round(idle, 3)}


async def due_delivered(url: str, limit: float = 300) -> None:
    """Wait until every outbox row already due is delivered (a burst's notice, due at its
    window's end, is not waited for)."""
    from sqlalchemy import func, select

    from storage.engine import make_engine
    from storage.models import OutboxRow
    engine = make_engine(url)
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < limit:
            async with engine.connect() as conn:
                pending = (await conn.execute(select(func.count()).select_from(OutboxRow).where(
                    OutboxRow.status != "sent",
                    OutboxRow.not_before <= datetime.now(UTC)))).scalar_one()
            if not pending:
                return
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()


async def inproc(off: bool, creations: int, profile: str | None) -> dict:  # type: ignore[type-arg]
    from sqlalchemy import event

    from bot.bootstrap import build_app
    from bot.platforms import SLACK
    from bot.settings import Settings
    from commands.messages import Identity
    url = await fresh_database()
    await asyncio.to_thread(migrate, url)
    org = Path(tempfile.mkdtemp()) / "org.yaml"
    org.write_text(bot_process.ORG + (OFF if off else ""), encoding="utf-8")
    app = await build_app(Settings(_env_file=None, database_url=url, org_file=org,
                                   slack_bot_token="xoxb-bench", slack_signing_secret="s"),
                          platforms=frozenset({SLACK}))
    statements = 0

    def counted(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        nonlocal statements
        statements += 1
        if os.environ.get("BENCH_SHOW_SQL"):
            print("SQL:", " ".join(statement.split())[:150])
    event.listen(app.engine.sync_engine, "before_cursor_execute", counted)
    try:
        alice = Identity(SLACK, "U0ALICE", "alice")
        numbers = itertools.count(1)

        async def one() -> None:
            n = next(numbers)
            who = Identity(alice.platform, alice.user_id, alice.name, f"C0B{n % 500}")
            answer = await app.dispatcher.handle_text(who, f"new Bench ticket {n}",
                                                      origin=who.channel)
            assert answer.ok, answer
        for _ in range(40):
            await one()
        profiler = cProfile.Profile() if profile else None
        cpu: list[float] = []
        statements = 0
        if profiler:
            profiler.enable()
        for _ in range(creations):
            used = time.process_time()
            await one()
            cpu.append((time.process_time() - used) * 1000)
        if profiler and profile:
            profiler.disable()
            profiler.dump_stats(profile)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
        async with app.engine.connect() as conn:
            from sqlalchemy import text
            outbox = (await conn.execute(text("SELECT count(*) FROM outbox"))).scalar()
            tickets = (await conn.execute(text("SELECT count(*) FROM tickets"))).scalar()
    finally:
        await app.aclose()
    return {"suggest": not off, "creations": creations,
            "cpu_ms_median": round(statistics.median(cpu), 2),
            "cpu_ms_mean": round(statistics.fmean(cpu), 2),
            "statements_per_creation": round(statements / creations, 2),
            "outbox_rows_per_ticket": round(int(outbox or 0) / int(tickets or 1), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("serve", "inproc"))
    parser.add_argument("--path", choices=("slack", "api"), default="slack")
    parser.add_argument("--off", action="store_true", help="knowledge-base suggestions off")
    parser.add_argument("--creations", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--profile", help="inproc: write the creations' cProfile here")
    args = parser.parse_args()
    creations = max(1, min(args.creations, 5_000))
    if args.mode == "serve":
        result = asyncio.run(serve(args.path, args.off, creations,
                                   max(1, min(args.concurrency, 64))))
    else:
        result = asyncio.run(inproc(args.off, creations, args.profile))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
