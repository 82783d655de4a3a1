"""The knowledge base on cards, on SQLite and PostgreSQL: the buttons each reader is offered
(Solved by KB-n, Merge into IT-n, Save to knowledge base), the duplicate hint said as a sentence
in both languages, and a self-solved ticket reopened back into the queue."""

from sqlalchemy import select

from bot.bootstrap import App
from commands import buttons
from commands.messages import Identity
from commands.notify import card_snapshot
from storage.models import AuditRow, KbArticleRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from workflows.kinds import Source


async def rows(chat: Chat, stmt):  # type: ignore[no-untyped-def]
    async with chat.app.engine.connect() as conn:
        return (await conn.execute(stmt)).all()


async def press(app: App, handle: str, action: str, key: str, arg: str):  # type: ignore[no-untyped-def]
    """What a button runs, as both adapters run it: the shared table's command."""
    command = buttons.command_for(action, key, arg)
    assert command is not None
    return await app.dispatcher.execute(Identity(Source.CONSOLE, handle), command)


async def test_the_requester_is_offered_each_article_and_agents_the_merge(chat: Chat) -> None:
    bob, alice, carol = chat.user("bob"), chat.user("alice"), chat.user("carol")
    await bob.says("kb new Outlook does not receive email -- Check the mailbox quota and "
                   "restart Outlook.")
    await bob.says("kb new internal Outlook mailbox repair -- Run the repair from the admin "
                   "centre.")
    created = await alice.says("new Outlook not receiving email since this morning")
    assert created.answer.buttons == ({"action": "kb_solved", "arg": "KB-1"},)
    # An agent filing a similar one is offered the merge too.
    agent = await carol.says("new Outlook not receiving email since this morning")
    assert {"action": "merge", "arg": "IT-1"} in agent.answer.buttons
    # The offers belong to the creation's cards; a later look shows the ticket's own buttons.
    assert (await bob.says("show IT-1")).answer.buttons == ()
    # The shared card (the queue channel's) shows everyone's, the internal article never.
    assert agent.answer.ticket is not None
    shared = card_snapshot(agent.answer.ticket, chat.app.loaded.org)["buttons"]
    assert {"action": "kb_solved", "arg": "KB-2"} not in shared
    assert {"action": "merge", "arg": "IT-1"} in shared

    refused = await press(chat.app, "alice", "merge", "IT-2", "IT-1")
    assert not refused.ok  # merging is the agents'
    merged = await press(chat.app, "bob", "merge", "IT-2", "IT-1")
    assert merged.ok and chat.catalog.answer(merged) == "IT-2 was closed as a duplicate of IT-1."
    not_hers = await press(chat.app, "bob", "kb_solved", "IT-1", "KB-1")
    assert not not_hers.ok
    solved = await press(chat.app, "alice", "kb_solved", "IT-1", "KB-1")
    assert chat.catalog.answer(solved).startswith("IT-1 is resolved: KB-1")
    (status,) = await rows(chat, select(TicketRow.status).where(TicketRow.number == 1))
    assert status.status == "resolved"


async def test_a_resolved_card_offers_agents_to_save_it(chat: Chat) -> None:
    alice, bob = chat.user("alice"), chat.user("bob")
    assert (await alice.says("new Scanner on floor 3 jams on every page")).ok
    assert (await bob.says("claim IT-1")).ok
    resolved = await bob.says("resolve IT-1 cleaned the rollers and updated the driver")
    assert resolved.answer.buttons == ({"action": "kb_save", "arg": ""},)
    assert (await alice.says("show IT-1")).answer.buttons == ()  # not hers to save
    saved = await press(chat.app, "bob", "kb_save", "IT-1", "")
    assert saved.ok and chat.catalog.answer(saved).startswith("Saved KB-1 · Scanner on floor 3")
    (article,) = await rows(chat, select(KbArticleRow.source_ticket))
    assert article.source_ticket == "IT-1"
    refused = await press(chat.app, "alice", "kb_save", "IT-1", "")
    assert not refused.ok and len(await rows(chat, select(KbArticleRow.id))) == 1


