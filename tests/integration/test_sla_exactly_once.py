"""Three bot instances sweep one PostgreSQL database with a few hundred tickets due at once; one
of them dies mid-sweep (its task is cancelled between claiming and committing, holding row
locks). Every warning and escalation step is done, and delivered, exactly once."""

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.bootstrap import App
from commands.messages import Identity
from commands.ports import UnitOfWorkFactory
from storage.models import AuditRow, OutboxRow, TicketRow
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender
from tests.support.sla import fast_sla_app, run_sweep
from workflows.kinds import Source, TicketType
from workflows.priority import Priority
from workflows.sla_policy import Facts
from workflows.sla_report import simulate

TICKETS = 300
MINUTES = 16  # response: warnings at 5 and 7.5, breach and chain at 10, hand-over at 15; ...
STEP_ACTIONS = {"warning": "sla_warning", "breach": "sla_breach", "notify_lead": "escalation",
                "post_channel": "escalation_channel", "reassign": "escalate",
                "reminder": "sla_reminder", "exhausted": "sla_exhausted"}


class Stalling:
    """A unit-of-work factory whose commits hang after the first `allowed`: the instance dies
    in the middle of a step, its transaction open and its ticket locked."""

    def __init__(self, inner: UnitOfWorkFactory, allowed: int) -> None:
        self.inner, self.allowed, self.commits = inner, allowed, 0
        self.stalled = asyncio.Event()

    def __call__(self) -> Any:
        uow = self.inner()
        commit: Callable[[], Any] = uow.commit

        async def stalling_commit() -> None:
            self.commits += 1
            if self.commits > self.allowed:
                self.stalled.set()
                await asyncio.Event().wait()  # never returns: cancelled with its task
            await commit()

        uow.commit = stalling_commit  # type: ignore[method-assign]
        return uow


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_three_instances_one_killed_every_step_exactly_once(
        database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    async with (fast_sla_app(database_url, tmp_path, clock) as a,
                fast_sla_app(database_url, tmp_path, clock) as b,
                fast_sla_app(database_url, tmp_path, clock) as c):
        opened = clock.now()
        for start in range(0, TICKETS, 25):
            await asyncio.gather(*(
                a.dispatcher.handle_text(Identity(Source.CONSOLE, "alice"), f"new P1 Outage {n}")
                for n in range(start, min(start + 25, TICKETS))))
        sender = RecordingSender()
        relays = [app.relay({"console": sender}, pacing={}, batch=500) for app in (a, b)]
        # Four empty claims (minutes 1 to 4), then at minute 5 the claim of a batch of 100; it
        # hangs committing that batch's steps, its tickets locked.
        stalling = Stalling(c.uow, allowed=5)
        c.uow = stalling  # type: ignore[assignment]
        killed = False
        for _ in range(MINUTES):
            clock.advance(minutes=1)
            sweepers = [run_sweep(a), run_sweep(b)]
            if not killed:
                doomed = asyncio.create_task(run_sweep(c))
                await asyncio.wait([doomed, asyncio.create_task(stalling.stalled.wait())],
                                   return_when=asyncio.FIRST_COMPLETED)
                if stalling.stalled.is_set():  # C has claimed a batch and hangs mid-batch
                    doomed.cancel()
                    await asyncio.gather(doomed, return_exceptions=True)
                    await c.engine.dispose()
                    killed = True
            await asyncio.gather(*sweepers)
        # Tickets C had claimed fall due again when its lease runs out: let the survivors finish.
        for _ in range(4):
            clock.advance(minutes=1)
            await asyncio.gather(run_sweep(a), run_sweep(b))
        for _ in range(100):
            if not sum(await asyncio.gather(*(r.run_once() for r in relays))):
                break
        assert killed and stalling.commits > 5

        expected = _expected_steps(a, opened, clock)
        async with a.engine.connect() as conn:
            audit = (await conn.execute(
                select(AuditRow.ticket_id, AuditRow.action, AuditRow.changes)
                .where(AuditRow.action.in_(set(STEP_ACTIONS.values()))))).all()
            rows = (await conn.execute(select(OutboxRow.idempotency_key, OutboxRow.status)
                                       .where(OutboxRow.event != "create"))).all()
            tickets = (await conn.execute(select(func.count()).select_from(TicketRow))).scalar()
    assert tickets == TICKETS
    per_ticket: dict[int, Counter[str]] = {}
    for ticket_id, action, _ in audit:
        per_ticket.setdefault(ticket_id, Counter())[action] += 1
    assert len(per_ticket) == TICKETS
    assert all(steps == expected for steps in per_ticket.values()), (
        expected, next(s for s in per_ticket.values() if s != expected))
    # Every message the steps promised reached the fake messenger, once.
    assert {status for _, status in rows} == {"sent"}
    delivered = Counter(m.idempotency_key for m in sender.sent)
    promised = {key for key, _ in rows}
    assert set(delivered) >= promised
    assert max(delivered.values()) == 1
    warnings = [m for m in sender.sent if m.address == "#it" and m.text.startswith("⏳")]
    assert len(warnings) == TICKETS * expected["sla_warning"]


def _expected_steps(app: App, opened: Any, clock: FakeClock) -> Counter[str]:
    """What one sweeper alone would have done to each ticket by now: the policy's dry run."""
    book = app.loaded.org.sla
    facts = Facts("IT", "it", TicketType.INCIDENT, None)
    timeline = simulate(app.loaded.org, book.policy("fast"), Priority.P1, facts, opened)
    return Counter(STEP_ACTIONS[s.action or s.kind] for s in timeline if s.at <= clock.now())
