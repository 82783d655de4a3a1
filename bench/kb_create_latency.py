"""What suggestions add to creating a ticket: the same creations through the dispatcher with
the knowledge base's suggestions on and off, interleaved, on a scratch SQLite database holding
the labelled set's 312 articles and N open tickets.

    .venv/bin/python -m bench.kb_create_latency [--tickets 300] [--creations 200]
"""

import argparse
import asyncio
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


async def run(url: str, tickets: int, creations: int) -> None:
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
            bob = Identity(Source.CONSOLE, "bob")  # open tickets from someone else: similar, not duplicates
            for i in range(tickets):
                await app.dispatcher.handle_text(bob, f"new {queries[i % len(queries)]} #{i}")
            on, off = app.dispatcher.org, replace(
                app.dispatcher.org, knowledge=replace(app.dispatcher.org.knowledge, suggest=False))
            times: dict[bool, list[float]] = {True: [], False: []}
            inside: list[float] = []  # the suggestion step itself (search + similar tickets)
            real = create_module.suggest

            async def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
                started = time.perf_counter()
                try:
                    return await real(*args, **kwargs)
                finally:
                    inside.append((time.perf_counter() - started) * 1000)
            create_module.suggest = timed
            for i in range(creations):
                suggest = i % 2 == 0
                app.dispatcher.org = on if suggest else off
                started = time.perf_counter()
                answer = await app.dispatcher.handle_text(alice, f"new {queries[(i * 7) % len(queries)]}")
                times[suggest].append((time.perf_counter() - started) * 1000)
                assert answer.ok
            create_module.suggest = real
            inside.sort()
            print(f"the suggestion step alone: median {statistics.median(inside):.1f} ms, "
                  f"p95 {inside[int(0.95 * (len(inside) - 1))]:.1f} ms")
            for suggest, label in ((False, "without suggestions"), (True, "with suggestions")):
                t = sorted(times[suggest])
                print(f"{label}: median {statistics.median(t):.1f} ms, "
                      f"p95 {t[int(0.95 * (len(t) - 1))]:.1f} ms over {len(t)} creations")
        finally:
            await app.aclose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=300, help="open tickets first")
    parser.add_argument("--creations", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'kb.db'}"
        create_embedded_database(url)  # migrates (its own event loop)
        asyncio.run(run(url, args.tickets, args.creations))


if __name__ == "__main__":
    main()
