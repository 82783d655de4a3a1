"""Similar-ticket look-ups against 1,000,000 tickets in PostgreSQL (what each creation asks).

The tickets are generated once, in the server (`INSERT … SELECT generate_series`), into a
database kept for later runs (`ticketbot_bench_kb1m`, recreated only with --fresh or when it
is not whole): 1,000,000 rows, `--open` of them still open and so in the look-up's window, the
rest closed. Titles are the labelled set's article titles with a site and a number, so many
share words. Then, through the real storage code (storage/kb.py's SqlKnowledge with one
process-wide KbSearch, as a running process has):

- `--lookups` look-ups, each after a new ticket was added (another replica's, say), the
  titles of the labelled set's queries: wall and CPU per look-up, statements per look-up;
- the whole reload (every 30 s, or after 5 s idle: the latest 500 open tickets) timed apart.

    .venv/bin/python -m bench.kb_similar_perf [--tickets 1000000] [--open 20000]
        [--lookups 300] [--fresh]

Bounded: at most --tickets rows, generated once; the statement timeout is 10 minutes.
"""

import argparse
import asyncio
import random
import resource
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from bench._db import ADMIN_URL, _admin, migrate
from bench.kb_eval.evaluate import load
from bench.kb_search_perf import percentile
from storage.engine import make_engine
from storage.kb import KbSearch, SqlKnowledge
from storage.kb_text import warm

NAME = "ticketbot_bench_kb1m"
SITES = ["Shanghai", "Beijing", "Berlin", "Austin", "二号楼", "研发中心", "floor 2", "floor 5"]
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def prepare(tickets: int, open_count: int, fresh: bool) -> str:
    url = make_url(ADMIN_URL).set(database=NAME).render_as_string(hide_password=False)
    exists = await _admin(f"SELECT 1 FROM pg_database WHERE datname = '{NAME}'")
    if exists and not fresh:
        engine = make_engine(url)
        async with engine.connect() as conn:
            have = (await conn.execute(text("SELECT count(*) FROM tickets"))).scalar_one()
        await engine.dispose()
        if have == tickets:
            print(f"reusing {NAME}: {have} tickets")
            return url
    await _admin(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    await _admin(f'CREATE DATABASE "{NAME}"')
    await asyncio.to_thread(migrate, url)
    titles = [a["title"] for a in load()["articles"]]
    rng = random.Random(5)
    engine = make_engine(url)
    started = time.perf_counter()
    async with engine.begin() as conn:
        await conn.execute(text("SET LOCAL statement_timeout = '10min'"))
        await conn.execute(text(
            "INSERT INTO people (id, handle, name, created_at) "
            "SELECT g, 'p' || g, 'Person ' || g, :now FROM generate_series(1, 200) g"),
            {"now": NOW})
        await conn.execute(text("INSERT INTO queues (key, next_number) VALUES ('IT', :n)"),
                           {"n": tickets})
        await conn.execute(text("CREATE TEMP TABLE bench_titles (i int, title text)"))
        await conn.execute(text("INSERT INTO bench_titles VALUES (:i, :t)"), [
            {"i": i, "t": f"{rng.choice(titles)} ({rng.choice(SITES)} {i})"[:200]}
            for i in range(1000)])
        # The newest `open_count` are open (the window looks at recent tickets); one a minute.
        await conn.execute(text("""
            INSERT INTO tickets (id, key, queue, number, title, description, type, priority,
                status, requester_id, team, source, created_at, updated_at, version)
            SELECT g, 'IT-' || g, 'IT', g, t.title, '', 'incident', 'P3',
                CASE WHEN g > CAST(:total AS int) - CAST(:open AS int) THEN 'new'
                     ELSE 'closed' END,
                1 + g % 200, 'it', 'console',
                CAST(:now AS timestamptz) - make_interval(mins => CAST(:total AS int) - g),
                CAST(:now AS timestamptz) - make_interval(mins => CAST(:total AS int) - g),
                0
            FROM generate_series(1, CAST(:total AS int)) g JOIN bench_titles t ON t.i = g % 1000"""),
            {"total": tickets, "open": open_count, "now": NOW})
        await conn.execute(text(
            "SELECT setval(pg_get_serial_sequence('tickets', 'id'), :n)"), {"n": tickets})
    async with engine.begin() as conn:
        await conn.execute(text("ANALYZE tickets"))
    await engine.dispose()
    print(f"generated {tickets} tickets ({open_count} open) in "
          f"{time.perf_counter() - started:.0f} s")
    return url


async def measure(url: str, lookups: int, tickets: int) -> None:
    warm()
    engine = make_engine(url)
    statements = [0]

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def count(*_: object) -> None:
        statements[0] += 1

    sessions = async_sessionmaker(engine, expire_on_commit=False)
    search = KbSearch(sessions)
    queries = [q["query"] for q in load()["queries"]][:lookups]
    since = NOW - timedelta(days=30)
    async with sessions() as session:  # the first look-up loads the window: timed apart
        t, c = time.perf_counter(), cpu()
        await SqlKnowledge(session, search).similar_tickets("warm up", since, 6, 0.5)
        print(f"first look-up (loads the latest {len(search.recent)} open titles): "
              f"{(time.perf_counter() - t) * 1000:.0f} ms wall, {(cpu() - c) * 1000:.0f} ms CPU")
    walls: list[float] = []
    cpus: list[float] = []
    reloads: list[float] = []
    per: list[int] = []
    next_id = 10_000_000
    for i, query in enumerate(queries):
        async with sessions() as session:  # another process's new ticket
            next_id += 1
            await session.execute(text(
                "INSERT INTO tickets (id, key, queue, number, title, description, type, "
                "priority, status, requester_id, team, source, created_at, updated_at, version) "
                "VALUES (:i, :k, 'IT', :i, :t, '', 'incident', 'P3', 'new', 1, 'it', "
                "'console', :now, :now, 0)"),
                {"i": next_id, "k": f"IT-{next_id}", "t": query[:200], "now": NOW})
            await session.commit()
        reload = i % 50 == 49
        if reload:
            search.recent.loaded_at = None  # the 30-second whole reload, on purpose
        async with sessions() as session:
            before = statements[0]
            t, c = time.perf_counter(), cpu()
            await SqlKnowledge(session, search).similar_tickets(query, since, 6, 0.5)
            wall, used = (time.perf_counter() - t) * 1000, (cpu() - c) * 1000
            (reloads if reload else walls).append(wall)
            if not reload:
                cpus.append(used)
                per.append(statements[0] - before)
    async with engine.begin() as conn:  # the run's own tickets go; the million stay
        await conn.execute(text("DELETE FROM tickets WHERE id > 9999999"))
    await engine.dispose()
    print(f"{len(walls)} look-ups among {tickets:,} tickets: wall median "
          f"{statistics.median(walls):.1f} ms, p95 {percentile(walls, 0.95):.1f} ms; CPU median "
          f"{statistics.median(cpus):.1f} ms, p95 {percentile(cpus, 0.95):.1f} ms; statements "
          f"per look-up {statistics.median(per):.0f} (max {max(per)})")
    print(f"{len(reloads)} whole reloads: median {statistics.median(reloads):.0f} ms, "
          f"max {max(reloads):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=20_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()

    async def run() -> None:
        url = await prepare(args.tickets, args.open, args.fresh)
        await measure(url, args.lookups, args.tickets)

    asyncio.run(run())


if __name__ == "__main__":
    main()
