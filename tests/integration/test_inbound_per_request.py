"""One request, one inbound id: a bulk command from Slack or DingTalk changes every ticket it
names, and the platform delivering it again changes nothing."""

import asyncio

import pytest
from sqlalchemy import func, insert, select

from bot.platforms import DINGTALK, SLACK
from storage.models import (
    AuditRow,
    InboundEventRow,
    OutboxRow,
    PersonIdentityRow,
    PersonRow,
    TicketRow,
)
from tests.support.chat import Chat, Speaker
from workflows.kinds import Source

PLATFORM_IDS = {SLACK: "U0000DAVE", DINGTALK: "manager4220"}


async def lead_on(chat: Chat, platform: Source) -> Speaker:
    """Dave, the IT lead, writing from the platform (the organisation file knows his id there)."""
    async with chat.app.engine.begin() as conn:
        dave = (await conn.execute(select(PersonRow.id).where(PersonRow.handle == "dave"))).scalar()
        await conn.execute(insert(PersonIdentityRow).values(
            person_id=dave, platform=platform.value, workspace="",
            external_id=PLATFORM_IDS[platform], created_at=chat.app.clock.now()))
    return chat.user(PLATFORM_IDS[platform], platform)


async def assignees(chat: Chat) -> dict[str, str | None]:
    async with chat.app.engine.connect() as conn:
        rows = await conn.execute(
            select(TicketRow.key, PersonRow.handle)
            .join(PersonRow, PersonRow.id == TicketRow.assignee_id, isouter=True))
        return dict(rows.tuples().all())


async def counts(chat: Chat) -> tuple[int, int, int]:
    async with chat.app.engine.connect() as conn:
        return tuple([(await conn.scalar(select(func.count()).select_from(table))) or 0
                      for table in (AuditRow, OutboxRow, InboundEventRow)])  # type: ignore[return-value]


@pytest.mark.parametrize("platform", [SLACK, DINGTALK])
async def test_bulk_assign_with_a_delivery_id_moves_every_ticket_and_a_redelivery_none(
        chat: Chat, platform: Source) -> None:
    alice = chat.user("alice")
    for title in ("Printer jammed", "Laptop fan loud", "Mouse broken"):
        await alice.says(f"new {title}")
    dave = await lead_on(chat, platform)

    moved = await dave.says("assign IT-3 IT-1 IT-2 @carol")
    assert moved.delivery is not None  # the helper passes an id as the adapter does
    assert moved.text == "Assigned IT-3, IT-1, IT-2 to Carol."
    assert await assignees(chat) == {"IT-1": "carol", "IT-2": "carol", "IT-3": "carol"}
    before = await counts(chat)

    again = await dave.redelivers(moved)
    assert again.answer.duplicate  # already done: the adapters do not answer it twice
    assert await counts(chat) == before  # no audit line, message or claim added
    assert await assignees(chat) == {"IT-1": "carol", "IT-2": "carol", "IT-3": "carol"}

    # A new delivery of the same words is a new request (and finds nothing left to move).
    later = await dave.says("assign IT-1 IT-2 IT-3 @bob")
    assert later.text == "Assigned IT-1, IT-2, IT-3 to Bob."


async def test_a_delivery_arriving_twice_at_once_is_done_once(chat: Chat) -> None:
    alice = chat.user("alice")
    for title in ("Printer jammed", "Laptop fan loud"):
        await alice.says(f"new {title}")
    dave = await lead_on(chat, SLACK)
    first, second = await asyncio.gather(dave.says("assign IT-1 IT-2 @carol", "Ev0TWICE"),
                                         dave.says("assign IT-1 IT-2 @carol", "Ev0TWICE"))
    assert sorted([first.answer.duplicate, second.answer.duplicate]) == [False, True]
    done = first if second.answer.duplicate else second
    assert done.text == "Assigned IT-1, IT-2 to Carol."
    async with chat.app.engine.connect() as conn:
        assigned = await conn.scalar(select(func.count()).select_from(AuditRow)
                                     .where(AuditRow.action == "assign"))
    assert assigned == 2


async def test_a_refused_request_does_not_use_up_its_delivery_id(chat: Chat) -> None:
    await chat.user("alice").says("new Printer jammed")
    bob = chat.user("bob", SLACK)
    refused = await bob.says("assign IT-1 IT-7 @carol")
    assert not refused.ok
    async with chat.app.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(InboundEventRow)) == 0
