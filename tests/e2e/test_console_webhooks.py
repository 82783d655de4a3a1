"""The console is a whole local ticketbot: what it changes reaches the organisation file's
webhook subscribers, signed; a delivery that failed is listed by `ticketbot outbox list
--failed` with its event id, and `ticketbot outbox retry` sends it again."""

import asyncio
import os
import re
import sys
from pathlib import Path

from tests.fakes.webhook_receiver import FakeReceiver
from tests.support.webhooks import SECRET, hooks_org


async def _ticketbot(database_url: str, org: Path, *args: str, stdin: str = "") -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TICKETBOT_")}
    env.update(DATABASE_URL=database_url, TICKETBOT_ORG_FILE=str(org),
               TICKETBOT_LOG_LEVEL="WARNING", TICKETBOT_TIMEZONE="UTC")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), timeout=60)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_console_changes_are_delivered_and_failures_retried_by_hand(
        database_url: str, tmp_path: Path) -> None:
    async with FakeReceiver(SECRET) as receiver:
        org = tmp_path / "org.yaml"
        org.write_text(hooks_org(receiver.url), encoding="utf-8")
        await _ticketbot(database_url, org, "db", "upgrade")
        receiver.fail_next(410)  # the first delivery is refused for good: a dead letter
        await _ticketbot(database_url, org, "console",
                         stdin="new P1 Payroll server down\n/as bob\nclaim IT-1\n")
        assert receiver.bad_signatures == 0
        types = sorted(e["type"] for e in receiver.events)
        # Created (twice: everything and p1-created, one of them refused), assigned, started.
        assert types == ["ticket.assigned", "ticket.created", "ticket.status_changed"]

        failed = (await _ticketbot(database_url, org, "outbox", "list", "--failed")).strip()
        # Either subscription's creation event may have been posted first (they go in parallel).
        found = re.fullmatch(r"#\d+ dead webhook:(everything|p1-created) IT-1 ticket\.created "
                             r"event=([0-9a-f-]{36}) attempts=1 error=webhook \1: HTTP 410",
                             failed)
        assert found is not None, failed
        name, event_id = found.groups()

        retried = await _ticketbot(database_url, org, "outbox", "retry")
        assert retried.strip() == "1 message(s) queued for delivery again"
        await _ticketbot(database_url, org, "console", stdin="list\n")  # delivers what is due
        assert receiver.deliveries[(f"/hooks/{name}", event_id)] == 1
        assert (await _ticketbot(database_url, org, "outbox", "list", "--failed")).strip() == (
            "no failed messages")
