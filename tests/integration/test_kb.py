"""The knowledge base through the dispatcher, on SQLite and PostgreSQL: articles, search,
suggestions at creation, self-service resolution, the duplicate hint and who sees what."""

from sqlalchemy import select

from storage.models import AuditRow, KbArticleRow, KbRevisionRow, OutboxRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock


async def rows(chat: Chat, stmt):  # type: ignore[no-untyped-def]
    async with chat.app.engine.connect() as conn:
        return (await conn.execute(stmt)).all()


async def test_articles_are_written_searched_edited_and_retired(chat: Chat) -> None:
    bob, alice = chat.user("bob"), chat.user("alice")
    made = await bob.says("kb new VPN disconnects every hour -- Update the VPN client to 5.2 "
                          "and turn off the idle timeout in Settings > Connection.")
    assert made.text == "Saved KB-1 · VPN disconnects every hour."
    found = await alice.says("kb vpn keeps disconnecting")
    assert found.text.splitlines()[0] == "Articles for “vpn keeps disconnecting”:"
    assert "KB-1 · VPN disconnects every hour — Update the VPN client to 5.2" in found.text
    assert (await alice.says("kb how do I order a new desk chair")).text.startswith(
        "No article fits")
    refused = await alice.says("kb new My tip -- text")
    assert not refused.ok and "Only agents" in refused.text

    edited = await bob.says("kb edit KB-1 -- Update the VPN client to 5.3.")
    assert edited.text == "KB-1 · VPN disconnects every hour is now at version 2."
    shown = await alice.says("KB-1")
    assert "Update the VPN client to 5.3." in shown.text and "Read 1 times" in shown.text
    assert (await bob.says("kb retire KB-1 replaced by the new client")).ok
    assert (await alice.says("kb vpn keeps disconnecting")).text.startswith("No article fits")
    history = (await bob.says("kb history KB-1")).text.splitlines()
    assert history[0].startswith("History of KB-1 · VPN disconnects every hour")
    assert [line.strip().split("  ")[3].split(":")[0] for line in history[1:]] == [
        "created", "edited", "retired"]
    assert len(await rows(chat, select(KbRevisionRow))) == 3


async def test_chinese_search_and_an_article_saved_from_a_ticket(chat: Chat) -> None:
    alice, bob = chat.user("alice"), chat.user("bob")
    assert (await alice.says("new 打印机无法打印 -- 二楼的打印机显示脱机")).ok
    assert (await bob.says("claim IT-1")).ok
    assert (await bob.says("resolve IT-1 在打印机面板上重新连接无线网络，然后重启打印机")).ok
    saved = await bob.says("kb save IT-1 二楼打印机脱机")
    assert saved.text == "Saved KB-1 · 二楼打印机脱机 from IT-1."
    (row,) = await rows(chat, select(KbArticleRow.source_ticket, KbArticleRow.body))
    assert row.source_ticket == "IT-1" and "重启打印机" in row.body
    found = await alice.says("知识库 打印机脱机了怎么办")
    assert "KB-1 · 二楼打印机脱机" in found.text


async def test_creation_suggests_articles_and_the_requester_resolves_it_herself(
        chat: Chat) -> None:
    bob, alice = chat.user("bob"), chat.user("alice")
    await bob.says("kb new Outlook does not receive email -- Check the mailbox quota; empty "
                   "Deleted Items and restart Outlook.")
    created = await alice.says("new Outlook not receiving email since this morning")
    assert "These articles may already answer it:" in created.text
    assert "KB-1 · Outlook does not receive email" in created.text
    assert "`solved IT-1 by KB-1`" in created.text
    solved = await alice.says("solved by KB-1")
    assert solved.text.startswith("IT-1 is resolved: KB-1 (Outlook does not receive email) "
                                  "solved it.")
    (line,) = await rows(chat, select(AuditRow.changes, AuditRow.to_status)
                         .where(AuditRow.action == "resolve"))
    assert line.changes == {"kb": [None, "KB-1"], "self_service": [None, True]}
    assert line.to_status == "resolved"
    (helped,) = await rows(chat, select(KbArticleRow.helped))
    assert helped.helped == 1
    # Someone else's ticket cannot be resolved that way, nor one already resolved.
    assert not (await bob.says("solved IT-1 by KB-1")).ok


async def test_weak_matches_are_not_suggested(chat: Chat) -> None:
    await chat.user("bob").says("kb new Outlook does not receive email -- Check the quota.")
    created = await chat.user("alice").says("new The coffee machine on floor 4 is broken")
    assert "articles" not in created.text and "Open tickets" not in created.text


