"""Fault test: SIGKILL the bot in the middle of a load of ticket creations.

    python -m bench.fault_sigkill [--requests 400] [--kill-after 120] [--concurrency 16]

Checks that every `/ticket new` that got HTTP 200 is in the database with its audit line and its
outbox rows, and that after a restart every pending message reaches the (fake) Slack exactly once.
Loopback only; bounded in requests and time; prints a JSON summary and a verdict.
"""

import argparse
import asyncio
import json
import signal

import httpx
from sqlalchemy import func, select

from bench._bot import bot_env, free_port, start_bot, wait_ready
from bench._db import fresh_database, migrate
from storage.engine import make_engine
from storage.models import AuditRow, OutboxRow, TicketRow
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp


async def run(requests: int, kill_after: int, concurrency: int) -> dict:
    url_db = await fresh_database()
    await asyncio.to_thread(migrate, url_db)
    engine = make_engine(url_db)
    result: dict = {}
    async with FakeSlack() as fake, httpx.AsyncClient(timeout=10) as http:
        port = free_port()
        env = bot_env(url_db, fake, port)
        base = f"http://127.0.0.1:{port}"
        bot = start_bot(env)
        await wait_ready(http, base)

        acked: list[str] = []
        failed = 0
        queue = list(range(requests))
        killed = asyncio.Event()

        async def client() -> None:
            nonlocal failed
            while queue and not killed.is_set():
                n = queue.pop(0)
                title = f"Load ticket {n}"
                body = sp.form_body(sp.slash_command(
                    f"new {title}", user_id="U0ALICE", user_name="alice", channel_id=f"C0LOAD{n % 20}",
                    response_url=fake.url.replace("/api/", f"/commands/T0TEAM/{n}/hook")))
                headers = {**sp.sign(body), "Content-Type": "application/x-www-form-urlencoded"}
                try:
                    response = await http.post(f"{base}/slack/events", content=body, headers=headers)
                except httpx.HTTPError:
                    failed += 1
                    continue
                if response.status_code == 200:
                    acked.append(title)
                    if len(acked) >= kill_after and not killed.is_set():
                        killed.set()
                        bot.send_signal(signal.SIGKILL)
                else:
                    failed += 1

        await asyncio.gather(*(client() for _ in range(concurrency)))
        if not killed.is_set():  # fewer acknowledgements than asked for: kill now anyway
            bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=10)

        async with engine.connect() as conn:
            titles = set((await conn.execute(select(TicketRow.title))).scalars())
            audited = int((await conn.execute(select(func.count()).select_from(AuditRow).where(
                AuditRow.action == "create"))).scalar_one())
            outbox = int((await conn.execute(select(func.count()).select_from(OutboxRow)))
                         .scalar_one())
        missing = [t for t in acked if t not in titles]

        # Restart: the new process delivers everything still pending, once.
        bot = start_bot(env)
        await wait_ready(http, base)
        for _ in range(1500):  # at most 150 s: paced at 1 post per second per channel
            async with engine.connect() as conn:
                pending = int((await conn.execute(select(func.count()).select_from(OutboxRow)
                                                  .where(OutboxRow.status != "sent"))).scalar_one())
            if not pending:
                break
            await asyncio.sleep(0.1)
        bot.send_signal(signal.SIGTERM)
        bot.wait(timeout=30)
        keys = [c.args.get("metadata", {}).get("event_payload", {}).get("key")
                for c in fake.calls_to("chat.postMessage") if c.status == 200]
        keys = [k for k in keys if k]
        result = {
            "requests_sent": len(acked) + failed, "acked_200": len(acked),
            "acked_missing_in_db": len(missing), "tickets_in_db": len(titles),
            "create_audit_lines": audited, "outbox_rows": outbox,
            "undelivered_after_restart": pending, "slack_posts": len(keys),
            "slack_posts_doubled": len(keys) - len(set(keys)),
        }
    await engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--kill-after", type=int, default=120)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    result = asyncio.run(run(args.requests, args.kill_after, args.concurrency))
    print(json.dumps(result, indent=2))
    ok = (result["acked_missing_in_db"] == 0 and result["undelivered_after_restart"] == 0
          and result["slack_posts_doubled"] == 0
          and result["create_audit_lines"] == result["tickets_in_db"])
    print(f"{'PASS' if ok else 'FAIL'}: {result['acked_200']} acknowledged creations survived "
          f"SIGKILL ({result['acked_missing_in_db']} missing); {result['slack_posts']} posts "
          f"after restart, {result['slack_posts_doubled']} doubled")


if __name__ == "__main__":
    main()
