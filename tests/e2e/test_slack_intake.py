"""Slack intake: a `<@U…>` the workspace does not know is refused and changes nothing; App Home
never repeats a block_id when a ticket is in two of its sections."""

import json
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.models import PersonRow
from tests.e2e.slack_stack import NAMES, SlackStack, slack_stack
from tests.e2e.test_slack_http import card_in
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock

UNKNOWN = ("This workspace has no user U0NOBODY, so I changed nothing. "
           "Mention people with @ and pick them from Slack's list.")


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock,
                fake_slack: FakeSlack) -> AsyncIterator[SlackStack]:
    for user_id, handle in NAMES.items():
        fake_slack.add_user(user_id, real_name=handle.title())
    fake_slack.strict_users = True  # users.info: user_not_found for anyone else
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


async def test_an_unknown_slack_user_in_a_command_is_refused(stack: SlackStack) -> None:
    await stack.command("U0ALICE", "new Printer jammed")
    audit, people = await stack.audit_count(), await stack.count(PersonRow)
    response = await stack.command("U0DAVE", "assign IT-1 <@U0NOBODY>")
    assert response.status_code == 200 and not response.content  # acked at once
    assert stack.responses()[-1] == {"response_type": "ephemeral", "text": UNKNOWN}
    assert (await stack.audit_count(), await stack.count(PersonRow)) == (audit, people)
    # A known person, mentioned the same way, is assigned as before.
    await stack.command("U0DAVE", "assign IT-1 <@U0CAROL>")
    assert stack.responses()[-1]["text"] == "IT-1 is now assigned to Carol."


async def test_an_unknown_slack_user_in_a_mention_or_thread_reply_is_refused(
        stack: SlackStack) -> None:
    await stack.command("U0ALICE", "new Printer jammed")
    await stack.deliver()
    card = card_in(stack, "C0GENERAL")
    audit = await stack.audit_count()
    await stack.event(sp.app_mention("<@U0BOT> assign IT-1 <@U0NOBODY>", user="U0DAVE",
                                     channel="C0GENERAL", ts="1767000000.000100"))
    await stack.event(sp.message("<@U0NOBODY> can you look?", user="U0ALICE",
                                 channel="C0GENERAL", ts="1767000000.000200",
                                 thread_ts=card["ts"]))
    said = [(m["user"], m["text"]) for m in stack.fake.ephemeral_messages("C0GENERAL")]
    assert said == [("U0DAVE", UNKNOWN), ("U0ALICE", UNKNOWN)]
    assert await stack.audit_count() == audit and await stack.comment_count() == 0


async def test_app_home_block_ids_are_unique_with_a_ticket_in_two_sections(
        stack: SlackStack) -> None:
    await stack.command("U0ALICE", "new Printer jammed")
    await stack.command("U0BOB", "claim IT-1")  # now in Bob's "mine" and in the team queue
    await stack.event(sp.app_home_opened(user="U0BOB"))
    [call] = stack.fake.calls_to("views.publish")
    blocks = call.args["view"]["blocks"]
    ids = Counter(b["block_id"] for b in blocks if b.get("block_id"))
    assert [i for i, n in ids.items() if n > 1] == []
    assert sum(1 for i in ids if i.endswith(":IT-1")) == 2  # the ticket is in both sections
    assert any(v["type"] == "home" for v in stack.fake.views.values())  # Slack took it


async def test_a_reaction_on_a_thread_reply_makes_it_a_ticket(stack: SlackStack) -> None:
    parent = (await stack.slack.client.chat_postMessage(channel="C0HELP", text="Room 2"))["ts"]
    reply = stack.fake.post_reply("C0HELP", parent, "Projector dead in room 2", user="U0ALICE")
    await stack.event(sp.reaction_added("ticket", user="U0BOB", item_channel="C0HELP",
                                        item_ts=reply, item_user="U0ALICE"))
    said = stack.fake.ephemeral_messages("C0HELP")
    assert [(m["user"], m["text"]) for m in said] == [
        ("U0BOB", "Created IT-1 for Alice for IT Support.")]
    await stack.command("U0ALICE", "show IT-1")
    assert "Projector dead in room 2" in json.dumps(stack.responses()[-1]["blocks"])
    assert stack.fake.calls_to("conversations.replies")[0].args["ts"] == reply
