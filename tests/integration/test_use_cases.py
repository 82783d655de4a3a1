"""Use cases beyond the happy lifecycle: lists, visibility, auto-close, merging, identities."""

from sqlalchemy import select

from bot.platforms import SLACK
from commands.dispatcher import Dispatcher
from commands.messages import Identity
from storage.engine import make_engine, session_factory
from storage.models import PersonIdentityRow, PersonRow, TicketRow
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from workflows.kinds import Source


async def test_lists_show_each_person_their_work(chat: Chat) -> None:
    alice, bob, dave = chat.user("alice"), chat.user("bob"), chat.user("dave")
    await alice.says("new P1 Email down for the whole floor")
    await alice.says("new P4 New keyboard please")
    await bob.says("new P3 Rotate the backup tapes")
    await bob.says("claim IT-1")

    mine = await bob.says("list mine")
    assert mine.text.splitlines() == [
        "Assigned to you:",
        "• IT-1 [P1] Email down for the whole floor · In progress · Bob",
    ]
    requests = (await alice.says("list")).text.splitlines()
    assert requests[0] == "Your requests:"
    assert [line.split()[1] for line in requests[1:]] == ["IT-1", "IT-2"]
    team = (await dave.says("list team")).text.splitlines()
    assert team[0] == "Open tickets of team it (2 unassigned, listed first):"
    # Triage first: what nobody has yet, then by priority.
    assert [line.split()[1] for line in team[1:]] == ["IT-3", "IT-2", "IT-1"]
    assert (await dave.says("list pending")).text == "Tickets with status pending:\nNothing here."
    refused = await alice.says("list team")
    assert refused.text == "Only agents can list team tickets. Try `list requests`."


async def test_overdue_follows_the_clock(chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new P1 Core switch down")  # resolution target: 4 hours
    await chat.user("alice").says("new P3 Projector bulb")  # 3 days
    dave = chat.user("dave")
    assert "Nothing here." in (await dave.says("list overdue")).text
    clock.advance(hours=4, minutes=1)
    overdue = (await dave.says("list overdue")).text.splitlines()
    assert overdue == ["Overdue tickets:", "• IT-1 [P1] Core switch down · New · unassigned · "
                       "first response was due 2026-03-02 17:15 (Asia/Shanghai), resolution was "
                       "due 2026-03-02 21:00 (Asia/Shanghai)"]


async def test_resolved_tickets_close_by_themselves(chat: Chat, clock: FakeClock) -> None:
    from commands.actions.autoclose import close_stale_resolved

    app = chat.app
    await chat.user("alice").says("new Mouse broken")
    await chat.user("bob").says("claim IT-1")
    await chat.user("bob").says("resolve IT-1 sent a new mouse")
    clock.advance(days=2, hours=23)
    assert await close_stale_resolved(app.uow, app.loaded.org, app.clock) == []
    clock.advance(hours=1)
    assert await close_stale_resolved(app.uow, app.loaded.org, app.clock) == ["IT-1"]
    history = (await chat.user("alice").says("history IT-1")).text.splitlines()
    assert history[-1].endswith("system  Close (Resolved → Closed) · reason: auto-closed  [system]")


async def test_requester_cannot_reopen_after_the_window(chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new Mail token expired")
    await chat.user("bob").says("claim IT-1")
    await chat.user("bob").says("resolve IT-1 issued a new token")
    clock.advance(days=8)
    late = await chat.user("alice").says("reopen IT-1")
    assert late.text == ("IT-1 was resolved more than 7 days ago and cannot be reopened by the "
                         "requester. Open a follow-up linked to it instead: "
                         "`new related:IT-1 Mail token expired`")
    assert (await chat.user("dave").says("reopen IT-1 same fault again")).ok


async def test_internal_notes_are_hidden_from_the_requester(chat: Chat) -> None:
    await chat.user("alice").says("new Shared drive is slow")
    await chat.user("bob").says("note IT-1 NAS disk 3 is degraded")
    await chat.user("bob").says("reply IT-1 We are replacing a disk, back by noon")
    agent_view = (await chat.user("carol").says("show IT-1")).text
    requester_view = (await chat.user("alice").says("show IT-1")).text
    assert "NAS disk 3" in agent_view and "(internal)" in agent_view
    assert "NAS disk 3" not in requester_view
    assert "We are replacing a disk" in requester_view
    outsider = await chat.user("mallory").says("show IT-1")
    assert outsider.text == "You are not a participant of IT-1."


async def test_merge_closes_the_duplicate_and_links_both(chat: Chat) -> None:
    alice, bob = chat.user("alice"), chat.user("bob")
    await alice.says("new Projector down in room 5")
    await bob.says("new Projector not working in meeting room 5")
    merged = await bob.says("merge IT-2 into IT-1")
    assert merged.text == "IT-2 was closed as a duplicate of IT-1."
    assert "Closed" in (merged.card or "")
    assert "Linked: IT-2" in ((await bob.says("show IT-1")).card or "")


async def test_priority_change_retargets_the_due_time(chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new P4 Laptop battery weak")
    changed = await chat.user("dave").says("priority IT-1 P1 CEO's laptop")
    assert changed.text == "IT-1 priority changed from P4 to P1."
    async with chat.app.engine.connect() as conn:
        due = (await conn.execute(select(TicketRow.resolution_due_at))).scalar_one()
    assert due is not None and due.tzinfo is not None  # aware UTC on both databases
    assert (due - clock.now()).total_seconds() == 4 * 3600


async def test_chat_users_are_recorded_on_first_contact_and_known_across_platforms(
        chat: Chat) -> None:
    slack_user = chat.user("U07NEWUSER", platform=SLACK)
    created = await slack_user.says("new Cannot log in to Jira cc <@U0ALSO|zoe>")
    assert created.ok
    async with chat.app.engine.connect() as conn:
        accounts = dict((await conn.execute(
            select(PersonRow.handle, PersonIdentityRow.external_id).join(PersonIdentityRow)
            .where(PersonIdentityRow.platform == "slack"))).all())
    assert accounts["u07newuser"] == "U07NEWUSER"
    assert accounts["zoe"] == "U0ALSO"
    assert "Collaborators: zoe" in (created.card or "")


async def test_database_outage_gets_a_clear_retry_reply(chat: Chat, clock: FakeClock) -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:9/test", pool_pre_ping=False)
    try:
        dispatcher = Dispatcher(SqlUnitOfWorkFactory(session_factory(engine)),
                                chat.app.loaded.org, clock)
        answer = await dispatcher.handle_text(Identity(Source.CONSOLE, "alice"), "new Printer")
    finally:
        await engine.dispose()
    assert not answer.ok
    assert chat.catalog.answer(answer) == "Could not save, please retry. Nothing was changed."


async def test_requesters_list_their_own_requests_by_status(chat: Chat) -> None:
    alice = chat.user("alice")
    await alice.says("new Stapler broken")
    await chat.user("bob").says("new Coffee machine leaking")  # not alice's
    listed = await alice.says("list new")
    assert listed.text == "Tickets with status new:\n• IT-1 [P3] Stapler broken · New · unassigned"


async def test_the_requester_is_not_added_as_a_collaborator(chat: Chat) -> None:
    await chat.user("alice").says("new Phone headset crackles")
    refused = await chat.user("bob").says("cc IT-1 @alice")
    assert refused.text == "They are already on IT-1."
    assert not (await chat.user("alice").says("note IT-1 sneaky internal note")).ok
