"""People @-mentioned in a reply or a note join the ticket in the same change and are told once;
`@here`, `@channel` and `@everyone` are words, not people."""

from sqlalchemy import select

from notifications.relay import Relay
from storage.models import CollaboratorRow, CommentRow, OutboxRow, PersonRow
from tests.support.chat import Chat
from tests.support.senders import RecordingSender


async def drain(r: Relay) -> None:
    while await r.run_once():
        pass


async def collaborators(chat: Chat) -> list[str]:
    async with chat.app.engine.connect() as conn:
        return list((await conn.execute(
            select(PersonRow.handle).join(CollaboratorRow, CollaboratorRow.person_id == PersonRow.id)
            .order_by(PersonRow.handle))).scalars())


async def test_a_note_mentioning_an_agent_adds_and_tells_them_once(chat: Chat) -> None:
    sender = RecordingSender()
    relay = chat.app.relay({"console": sender}, pacing={})
    await chat.user("alice").says("new P2 Relay keeps tripping")
    await chat.user("bob").says("claim IT-1")
    await drain(relay)
    sender.sent.clear()

    said = await chat.user("bob").says("note IT-1 @carol please check the relay")
    assert said.text == "Internal note added to IT-1 (agents only). Added Carol as collaborators."
    assert await collaborators(chat) == ["carol"]
    await drain(relay)
    # One message, with the note, that says she was added: not a second "added you".
    assert sender.texts("carol") == [
        "Bob mentioned you in an internal note on IT-1 (Relay keeps tripping) and added you to "
        "it: @carol please check the relay"]
    assert sender.texts("alice") == []  # the requester never reads internal notes

    history = await chat.user("dave").says("history IT-1")
    assert "Bob  Add note  [console]" in history.text
    assert "Bob  Add collaborator · added: Carol  [console]" in history.text


async def test_a_reply_adds_the_people_it_mentions_and_the_requester_hears_the_reply(
        chat: Chat) -> None:
    sender = RecordingSender()
    relay = chat.app.relay({"console": sender}, pacing={})
    await chat.user("alice").says("new P2 Relay keeps tripping")
    await chat.user("bob").says("claim IT-1")
    await drain(relay)
    sender.sent.clear()

    said = await chat.user("bob").says("reply IT-1 @dave and @carol will look at it today")
    assert said.text == "Reply added to IT-1. Added Dave, Carol as collaborators."
    assert await collaborators(chat) == ["carol", "dave"]
    await drain(relay)
    assert sender.texts("alice") == ["Bob replied on IT-1: @dave and @carol will look at it today"]
    assert sender.texts("dave") == [
        "Bob mentioned you on IT-1 (Relay keeps tripping) and added you to it: "
        "@dave and @carol will look at it today"]
    assert len(sender.texts("carol")) == 1

    # Mentioning people already on it (the requester, a collaborator, oneself) adds nobody.
    again = await chat.user("bob").says("reply IT-1 @alice @carol @bob done")
    assert again.text == "Reply added to IT-1."
    assert await collaborators(chat) == ["carol", "dave"]


async def test_a_non_agent_mentioned_in_a_note_is_added_but_never_reads_it(chat: Chat) -> None:
    sender = RecordingSender()
    relay = chat.app.relay({"console": sender}, pacing={})
    await chat.user("zoe").says("list")  # zoe: known to the bot, on no team
    await chat.user("alice").says("new P2 Relay keeps tripping")
    await chat.user("bob").says("claim IT-1")
    await drain(relay)
    sender.sent.clear()
    await chat.user("bob").says("note IT-1 @zoe the relay is out of warranty")
    await drain(relay)
    assert await collaborators(chat) == ["zoe"]
    assert sender.texts("zoe") == ["Bob added you to IT-1 (Relay keeps tripping)."]
    assert sender.texts("alice") == []


async def test_an_unknown_person_refuses_the_note_and_changes_nothing(chat: Chat) -> None:
    await chat.user("alice").says("new P2 Relay keeps tripping")
    await chat.user("bob").says("claim IT-1")
    said = await chat.user("bob").says("note IT-1 @carl please check the relay")
    assert not said.ok
    assert said.text == "I don't know anyone called @carl. Did you mean @carol?"
    async with chat.app.engine.connect() as conn:
        assert (await conn.execute(select(CommentRow))).all() == []
    assert await collaborators(chat) == []


async def test_here_in_a_title_is_text_and_pings_nobody(chat: Chat) -> None:
    said = await chat.user("alice").says("new P3 Printer broken @here")
    assert said.ok, said.text
    assert said.text.startswith("Created IT-1 for Alice")
    assert said.answer.ticket is not None and said.answer.ticket.title == "Printer broken @here"
    assert await collaborators(chat) == []
    replied = await chat.user("alice").says("reply IT-1 @channel @everyone still broken")
    assert replied.ok and replied.text == "Reply added to IT-1."
    async with chat.app.engine.connect() as conn:
        assert all(row.params.get("mentions") is None
                   for row in (await conn.execute(select(OutboxRow))).all())
