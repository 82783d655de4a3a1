"""CPU per `list all` (an admin's: every team) and per `show`, with and without a confidential
queue in the organisation, on SQLite: what the visibility rule adds to a read.

    python bench/confidential_list.py [tickets] [rounds]

Bounded: at most 2,000 tickets and 500 rounds; loopback/file only. Prints CPU microseconds per
command (resource.getrusage, this process), interleaving the two organisations.
"""

import asyncio
import resource
import sys
import tempfile
from pathlib import Path

from bot.bootstrap import build_app
from bot.orgfile import SAMPLE
from bot.settings import Settings
from commands.messages import Identity
from storage.migrate import upgrade
from workflows.kinds import Source


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def one(org_text: str, tickets: int, rounds: int, where: Path) -> tuple[float, float]:
    org = where / "org.yaml"
    org.write_text(org_text, encoding="utf-8")
    db = where / "bench.db"
    db.unlink(missing_ok=True)
    await asyncio.to_thread(upgrade, f"sqlite:///{db}")
    app = await build_app(Settings(_env_file=None, database_url=f"sqlite:///{db}", org_file=org))
    try:
        run = app.dispatcher.handle_text
        for i in range(tickets):
            queue = "queue:HR " if i % 10 == 0 else ""
            await run(Identity(Source.CONSOLE, "alice"), f"new {queue}request number {i}")
        figures = []
        for text in ("list all", "show IT-2"):
            start = cpu()
            for _ in range(rounds):
                await run(Identity(Source.CONSOLE, "admin"), text)
            figures.append((cpu() - start) / rounds * 1e6)
        return figures[0], figures[1]
    finally:
        await app.aclose()


async def main() -> None:
    tickets = min(int(sys.argv[1]) if len(sys.argv) > 1 else 500, 2000)
    rounds = min(int(sys.argv[2]) if len(sys.argv) > 2 else 200, 500)
    secret = SAMPLE.read_text(encoding="utf-8")
    plain = secret.replace("confidential: true", "confidential: false")
    with tempfile.TemporaryDirectory() as where:
        for label, text in (("plain", plain), ("confidential", secret)) * 2:
            listed, shown = await one(text, tickets, rounds, Path(where))
            print(f"{label:13} list all {listed:8.0f} µs   show {shown:7.0f} µs")


if __name__ == "__main__":
    asyncio.run(main())
