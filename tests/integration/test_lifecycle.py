"""The whole lifecycle through the dispatcher, on SQLite and PostgreSQL."""

from sqlalchemy import func, select

from storage.models import AuditRow, TicketRow
from tests.support.chat import Chat


async def count(chat: Chat, stmt) -> int:  # type: ignore[no-untyped-def]
    async with chat.app.engine.connect() as conn:
        return int((await conn.execute(stmt)).scalar_one())


async def test_full_lifecycle_is_recorded(chat: Chat) -> None:
    alice, bob, carol = chat.user("alice"), chat.user("bob"), chat.user("carol")

    created = await alice.says("new P2 Email down on floor 3")
    assert created.text == "Created IT-1 for Alice for IT Support."
    assert "New · P2 · incident" in (created.card or "")
    assert created.buttons == ["cc", "reply", "cancel", "urge"]

    claimed = await bob.says("claim IT-1")
    assert claimed.text == "Bob claimed IT-1."
    assert "resolve" in claimed.buttons

    moved = await bob.says("transfer IT-1 @carol reason: needs network team")
    assert moved.text == "IT-1 was transferred to Carol: needs network team"
    assert (await carol.says("note IT-1 checked the switch")).ok
    assert (await carol.says("pend IT-1 waiting for alice to reboot")).text == (
        "IT-1 is pending: waiting for alice to reboot")
    assert (await alice.says("resume IT-1")).text == "IT-1 is back in progress."
    assert (await carol.says("resolve IT-1 replaced the cable")).ok
    assert (await alice.says("reopen IT-1 still flaky")).text == "IT-1 was reopened: still flaky."
    assert (await carol.says("resolve IT-1 replaced the switch port")).ok
    closed = await alice.says("close IT-1")
    assert closed.text == ("IT-1 is closed. How did we do? `rate IT-1 1-5` (5 is best), "
                           "with a comment if you like.")
    assert closed.buttons == ["rate"]  # the requester may still rate the work

    history = (await bob.says("history IT-1")).text.splitlines()
    assert history[0] == "History of IT-1 · Email down on floor 3"
    steps = [line.split("  ")[1:3] for line in history[1:]]
    assert steps == [
        ["Alice", "Created (New)"],
        ["Bob", "Claim (New → In progress) · assignee: — → Bob"],
        ["Bob", "SLA first response after 0m of 1h: met"],
        ["Bob", "Transfer (In progress → Assigned) · assignee: Bob → Carol · reason: needs network team"],
        ["Carol", "Add note"],
        ["Carol", "Pend (Assigned → Pending) · reason: waiting for alice to reboot"],
        ["Carol", "SLA clocks paused"],
        ["Alice", "Resume (Pending → In progress)"],
        ["Alice", "SLA clocks resumed · paused 0m (in total 0m)"],
        ["Carol", "Resolve (In progress → Resolved) · reason: replaced the cable"],
        ["Carol", "SLA resolution clock stopped at 0m of 8h: met"],
        ["Alice", "Reopen (Resolved → In progress) · reason: still flaky"],
        ["Alice", "SLA clocks resumed · paused 0m (in total 0m)"],
        ["Carol", "Resolve (In progress → Resolved) · reason: replaced the switch port"],
        ["Carol", "SLA resolution clock stopped at 0m of 8h: met"],
        ["Alice", "Close (Resolved → Closed)"],
    ]
    # The requester sees neither internal notes nor the SLA lines in the history.
    requester_view = (await alice.says("history IT-1")).text
    assert "Add note" not in requester_view and "SLA" not in requester_view

    assert await count(chat, select(func.count()).select_from(AuditRow)) == 16
    async with chat.app.engine.connect() as conn:
        status = (await conn.execute(select(TicketRow.status))).scalar_one()
    assert status == "closed"
