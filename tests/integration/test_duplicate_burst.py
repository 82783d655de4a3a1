"""Likely duplicates in a burst: every ticket keeps its history line, and the team lead (and an
assignee) receives one notice for the burst that lists the duplicates, sent once its window has
closed; a duplicate outside a burst is told at once, alone. On SQLite and PostgreSQL."""

from sqlalchemy import select

from commands.duplicate_burst import LISTED, WINDOW
from storage.models import AuditRow, OutboxRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender


async def rows(chat: Chat, stmt):  # type: ignore[no-untyped-def]
    async with chat.app.engine.connect() as conn:
        return (await conn.execute(stmt)).all()


async def delivered(chat: Chat) -> RecordingSender:
    sender = RecordingSender()
    relay = chat.app.relay({"console": sender}, pacing={})
    while await relay.run_once():
        pass
    return sender


def burst_start(clock: FakeClock) -> None:
    """Move the clock to the start of a burst window, so a test's burst stays in one."""
    seconds = int(WINDOW.total_seconds())
    clock.advance(seconds=seconds - int(clock.now().timestamp()) % seconds)


async def test_a_burst_of_duplicates_is_one_notice_to_the_lead(chat: Chat,
                                                               clock: FakeClock) -> None:
    alice = chat.user("alice")
    burst_start(clock)
    for _ in range(4):
        assert (await alice.says("new printer on floor 2 is offline")).ok
        clock.advance(seconds=2)
    hints = await rows(chat, select(AuditRow.changes).where(AuditRow.action == "duplicate_hint")
                       .order_by(AuditRow.id))
    assert [h.changes for h in hints] == [{"similar": [None, f"IT-{n}"]} for n in (1, 2, 3)]
    # Nothing yet: the notice waits for the burst's window to close.
    assert not [t for t in (await delivered(chat)).texts() if "🔁" in t]
    clock.advance(seconds=WINDOW.total_seconds())
    sender = await delivered(chat)
    told = [m for m in sender.sent if "🔁" in m.text]
    assert [m.address for m in told] == ["dave"]  # the team lead; nobody is assigned yet
    (notice,) = told
    assert notice.text == (
        "🔁 Alice filed 3 tickets within moments that look like ones still open: "
        "IT-2 (printer on floor 2 is offline) like IT-1, IT-3 (printer on floor 2 is offline) "
        "like IT-2, IT-4 (printer on floor 2 is offline) like IT-3. If one is the same "
        "problem: `merge IT-2 into IT-1`.")
    assert "bob" not in [m.address for m in told] and "alice" not in [m.address for m in told]
    # Nothing merged: four open tickets.
    tickets = await rows(chat, select(TicketRow.status, TicketRow.duplicate_of))
    assert sorted(tuple(t) for t in tickets) == [("new", None)] * 4


async def test_a_long_burst_names_the_first_and_counts_the_rest(chat: Chat,
                                                                clock: FakeClock) -> None:
    alice = chat.user("alice")
    burst_start(clock)
    for _ in range(LISTED + 3):
        assert (await alice.says("new printer on floor 2 is offline")).ok
    (row,) = await rows(chat, select(OutboxRow.params)
                        .where(OutboxRow.event == "duplicate_burst"))
    assert row.params["count"] == LISTED + 2
    assert len(row.params["duplicates"]) == LISTED
    clock.advance(seconds=WINDOW.total_seconds() + 5)
    (notice,) = [t for t in (await delivered(chat)).texts("dave") if "🔁" in t]
    assert notice.startswith(f"🔁 Alice filed {LISTED + 2} tickets within moments")
    assert notice.endswith(" and 2 more. If one is the same problem: `merge IT-2 into IT-1`.")


async def test_a_late_duplicate_is_told_at_once_and_each_requester_has_their_own_notice(
        chat: Chat, clock: FakeClock) -> None:
    alice, frank = chat.user("alice"), chat.user("frank")
    assert (await alice.says("new printer on floor 2 is offline")).ok
    clock.advance(minutes=10)
    burst_start(clock)
    assert (await alice.says("new printer on floor 2 is offline")).ok  # IT-2, alone
    told = [t for t in (await delivered(chat)).texts("dave") if "🔁" in t]
    assert told == ["🔁 IT-2 (printer on floor 2 is offline) looks like IT-1, which is still "
                    "open. If it is the same problem: `merge IT-2 into IT-1`."]
    assert (await alice.says("new printer on floor 2 is offline")).ok  # IT-3: a burst
    assert (await frank.says("new printer on floor 2 is offline")).ok  # IT-4: not his own
    assert (await frank.says("new printer on floor 2 is offline")).ok  # IT-5: his burst
    clock.advance(seconds=WINDOW.total_seconds() + 5)
    later = sorted(t for t in (await delivered(chat)).texts("dave") if "🔁" in t)
    assert later == [
        "🔁 Alice filed 1 ticket within moments that look like ones still open: IT-3 (printer "
        "on floor 2 is offline) like IT-2. If one is the same problem: `merge IT-3 into IT-2`.",
        "🔁 Frank filed 1 ticket within moments that look like ones still open: IT-5 (printer "
        "on floor 2 is offline) like IT-4. If one is the same problem: `merge IT-5 into IT-4`."]
