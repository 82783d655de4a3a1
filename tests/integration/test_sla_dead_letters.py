"""An SLA step that keeps failing is given up after the configured number of attempts, listed
for operators with its ticket and error, not retried by later sweeps, and re-queued on demand."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from bot.cli import main
from commands import context
from storage.models import AuditRow, SlaFailureRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.sla import fast_sla_app, run_sweep


@pytest.fixture
async def sla_app(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    async with fast_sla_app(database_url, tmp_path, clock) as app:
        yield app


def failing_notifications(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planning who hears of a step always raises (a broken directory, a bad template…)."""
    async def plan(*_: Any, **__: Any) -> list[Any]:
        raise RuntimeError("directory unreachable")
    monkeypatch.setattr(context, "plan", plan)


async def cli(database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
              monkeypatch: pytest.MonkeyPatch, *argv: str) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TICKETBOT_ORG_FILE", str(tmp_path / "org.yaml"))
    capsys.readouterr()
    assert await asyncio.to_thread(main, list(argv)) == 0  # the CLI runs its own event loop
    return capsys.readouterr().out


async def test_a_step_failing_five_times_becomes_a_dead_letter_operators_list_and_retry(
        sla_app: App, clock: FakeClock, database_url: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    await Chat(sla_app).user("alice").says("new P1 Core switch down")  # warning due at 5 min
    patched = pytest.MonkeyPatch()
    failing_notifications(patched)
    try:
        clock.advance(minutes=6)
        attempts = []
        for _ in range(5):  # each failed attempt is retried when its claim's lease runs out
            report = await run_sweep(sla_app)
            attempts.append((report.claimed, report.failed, report.dead))
            clock.advance(minutes=2, seconds=1)
        assert attempts == [(1, 1, [])] * 4 + [(1, 1, ["IT-1"])]
        for minutes in (2, 10, 60):  # given up: later sweeps leave it alone
            clock.advance(minutes=minutes)
            report = await run_sweep(sla_app)
            assert (report.claimed, report.failed) == (0, 0)
    finally:
        patched.undo()

    async with sla_app.engine.connect() as conn:
        failure = (await conn.execute(select(SlaFailureRow))).one()
        due = (await conn.execute(select(TicketRow.sla_next_due_at))).scalar_one()
    assert (failure.attempts, failure.last_error) == (5, "RuntimeError: directory unreachable")
    assert due is None

    listed = await cli(database_url, tmp_path, capsys, monkeypatch, "sla", "failed")
    assert listed.startswith("IT-1  5 attempts  given up ")
    assert "RuntimeError: directory unreachable" in listed

    retried = await cli(database_url, tmp_path, capsys, monkeypatch, "sla", "retry", "it-1")
    assert retried == "1 SLA step(s) queued for the next sweep again: IT-1\n"
    # The directory is back: the missed work is done at once (the warnings, now overtaken, are
    # folded into the breach), and once.
    report = await run_sweep(sla_app)
    assert report.done[0] == "IT-1 response breach" and report.failed == 0
    assert (await run_sweep(sla_app)).done == []
    assert await cli(database_url, tmp_path, capsys, monkeypatch, "sla", "failed") == (
        "no failed SLA steps\n")
    async with sla_app.engine.connect() as conn:
        breaches = (await conn.execute(select(AuditRow.action)
                                       .where(AuditRow.action == "sla_breach"))).all()
        assert (await conn.execute(select(SlaFailureRow))).all() == []
    assert len(breaches) == 2  # the response clock's and the resolution clock's, once each


async def test_a_step_that_fails_once_then_succeeds_starts_afresh(
        sla_app: App, clock: FakeClock) -> None:
    await Chat(sla_app).user("alice").says("new P1 Core switch down")
    patched = pytest.MonkeyPatch()
    failing_notifications(patched)
    clock.advance(minutes=6)
    assert (await run_sweep(sla_app)).failed == 1
    patched.undo()
    clock.advance(minutes=2, seconds=1)
    assert (await run_sweep(sla_app)).done == ["IT-1 response warning"]
    async with sla_app.engine.connect() as conn:
        assert (await conn.execute(select(SlaFailureRow))).all() == []
