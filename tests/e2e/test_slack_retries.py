"""Calls made while handling a Slack request retry on 429 and on a dropped connection
(slack_sdk's retry handlers); when one finally fails the person is told, and an apology says
"nothing was changed" only when nothing was."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.slack.request import CURRENT, Request
from commands.context import Context
from storage.models import TicketRow
from tests.e2e.slack_stack import SlackStack, slack_stack
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock,
                fake_slack: FakeSlack) -> AsyncIterator[SlackStack]:
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


async def a_message(stack: SlackStack, text: str) -> str:
    posted = await stack.slack.client.chat_postMessage(channel="C0HELP", text=text)
    return str(posted["ts"])


def react(ts: str) -> dict:
    return sp.reaction_added("ticket", user="U0BOB", item_channel="C0HELP", item_ts=ts,
                             item_user="U0ALICE")


def told(stack: SlackStack, user: str) -> list[str]:
    return [m["text"] for m in stack.fake.ephemeral_messages("C0HELP") if m["user"] == user]


async def test_a_rate_limited_and_a_dropped_call_are_retried(stack: SlackStack) -> None:
    ts = await a_message(stack, "Wifi drops in room 4")
    stack.fake.fail_next("conversations.history", status=429, retry_after=0)
    stack.fake.fail_next("users.info", disconnect=True)
    await stack.event(react(ts))
    assert [c.status for c in stack.fake.calls_to("conversations.history")] == [429, 200]
    assert [c.status for c in stack.fake.calls_to("users.info")][:2] == [0, 200]
    assert told(stack, "U0BOB") == ["Created IT-1 for Alice for IT Support."]


async def test_a_reaction_that_cannot_become_a_ticket_says_so(stack: SlackStack) -> None:
    ts = await a_message(stack, "Printer on fire")
    stack.fake.fail_next("conversations.history", status=500, count=3)
    await stack.event(react(ts))
    assert told(stack, "U0BOB") == [
        "I could not turn that message into a ticket: Slack did not let me read it. "
        "Please try again in a moment, or use `/ticket`."]
    assert await stack.count(TicketRow) == 0


async def test_a_failure_after_the_ticket_was_saved_does_not_say_nothing_changed(
        stack: SlackStack) -> None:
    ts = await a_message(stack, "Scanner jams")
    stack.fake.fail_next("chat.postMessage", status=500)  # the link in the message's thread
    await stack.event(react(ts))
    assert await stack.count(TicketRow) == 1
    said = told(stack, "U0BOB")
    assert said[0] == "Created IT-1 for Alice for IT Support."
    assert said[1].startswith(
        "Your change was saved, but something went wrong while I was finishing up. (reference ")
    assert not any("Nothing was changed" in text for text in said)


async def test_the_apology_follows_whether_the_request_committed(stack: SlackStack) -> None:
    for committed, expected in ((False, "Nothing was changed."), (True, "was saved")):
        token = CURRENT.set(Request("U0BOB", "C0HELP", committed=committed))
        try:
            assert expected in stack.slack.apology("abc123")
        finally:
            CURRENT.reset(token)


async def test_a_reply_the_channel_refuses_reaches_the_dm(stack: SlackStack) -> None:
    stack.fake.outside("C0ELSEWHERE")  # the modal was opened from a channel the bot is not in
    submitted = sp.view_submission("ticket_create", {
        "title": {"value": sp.text_input_state("Keyboard sticky")}}, user_id="U0ALICE",
        user_name="alice", private_metadata='{"channel": "C0ELSEWHERE"}')
    await stack.interact(submitted)
    dm = stack.fake.messages(stack.fake.im_channel("U0ALICE"))
    assert dm[-1]["text"] == "Created IT-1 for Alice for IT Support."


async def test_a_failure_after_the_commit_does_not_say_nothing_changed(
        stack: SlackStack, monkeypatch: pytest.MonkeyPatch) -> None:
    await stack.command("U0ALICE", "new Printer jammed")

    def breaks(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug after the commit")

    monkeypatch.setattr(Context, "card", breaks)  # building the reply, after the claim committed
    await stack.command("U0BOB", "claim IT-1")
    said = stack.responses()[-1]["text"]
    assert "Nothing was changed" not in said
    assert said.startswith("Sorry, something went wrong on our side after your change was saved")
    monkeypatch.undo()
    await stack.command("U0BOB", "show IT-1")
    assert "<@U0BOB>" in json.dumps(stack.responses()[-1]["blocks"])  # the claim did happen
