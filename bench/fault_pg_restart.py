"""Fault test: restart PostgreSQL in the middle of a load of ticket creations.

    python -m bench.fault_pg_restart [--seconds 10] [--restart-at 3] [--concurrency 8]

Restarts the local PostgreSQL cluster (`pg_ctlcluster … restart`) under `/ticket new` load on the
real `ticketbot serve` process, then checks, request by request: a reply that says "Created" is
in the database; a reply that says "could not save, please retry" is not; no other reply and no
HTTP error; /readyz turned 503 while the database was away and 200 again after, with no restart
of the bot. It restarts the whole server: run it when nothing else uses it (not in CI).
Loopback only; bounded in time; prints a JSON summary and a verdict.
"""

import argparse
import asyncio
import json
import os
import re
import subprocess
import time

import httpx
from sqlalchemy import select

from bench._bot import serving
from bench._db import fresh_database, migrate
from storage.engine import make_engine
from storage.models import TicketRow
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp

RETRY = "Could not save, please retry. Nothing was changed."
CREATED = re.compile(r"^Created (IT-\d+) ")


def restart_postgres() -> float:
    """Restart every local cluster; returns how long it took."""
    started = time.perf_counter()
    for version in sorted(os.listdir("/etc/postgresql")):
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
                       check=True, capture_output=True, timeout=60)
    return time.perf_counter() - started


async def run(seconds: float, restart_at: float, concurrency: int) -> dict:
    url = await fresh_database()
    await asyncio.to_thread(migrate, url)
    replies: list[tuple[float, str, int, str]] = []  # (at, title, status, text)
    readiness: list[tuple[float, int]] = []
    async with (FakeSlack() as fake, httpx.AsyncClient(timeout=15) as http,
                serving(url, fake, http, "ERROR") as (_, base)):
        start = time.perf_counter()
        deadline = start + seconds
        counter = iter(range(1_000_000))

        async def client() -> None:
            while time.perf_counter() < deadline:
                n = next(counter)
                title = f"Restart ticket {n}"
                body = sp.form_body(sp.slash_command(
                    f"new {title}", user_id="U0ALICE", user_name="alice",
                    channel_id=f"C0PG{n % 20}"))
                headers = {**sp.sign(body), "Content-Type": "application/x-www-form-urlencoded"}
                try:
                    response = await http.post(f"{base}/slack/events", content=body,
                                               headers=headers)
                    text = response.json().get("text", "") if response.content else ""
                    status = response.status_code
                except (httpx.HTTPError, ValueError) as error:
                    status, text = 0, type(error).__name__
                replies.append((time.perf_counter() - start, title, status, text))

        async def probe() -> None:
            while time.perf_counter() < deadline + 5:
                try:
                    status = (await http.get(f"{base}/readyz")).status_code
                except httpx.HTTPError:
                    status = 0
                readiness.append((time.perf_counter() - start, status))
                await asyncio.sleep(0.1)

        async def restart() -> float:
            await asyncio.sleep(restart_at)
            return await asyncio.to_thread(restart_postgres)

        took, *_ = await asyncio.gather(restart(), probe(),
                                        *(client() for _ in range(concurrency)))
    engine = make_engine(url)
    async with engine.connect() as conn:
        stored = set((await conn.execute(select(TicketRow.title))).scalars())
    await engine.dispose()

    created = [r for r in replies if r[2] == 200 and CREATED.match(r[3])]
    retried = [r for r in replies if r[2] == 200 and r[3] == RETRY]
    other = [r for r in replies if r not in created and r not in retried]
    not_ready = [at for at, status in readiness if status != 200]
    last_retry = max((r[0] for r in retried), default=restart_at)
    recovered = [r[0] for r in created if r[0] > last_retry]
    return {
        "requests": len(replies),
        "created_replies": len(created),
        "created_missing_in_db": sum(1 for r in created if r[1] not in stored),
        "retry_replies": len(retried),
        "retry_but_saved": sum(1 for r in retried if r[1] in stored),
        "other_replies": len(other),
        "other_examples": [r[3][:80] or f"HTTP {r[2]}" for r in other[:3]],
        "restart_seconds": round(took, 2),
        "not_ready_probes": len(not_ready),
        "not_ready_window_s": [round(min(not_ready), 2), round(max(not_ready), 2)]
        if not_ready else None,
        "ready_at_end": bool(readiness) and readiness[-1][1] == 200,
        "retry_window_s": [round(min(r[0] for r in retried), 2), round(last_retry, 2)]
        if retried else None,
        "first_created_after_the_window_s": round(min(recovered) - last_retry, 2)
        if recovered else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--restart-at", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    result = asyncio.run(run(args.seconds, args.restart_at, args.concurrency))
    print(json.dumps(result, indent=2))
    ok = (result["created_missing_in_db"] == 0 and result["retry_but_saved"] == 0
          and result["other_replies"] == 0 and result["ready_at_end"]
          and result["first_created_after_the_window_s"] is not None)
    print(f"{'PASS' if ok else 'FAIL'}: {result['created_replies']} created, "
          f"{result['retry_replies']} told to retry ({result['retry_but_saved']} of them saved), "
          f"{result['other_replies']} other replies; not ready for "
          f"{result['not_ready_probes']} probes; creating again "
          f"{result['first_created_after_the_window_s']} s after the last retry reply")


if __name__ == "__main__":
    main()
