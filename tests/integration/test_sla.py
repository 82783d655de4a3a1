"""SLA clocks and the escalation chain through the real use cases, sweep and outbox, on SQLite and
PostgreSQL, with time driven by a FakeClock."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from notifications.relay import Relay
from storage.models import OutboxRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender
from tests.support.sla import fast_sla_app, run_sweep


@pytest.fixture
async def sla_app(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    async with fast_sla_app(database_url, tmp_path, clock) as app:
        yield app


async def drain(relay: Relay) -> None:
    while await relay.run_once():
        pass


class Timeline:
    """Sweeps (twice, to prove the second does nothing) and delivers every minute; records who
    heard what, at which minute."""

    def __init__(self, app: App, clock: FakeClock) -> None:
        self.app, self.clock = app, clock
        self.start = clock.now()
        self.sender = RecordingSender()
        self.relay = app.relay({"console": self.sender}, pacing={})
        self.heard: list[tuple[int, str, str]] = []

    def minute(self) -> int:
        return int((self.clock.now() - self.start).total_seconds() // 60)

    async def run_until(self, minute: int) -> None:
        while self.minute() < minute:
            self.clock.advance(minutes=1)
            await self.tick()

    async def tick(self) -> None:
        await run_sweep(self.app)
        assert (await run_sweep(self.app)).done == []
        before = len(self.sender.sent)
        await drain(self.relay)
        self.heard += [(self.minute(), m.address, m.text) for m in self.sender.sent[before:]]

    def at(self, minute: int) -> list[tuple[str, str]]:
        return sorted((address, text) for m, address, text in self.heard if m == minute)


async def test_a_p1_warns_breaches_escalates_repeats_and_suspends_once_each(
        sla_app: App, clock: FakeClock) -> None:
    chat = Chat(sla_app)
    line = Timeline(sla_app, clock)
    await chat.user("alice").says("new P1 Core switch down")
    await line.tick()
    await chat.user("bob").says("claim IT-1")
    await line.tick()
    line.heard.clear()
    await line.run_until(80)

    title = "IT-1 (Core switch down)"
    assert sorted({m for m, _, _ in line.heard}) == [15, 23, 30, 35, 40, 45, 50, 55, 60, 65]
    assert line.at(15) == [
        ("#it", f"⏳ {title} has used 50% of its resolution time: due 2026-03-02 09:30 (UTC)."),
        ("bob", f"⏳ {title} has used 50% of its resolution time: due 2026-03-02 09:30 (UTC).")]
    assert [a for a, _ in line.at(23)] == ["#it", "bob"]
    breach = ("⚠️ IT-1 [P1] (Core switch down) missed its resolution target, "
              "due 2026-03-02 09:30 (UTC).")
    assert line.at(30) == [
        ("#esc", "🚨 IT-1 [P1] Core switch down · team it · assignee Bob · resolution target "
                 "missed, due 2026-03-02 09:30 (UTC)"),
        ("#it", breach + " Assignee: Bob."),
        ("bob", breach + " Assignee: Bob."),
        ("dave", breach + " Assignee: Bob."),
        ("dave", "🚨 Escalation: IT-1 [P1] (Core switch down) missed its resolution target, "
                 "due 2026-03-02 09:30 (UTC). Assignee: Bob. Please step in."),
    ]
    handed = "IT-1 [P1] (Core switch down) was reassigned to Dave by the SLA escalation (it was with Bob)."
    assert line.at(35) == [("#it", handed), ("bob", handed), ("dave", handed)]
    for n, minute in enumerate((40, 45, 50, 55, 60), start=1):
        assert line.at(minute) == [("dave", f"🔁 Reminder {n} of 5: IT-1 [P1] (Core switch down) "
                                            "is still past its resolution target.")]
    assert line.at(65) == [
        ("#ctl", "⛔ IT-1 [P1] (Core switch down) got 5 reminders without progress and is "
                 "suspended. Please review it."),
        ("alice", "IT-1 (Core switch down) is suspended: SLA escalation exhausted"),
        ("dave", "IT-1 (Core switch down) is suspended: SLA escalation exhausted"),
    ]
    keys = [m.idempotency_key for m in line.sender.sent]
    assert len(keys) == len(set(keys))

    status = (await chat.user("dave").says("sla IT-1")).text.splitlines()
    assert status[0] == "SLA of IT-1 · P1 · policy fast · calendar always"
    assert status[2].startswith("Resolution: paused · due 2026-03-02 09:30 (UTC) · used 1h 5m of 30 minutes")
    assert status[4] == "Next step: none"
    history = (await chat.user("dave").says("history IT-1")).text
    for fragment in ("SLA warning: 50% of the resolution time used, due 2026-03-02 09:30 (UTC)",
                     "SLA breached: resolution was due 2026-03-02 09:30 (UTC)",
                     "Escalation step 1: team lead told",
                     "Escalation step 2: posted to the escalation channel",
                     "system  Escalate (In progress → Assigned) · assignee: Bob → Dave",
                     "SLA reminder 5 of 5 (resolution)",
                     "Escalation exhausted after 5 reminders: suspended, control channel told",
                     "system  Suspend (Assigned → Suspended) · reason: SLA escalation exhausted"):
        assert fragment in history, history


async def test_pending_pauses_the_chain_and_resume_continues_it(
        sla_app: App, clock: FakeClock) -> None:
    chat = Chat(sla_app)
    line = Timeline(sla_app, clock)
    await chat.user("alice").says("new P1 Mail server down")
    await chat.user("bob").says("claim IT-1")
    await line.run_until(31)
    assert line.at(30)  # breached and escalated
    assert (await chat.user("bob").says("pend IT-1 waiting for the vendor")).ok
    line.heard.clear()
    await line.run_until(90)
    assert [h for h in line.heard if h[1] != "alice"] == []  # nothing runs while pending
    assert (await chat.user("alice").says("resume IT-1")).ok
    # The hand-over to the lead was 4 minutes away when the pause began.
    await line.run_until(93)
    assert [h for h in line.heard if "reassigned" in h[2]] == []
    await line.run_until(94)
    assert [a for a, t in line.at(94) if "reassigned" in t] == ["#it", "bob", "dave"]
    history = (await chat.user("dave").says("history IT-1")).text
    assert "Bob  SLA clocks paused  [console]" in history
    assert "Alice  SLA clocks resumed · paused 59m (in total 59m)  [console]" in history


async def test_business_hours_pauses_over_days_priority_change_and_reopen(
        sla_app: App, clock: FakeClock) -> None:
    # 2026-03-02 09:00 UTC is Monday 17:00 in Shanghai: one office hour left today.
    chat = Chat(sla_app)
    alice, bob, dave = chat.user("alice"), chat.user("bob"), chat.user("dave")
    await alice.says("new P3 Laptop fan noisy")
    async with sla_app.engine.connect() as conn:
        row = (await conn.execute(select(TicketRow))).one()
    # 4 business hours to respond: 17:00-18:00 today, 09:00-12:00 tomorrow (04:00 UTC).
    assert row.response_due_at.isoformat() == "2026-03-03T04:00:00+00:00"
    assert row.sla_policy == "fast" and row.sla_calendar == "office"
    assert row.sla_next_due_at.isoformat() == "2026-03-03T02:00:00+00:00"  # 50 %: 2 h in

    clock.advance(hours=17)  # Tuesday 10:00 in Shanghai
    await bob.says("claim IT-1")
    await bob.says("pend IT-1 waiting for a spare fan")
    clock.advance(days=1)  # Wednesday 10:00: 7.5 office hours paused
    await alice.says("resume IT-1")
    status = (await dave.says("sla IT-1")).text.splitlines()
    assert status[1] == "First response: met (2h of 4 business hours)"
    assert status[3] == "Paused: 1d in total"
    # 3 office days to resolve, from Monday 17:00, plus the 7.5 h paused: Friday 17:00.
    assert status[2] == ("Resolution: running · due 2026-03-06 09:00 (UTC) · "
                         "used 2h of 3 business days")

    assert (await dave.says("priority IT-1 P2 customer demo")).ok
    async with sla_app.engine.connect() as conn:
        due = (await conn.execute(select(TicketRow.resolution_due_at))).scalar_one()
    # 8 office hours from Monday 17:00 plus the 7.5 paused: Wednesday 17:30 in Shanghai.
    assert due.isoformat() == "2026-03-04T09:30:00+00:00"
    await bob.says("resolve IT-1 replaced the fan")
    clock.advance(hours=2)
    await alice.says("reopen IT-1 still noisy")
    history = (await dave.says("history IT-1")).text
    assert "SLA re-targeted for P2 (policy fast, calendar office): response due" in history
    assert "SLA resolution clock stopped at 2h of 8h: met" in history
    assert "Alice  SLA clocks resumed · paused 2h (in total 1d 2h)  [console]" in history
    async with sla_app.engine.connect() as conn:
        events = (await conn.execute(select(OutboxRow.event))).scalars().all()
    assert not [e for e in events if e.startswith("sla_")]  # clock lines tell nobody
