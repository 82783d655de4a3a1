"""The knowledge base's buttons in Slack over HTTP: clicks sent as Slack's block_actions
payloads, the cards and answers the fake Slack Web API receives."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import KbArticleRow, TicketRow
from tests.e2e.slack_stack import NAMES, SlackStack, assert_valid_blocks, slack_stack
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock,
                fake_slack: FakeSlack) -> AsyncIterator[SlackStack]:
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


def card_of(stack: SlackStack, channel: str, key: str) -> dict[str, Any]:
    cards = [m for m in stack.fake.messages(channel)
             if m.get("blocks") and m.get("text", "").startswith(f"{key} ·")]
    assert len(cards) == 1, stack.fake.messages(channel)
    assert_valid_blocks(cards[0]["blocks"])
    return cards[0]


def offers(message: dict[str, Any]) -> dict[str, str]:
    """The offered buttons of a card: label by action id."""
    return {e["action_id"]: e["text"]["text"] for b in message["blocks"]
            if b["type"] == "actions" and b["block_id"].startswith("ticket-offers:")
            for e in b["elements"]}


def press(stack: SlackStack, user: str, action_id: str, card: dict[str, Any],
          channel: str) -> dict[str, Any]:
    """A click on a button of the card, as Slack sends it (the block it is in, its value)."""
    block, button = next((b, e) for b in card["blocks"] if b["type"] == "actions"
                         for e in b["elements"] if e["action_id"] == action_id)
    return sp.block_actions(action_id, button["value"], user_id=user,
                            user_name=NAMES.get(user, user), channel_id=channel,
                            message_ts=card["ts"], message_blocks=card["blocks"],
                            block_id=block["block_id"], message_text=card["text"])


async def status_of(stack: SlackStack, number: int) -> str:
    async with stack.core.engine.connect() as conn:
        return (await conn.execute(select(TicketRow.status)
                                   .where(TicketRow.number == number))).scalar_one()


async def test_solved_by_and_merge_buttons_on_the_new_tickets_cards(stack: SlackStack) -> None:
    await stack.command("U0BOB", "kb new Outlook does not receive email -- Check the mailbox "
                        "quota and restart Outlook.")
    await stack.command("U0ALICE", "new Outlook not receiving email since this morning")
    reply = stack.responses()[-1]
    assert reply["text"].splitlines()[0] == "Created IT-1 for Alice for IT Support."
    assert offers(reply) == {"ticket:kb_solved:KB-1": "Solved by KB-1"}  # hers to press
    await stack.deliver()
    first = card_of(stack, "C0GENERAL", "IT-1")
    assert offers(first) == {"ticket:kb_solved:KB-1": "Solved by KB-1"}

    await stack.command("U0CAROL", "new Outlook not receiving email again today")
    await stack.deliver()
    second = card_of(stack, "C0GENERAL", "IT-2")
    assert offers(second)["ticket:merge:IT-1"] == "Merge into IT-1"

    # A requester may not merge: told so, alone; nothing changes.
    before = len(stack.fake.calls_to("chat.postEphemeral"))
    await stack.interact(press(stack, "U0ALICE", "ticket:merge:IT-1", second, "C0GENERAL"))
    refusals = stack.fake.calls_to("chat.postEphemeral")[before:]
    assert [c.args["user"] for c in refusals] == ["U0ALICE"]
    assert await status_of(stack, 2) == "new"
    # An agent merges it; a double click (the same payload again) changes nothing more.
    click = press(stack, "U0BOB", "ticket:merge:IT-1", second, "C0GENERAL")
    await stack.interact(click)
    await stack.interact(click)
    assert await status_of(stack, 2) == "closed"
    await stack.deliver()
    assert card_of(stack, "C0GENERAL", "IT-2")["text"].startswith("IT-2 · Outlook not receiving "
                                                                  "email again today (Closed")

    # The requester presses Solved by KB-1 on her card: resolved as self-service.
    await stack.interact(press(stack, "U0ALICE", "ticket:kb_solved:KB-1", first, "C0GENERAL"))
    assert await status_of(stack, 1) == "resolved"
    await stack.deliver()
    updated = card_of(stack, "C0GENERAL", "IT-1")
    assert "(Resolved" in updated["text"] and offers(updated) == {}  # nothing left to offer
    async with stack.core.engine.connect() as conn:
        helped = (await conn.execute(select(KbArticleRow.helped))).scalar_one()
    assert helped == 1


async def test_save_to_knowledge_base_on_a_resolved_card(stack: SlackStack) -> None:
    await stack.command("U0ALICE", "new Scanner on floor 3 jams on every page")
    await stack.command("U0BOB", "claim IT-1")
    await stack.command("U0BOB", "resolve IT-1 cleaned the rollers and updated the driver")
    await stack.deliver()
    card = card_of(stack, "C0GENERAL", "IT-1")
    assert offers(card) == {"ticket:kb_save:": "Save to knowledge base"}
    before = len(stack.fake.calls_to("chat.postEphemeral"))
    await stack.interact(press(stack, "U0ALICE", "ticket:kb_save:", card, "C0GENERAL"))
    await stack.interact(press(stack, "U0BOB", "ticket:kb_save:", card, "C0GENERAL"))
    told = [(c.args["user"], c.args["text"])
            for c in stack.fake.calls_to("chat.postEphemeral")[before:]]
    assert told[0][0] == "U0ALICE" and "Only agents" in told[0][1]
    assert told[1] == ("U0BOB", "Saved KB-1 · Scanner on floor 3 jams on every page from IT-1.")
    async with stack.core.engine.connect() as conn:
        sources = (await conn.execute(select(KbArticleRow.source_ticket))).scalars().all()
    assert sources == ["IT-1"]
