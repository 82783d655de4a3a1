"""A work order's checklist in its Slack card: checkboxes, ticked by a click (a block_actions
payload with `selected_options`, as Slack sends it), under the same rules as `check`, each
tick audited; the card refreshed with who ticked what."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.scheduler import schedules_tick
from storage.models import AuditRow, TicketRow
from tests.e2e.slack_stack import NAMES, SlackStack, assert_valid_blocks, slack_stack
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock
from workflows.priority import Priority
from workflows.schedule import CatchUp, Limits
from workflows.work_order import ChecklistItem, Schedule, Template, When

DESK = "C0ITDESK"
MONDAY_0900 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock,
                fake_slack: FakeSlack) -> AsyncIterator[SlackStack]:
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


async def work_order(stack: SlackStack) -> dict[str, Any]:
    stack.clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    schedule = Schedule(
        "UPS check", Template("UPS check {date}", "it", Priority.P4, checklist=(
            ChecklistItem("Lights green"), ChecklistItem("Note the temperature", False))),
        When("FREQ=WEEKLY;BYDAY=MO", time(9), ZoneInfo("Asia/Shanghai"), date(2026, 12, 7)),
        "dave", CatchUp.LATEST, Limits())
    schedule.first_due(stack.core.loaded.org.sla.calendars, stack.clock.now())
    async with stack.core.uow() as uow:
        assert await uow.schedules.add(schedule, stack.clock.now())
        await uow.commit()
    stack.clock.current = MONDAY_0900 + timedelta(seconds=5)
    assert (await schedules_tick(stack.core)).made == ["IT-1"]
    await stack.deliver()
    return card(stack)


def card(stack: SlackStack) -> dict[str, Any]:
    cards = [m for m in stack.fake.messages(DESK) if m.get("blocks")]
    assert len(cards) == 1
    assert_valid_blocks(cards[0]["blocks"])
    return cards[0]


def boxes(card: dict[str, Any]) -> dict[str, Any]:
    block = next(b for b in card["blocks"] if b.get("block_id", "").startswith("ticket-checklist:"))
    assert block["type"] == "actions"
    return block


def tick(card: dict[str, Any], user: str, checked: list[int]) -> dict[str, Any]:
    """Slack's payload when `user` leaves items `checked` (numbers) checked in the card."""
    block = boxes(card)
    element = block["elements"][0]
    values = [element["options"][n - 1]["value"] for n in checked]
    return sp.block_actions(element["action_id"], "", user_id=user,
                            user_name=NAMES.get(user, user), channel_id=DESK,
                            message_ts=card["ts"], message_blocks=card["blocks"],
                            block_id=block["block_id"], selected=values)


async def checklist(stack: SlackStack) -> list[dict[str, Any]]:
    async with stack.core.engine.connect() as conn:
        return list((await conn.execute(select(TicketRow.checklist))).scalar_one())


async def ticks(stack: SlackStack) -> list[tuple[object, ...]]:
    async with stack.core.engine.connect() as conn:
        return [tuple(r) for r in await conn.execute(
            select(AuditRow.actor_id, AuditRow.changes).where(AuditRow.action == "check"))]


async def test_checkboxes_tick_items_audited_under_the_check_rules(stack: SlackStack) -> None:
    shown = await work_order(stack)
    element = boxes(shown)["elements"][0]
    assert element["type"] == "checkboxes"
    assert [o["text"]["text"] for o in element["options"]] == [
        "1. Lights green", "2. Note the temperature (optional)"]
    assert "initial_options" not in element

    # Someone who does not work the ticket is refused, only to them; nothing changes.
    await stack.interact(tick(shown, "U0ALICE", [2]))
    assert stack.fake.ephemeral_messages(DESK)[-1]["text"] == (
        "Only the people working on IT-1 tick its checklist.")
    assert await ticks(stack) == []

    # A team member ticks item 1: audited with who and when, the card shows it checked.
    click = tick(shown, "U0BOB", [1])
    assert click["actions"][0]["selected_options"] == [
        {"text": {"type": "plain_text", "text": "1. Lights green", "emoji": False},
         "value": element["options"][0]["value"]}]
    await stack.interact(click)
    await stack.interact(click)  # a double click is one tick
    lines = await ticks(stack)
    assert len(lines) == 1 and lines[0][1] == {"item": [None, 1], "text": [None, "Lights green"]}
    items = await checklist(stack)
    assert items[0]["by"] == "Bob" and items[0]["at"] and items[1]["at"] is None
    await stack.deliver()
    refreshed = card(stack)
    element = boxes(refreshed)["elements"][0]
    assert [o["value"] for o in element["initial_options"]] == [element["options"][0]["value"]]
    assert element["options"][0]["description"]["text"] == "ticked by Bob"

    # Unchecking a ticked item changes nothing and says who ticked it.
    await stack.interact(tick(refreshed, "U0BOB", []))
    said = stack.fake.ephemeral_messages(DESK)[-1]["text"]
    assert said.startswith("Item 1 of IT-1 was ticked already by Bob at")
    assert len(await ticks(stack)) == 1 and (await checklist(stack))[0]["by"] == "Bob"

    # Item 2 next to the checked item 1: only the new one is ticked.
    await stack.interact(tick(refreshed, "U0CAROL", [1, 2]))
    assert [line[1]["item"] for line in await ticks(stack)] == [[None, 1], [None, 2]]
    assert (await checklist(stack))[1]["by"] == "Carol"