async def test_similar_open_tickets_and_the_duplicate_hint(chat: Chat, clock: FakeClock) -> None:
    alice, carol, bob = chat.user("alice"), chat.user("carol"), chat.user("bob")
    assert (await carol.says("new Printer on floor 2 offline")).ok
    assert (await bob.says("claim IT-1")).ok
    other = await alice.says("new printer on floor 2 is offline again")
    assert other.text.splitlines()[:2] == ["Created IT-2 for Alice for IT Support.",
                                           "Open tickets that look like the same problem:"]
    assert "IT-1 · Printer on floor 2 offline · In progress · Bob" in other.text
    assert "Possible duplicate" not in other.text  # another requester: only similar
    clock.advance(hours=1)
    again = await alice.says("new printer on floor 2 is offline again!")
    assert "IT-2 · printer on floor 2 is offline again" in again.text
    assert "Possible duplicate" not in again.text  # requesters are not told; agents are
    hints = await rows(chat, select(AuditRow.changes).where(AuditRow.action == "duplicate_hint"))
    assert [h.changes for h in hints] == [{"similar": [None, "IT-2"]}]
    history = (await bob.says("history IT-3")).text
    assert ("system  Possible duplicate of IT-2, which is still open: the team was told "
            "(nothing is merged without a person)") in history
    assert "→" not in history.splitlines()[-1] and "reason:" not in history.splitlines()[-1]
    assert "Possible duplicate" not in (await alice.says("history IT-3")).text
    told = await rows(chat, select(OutboxRow.template).where(OutboxRow.event == "duplicate_hint"))
    assert told  # the team lead hears of it (the assignee too, once there is one)
    # An agent filing one sees the flag in the answer; nothing is merged.
    clock.advance(minutes=5)
    agent = await carol.says("new Printer on floor 2 offline")
    assert "Possible duplicate of IT-1: the team is told" in agent.text
    assert (await bob.says("show IT-4")).ok


async def test_internal_articles_are_for_agents_only(chat: Chat) -> None:
    bob, alice = chat.user("bob"), chat.user("alice")
    await bob.says("kb new internal Reset a VPN token in the admin console -- Open the RADIUS "
                   "console, find the user, press Reset token.")
    await bob.says("kb new VPN token expired -- Ask the service desk for a new VPN token.")
    seen_by_agent = (await bob.says("kb reset vpn token")).text
    assert "KB-1 · Reset a VPN token in the admin console (internal)" in seen_by_agent
    assert "KB-1" not in (await alice.says("kb reset vpn token")).text
    assert "KB-2 · VPN token expired" in (await alice.says("kb vpn token expired")).text
    assert "There is no article KB-1" in (await alice.says("KB-1")).text
    created = await alice.says("new my VPN token expired, need a new token")
    assert "KB-1" not in created.text and "KB-2" in created.text
    assert not (await alice.says("solved by KB-1")).ok


async def test_bad_input_changes_nothing(chat: Chat) -> None:
    bob = chat.user("bob")
    assert "not an article id" in (await bob.says("kb edit IT-3 -- x")).text
    assert "There is no article KB-9" in (await bob.says("kb retire KB-9")).text
    assert not (await bob.says("kb save IT-1")).ok  # there is no IT-1
    assert await rows(chat, select(KbArticleRow)) == []


async def test_a_large_index_is_rebuilt_apart_and_never_shows_what_was_retired(
        chat: Chat, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("storage.kb.INLINE_REBUILD_LIMIT", 1)  # every index counts as large
    bob, alice = chat.user("bob"), chat.user("alice")
    await bob.says("kb new VPN disconnects every hour -- Update the VPN client.")
    search = chat.app.uow.kb_search
    # The first build too is apart (start-up waits for nothing): nothing is found until then.
    assert (await alice.says("kb vpn disconnects")).text.startswith("No article fits")
    assert search._rebuilding is not None
    await search._rebuilding
    assert "KB-1" in (await alice.says("kb vpn disconnects")).text
    await bob.says("kb new VPN disconnects on Wi-Fi -- Turn off power saving.")
    await bob.says("kb retire KB-1")
    # Answered from the previous generation while the new one is built: KB-2 is not in it
    # yet, and KB-1, retired, is not shown although the old index still holds it.
    assert (await alice.says("kb vpn disconnects")).text.startswith("No article fits")
    assert search._rebuilding is not None
    await search._rebuilding
    assert "KB-2 · VPN disconnects on Wi-Fi" in (await alice.says("kb vpn disconnects")).text
