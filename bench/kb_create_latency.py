"""What suggestions add to creating a ticket: the same creations through the dispatcher with
the knowledge base's suggestions on and off, interleaved, on a scratch SQLite database holding
the labelled set's 312 articles and N open tickets (or a scratch PostgreSQL database).

    .venv/bin/python -m bench.kb_create_latency [--tickets 300] [--creations 200] [--postgres]
        [--profile FILE]   # cProfile of the creations with suggestions, written to FILE
        [--alike]          # every title "Bench ticket N", as bench.ack_latency files them

Wall time and CPU time (process_time, the event loop's thread and jieba's alike) per creation.
"""

import argparse
import asyncio
import cProfile
import pstats
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.kb_eval.evaluate import load
from bot.bootstrap import build_app, create_embedded_database, warm_kb
from bot.settings import Settings
from commands.actions import create as create_module
from commands.messages import Identity
from commands.ports import ArticleDraft
from workflows.kinds import Source
from workflows.knowledge import Visibility


async def run(url: str, tickets: int, creations: int, profile: str | None = None,
              alike: bool = False) -> None:
    if True:
        app = await build_app(Settings(_env_file=None, database_url=url, org_file=None,
                                       locale="en", timezone="UTC"))
        try:
            data = load()
            async with app.uow() as uow:
                for a in data["articles"]:
                    await uow.kb.add(ArticleDraft(a["title"], a["body"], Visibility(a["visibility"])),
                                     None, app.clock.now())
                await uow.commit()
            await warm_kb(app)
            alice = Identity(Source.CONSOLE, "alice")
            queries = [q["query"] for q in data["queries"]]
            if alike:  # all alike: every open ticket is a similar-ticket candidate
                queries = [f"Bench ticket {n}" for n in range(len(queries))]
            bob = Identity(Source.CONSOLE, "bob")  # open tickets from someone else: similar, not duplicates
            for i in range(tickets):
                await app.dispatcher.handle_text(bob, f"new {queries[i % len(queries)]} #{i}")
            on, off = app.dispatcher.org, replace(
                app.dispatcher.org, knowledge=replace(app.dispatcher.org.knowledge, suggest=False))
            times: dict[bool, list[float]] = {True: [], False: []}
            cpu: dict[bool, list[float]] = {True: [], False: []}
            inside: list[float] = []  # the suggestion step itself (search + similar tickets)
            inside_cpu: list[float] = []
            real = create_module.suggest
            profiler = cProfile.Profile() if profile else None

            async def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
                started, used = time.perf_counter(), time.process_time()
                try:
                    return await real(*args, **kwargs)
                finally:
                    inside.append((time.perf_counter() - started) * 1000)
                    inside_cpu.append((time.process_time() - used) * 1000)
            create_module.suggest = timed
            for i in range(creations):
                suggest = i % 2 == 0
                app.dispatcher.org = on if suggest else off
                if profiler and suggest:
                    profiler.enable()
                started, used = time.perf_counter(), time.process_time()
                answer = await app.dispatcher.handle_text(alice, f"new {queries[(i * 7) % len(queries)]}")
                times[suggest].append((time.perf_counter() - started) * 1000)
                cpu[suggest].append((time.process_time() - used) * 1000)
                if profiler and suggest:
                    profiler.disable()
                assert answer.ok
            create_module.suggest = real
            print(f"the suggestion step alone: median {statistics.median(inside):.1f} ms, "
                  f"p95 {sorted(inside)[int(0.95 * (len(inside) - 1))]:.1f} ms, "
                  f"CPU median {statistics.median(inside_cpu):.1f} ms")
            for suggest, label in ((False, "without suggestions"), (True, "with suggestions")):
                t = sorted(times[suggest])
                print(f"{label}: median {statistics.median(t):.1f} ms, "
                      f"p95 {t[int(0.95 * (len(t) - 1))]:.1f} ms, "
                      f"CPU median {statistics.median(cpu[suggest]):.1f} ms "
                      f"over {len(t)} creations")
            if profiler and profile:
                profiler.dump_stats(profile)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        finally:
            await app.aclose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=300, help="open tickets first")
    parser.add_argument("--creations", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database")
    parser.add_argument("--profile", help="write the creations' cProfile here")
    parser.add_argument("--alike", action="store_true", help='titles "Bench ticket N"')
    args = parser.parse_args()
    if args.postgres:
        from bench._db import fresh_database, migrate
        url = asyncio.run(fresh_database())
        migrate(url)
        asyncio.run(run(url, args.tickets, args.creations, args.profile,
                        args.alike))
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'kb.db'}"
        create_embedded_database(url)  # migrates (its own event loop)
        asyncio.run(run(url, args.tickets, args.creations, args.profile,
                        args.alike))


if __name__ == "__main__":
    main()
