"""`ticketbot outbox`: see the dead letters, and send them again."""

import asyncio

from sqlalchemy import text

from storage.engine import make_engine
from tests.e2e.test_console import ticketbot


async def _kill_first_message(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(
                "UPDATE outbox SET status = 'dead', last_error = 'Slack refused: is_archived', "
                "attempts = 3 WHERE id = (SELECT min(id) FROM outbox)"))
    finally:
        await engine.dispose()


def test_failed_messages_are_listed_and_retried(database_url: str) -> None:
    assert ticketbot(database_url, "db", "upgrade").returncode == 0
    assert ticketbot(database_url, "console", stdin="new Badge reader broken\n").returncode == 0
    asyncio.run(_kill_first_message(database_url))

    failed = ticketbot(database_url, "outbox", "list", "--failed")
    assert failed.returncode == 0, failed.stderr
    assert failed.stdout.strip() == ("#1 dead console:#it-triage IT-1 create attempts=3 "
                                     "error=Slack refused: is_archived")
    stats = ticketbot(database_url, "outbox", "stats").stdout
    assert "failed 1" in stats

    retried = ticketbot(database_url, "outbox", "retry")
    assert retried.stdout.strip() == "1 message(s) queued for delivery again"
    assert ticketbot(database_url, "outbox", "list", "--failed").stdout.strip() == (
        "no failed messages")
    assert "pending 1" in ticketbot(database_url, "outbox", "stats").stdout