async def test_the_duplicate_hint_reads_as_a_sentence_in_chinese(app: App, clock: FakeClock
                                                                 ) -> None:
    chat = Chat(app, "zh-CN")
    alice, bob = chat.user("alice"), chat.user("bob")
    assert (await alice.says("new printer on floor 2 is offline again")).ok
    clock.advance(minutes=10)
    assert (await alice.says("new printer on floor 2 is offline again!")).ok
    line = next(li for li in (await bob.says("history IT-2")).text.splitlines()
                if "IT-1" in li)
    assert "疑似与仍未关闭的 IT-1 重复：已告知团队（是否合并由人决定）" in line
    assert "→" not in line


async def test_a_self_solved_ticket_reopened_goes_back_to_the_queue(chat: Chat) -> None:
    bob, alice, carol = chat.user("bob"), chat.user("alice"), chat.user("carol")
    await bob.says("kb new Outlook does not receive email -- Check the mailbox quota.")
    assert (await alice.says("new Outlook not receiving email")).ok
    assert (await alice.says("solved by KB-1")).ok
    reopened = await alice.says("reopen IT-1 it stopped again")
    assert reopened.ok
    (row,) = await rows(chat, select(TicketRow.status, TicketRow.assignee_id))
    assert (row.status, row.assignee_id) == ("new", None)  # in the queue, as when it was filed
    (line,) = await rows(chat, select(AuditRow.from_status, AuditRow.to_status)
                         .where(AuditRow.action == "reopen"))
    assert (line.from_status, line.to_status) == ("resolved", "new")
    claimed = await carol.says("claim IT-1")  # any agent may take it, not just the lead
    assert claimed.ok


async def test_a_self_solved_ticket_reopened_goes_back_to_whoever_had_it(chat: Chat) -> None:
    bob, alice = chat.user("bob"), chat.user("alice")
    await bob.says("kb new Outlook does not receive email -- Check the mailbox quota.")
    assert (await alice.says("new Outlook not receiving email")).ok
    assert (await chat.user("dave").says("assign IT-1 @bob")).ok
    assert (await alice.says("solved IT-1 by KB-1")).ok
    assert (await alice.says("reopen IT-1 it stopped again")).ok
    (row,) = await rows(chat, select(TicketRow.status))
    assert row.status == "assigned"
    assert "Assignee: Bob" in (await bob.says("show IT-1"))
    assert (await bob.says("claim IT-1")).ok  # bob picks it up again, no lead needed


async def test_a_ticket_resolved_by_a_person_still_reopens_in_progress(chat: Chat) -> None:
    alice, bob = chat.user("alice"), chat.user("bob")
    assert (await alice.says("new Scanner jams")).ok
    assert (await bob.says("claim IT-1")).ok
    assert (await bob.says("resolve IT-1 cleaned it")).ok
    assert (await alice.says("reopen IT-1 jams again")).ok
    (row,) = await rows(chat, select(TicketRow.status))
    assert row.status == "in_progress"


async def test_titles_differing_in_their_key_term_are_not_duplicates(chat: Chat,
                                                                     clock: FakeClock) -> None:
    carol = chat.user("carol")  # an agent: the answer says when it flags a duplicate
    assert (await carol.says("new Outage: DNS")).ok
    clock.advance(minutes=2)
    mail = await carol.says("new Outage: mail")
    assert "Possible duplicate" not in mail.text
    clock.advance(minutes=2)
    again = await carol.says("new Outage: DNS again")
    assert "Possible duplicate of IT-1: the team is told" in again.text
    hints = await rows(chat, select(AuditRow.changes).where(AuditRow.action == "duplicate_hint"))
    assert [h.changes for h in hints] == [{"similar": [None, "IT-1"]}]
