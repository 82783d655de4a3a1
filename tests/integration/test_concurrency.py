"""Races a busy help desk produces: two agents claiming at once, a burst of new tickets."""

import asyncio

from sqlalchemy import select

from storage.models import AuditRow, TicketRow
from tests.support.chat import Chat


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
