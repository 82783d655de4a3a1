"""Races a busy help desk produces: two agents claiming at once, a burst of new tickets, one
person's first messages arriving together (two replicas, a double click)."""

import asyncio

import pytest
from sqlalchemy import select

from bot.platforms import DINGTALK, SLACK
from storage.models import AuditRow, PersonIdentityRow, PersonRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock


async def test_two_concurrent_claims_have_exactly_one_winner(chat: Chat) -> None:
    await chat.user("alice").says("new Printer on floor 2 jams")
    bob, carol = await asyncio.gather(chat.user("bob").says("claim IT-1"),
                                      chat.user("carol").says("claim IT-1"))
    winners = [r for r in (bob, carol) if r.ok]
    losers = [r for r in (bob, carol) if not r.ok]
    assert len(winners) == 1 and len(losers) == 1
    winner = "Bob" if bob.ok else "Carol"
    assert winners[0].text == f"{winner} claimed IT-1."
    assert losers[0].text == f"IT-1 is already claimed by {winner}."
    async with chat.app.engine.connect() as conn:
        claims = (await conn.execute(
            select(AuditRow.action).where(AuditRow.action == "claim"))).all()
    assert len(claims) == 1


async def test_fifty_concurrent_creations_get_distinct_gapless_ids(chat: Chat) -> None:
    people = ["alice", "bob", "carol", "dave", "erin"]
    replies = await asyncio.gather(*(
        chat.user(people[i % len(people)]).says(f"new Ticket number {i}") for i in range(50)))
    assert all(r.ok for r in replies), [r.text for r in replies if not r.ok]
    keys = {r.answer.params["key"] for r in replies}
    assert keys == {f"IT-{n}" for n in range(1, 51)}
    async with chat.app.engine.connect() as conn:
        numbers = sorted((await conn.execute(select(TicketRow.number))).scalars())
        created = (await conn.execute(
            select(AuditRow.ticket_id).where(AuditRow.action == "create"))).scalars().all()
    assert numbers == list(range(1, 51))
    assert sorted(created) == sorted(set(created)) and len(created) == 50


async def test_two_first_contacts_of_one_slack_user_make_one_person(chat: Chat) -> None:
    newbie = chat.user("U0NEWBIE", SLACK)
    replies = await asyncio.gather(newbie.says("new VPN drops"), newbie.says("new Wifi slow"),
                                   newbie.says("list"))
    assert all(r.ok for r in replies), [r.text for r in replies]
    async with chat.app.engine.connect() as conn:
        people = (await conn.execute(
            select(PersonRow.handle).join(PersonIdentityRow).where(
                PersonIdentityRow.external_id == "U0NEWBIE"))).scalars().all()
        requesters = set((await conn.execute(select(TicketRow.requester_id))).scalars())
    assert people == ["u0newbie"] and len(requesters) == 1


async def test_first_contacts_racing_past_the_look_up_both_end_with_the_one_person(
        chat: Chat, database_url: str, clock: FakeClock) -> None:
    """Both replicas looked the user up and found nobody; both insert. On PostgreSQL the second
    insert waits on the unique index and then finds the first one's row (SQLite serialises
    writers at BEGIN, so there the two cannot interleave like this)."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers at BEGIN: the look-ups cannot interleave")
    looked = asyncio.Barrier(2)

    async def first_contact(name: str) -> tuple[int, bool]:
        async with chat.app.uow() as uow:
            assert await uow.people.by_platform_id(DINGTALK, "staff0042") is None
            await looked.wait()
            person, new = await uow.people.add("li.lei", name, clock.now(), DINGTALK,
                                               "staff0042")
            await uow.commit()
            return person.id, new

    (a, a_new), (b, b_new) = await asyncio.gather(first_contact("Li Lei"),
                                                  first_contact("李雷"))
    assert a == b and sorted([a_new, b_new]) == [False, True]
    async with chat.app.engine.connect() as conn:
        rows = (await conn.execute(select(PersonRow.handle, PersonRow.created_at)
                                   .join(PersonIdentityRow)
                                   .where(PersonIdentityRow.external_id == "staff0042"))).all()
    assert [r.handle for r in rows] == ["li.lei"]
    assert rows[0].created_at == clock.now()  # the injected clock, not the wall clock
