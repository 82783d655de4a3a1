"""The same transcript over Socket Mode: envelopes from the fake Socket Mode server, acks back."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.slack_stack import SlackStack, slack_stack, view_values
from tests.e2e.test_slack_http import buttons, card_in, texts_of, thread_of
from tests.fakes.slack_socket import DEFAULT_APP_TOKEN, FakeSocketMode
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack,
                fake_socket_mode: FakeSocketMode) -> AsyncIterator[SlackStack]:
    async with slack_stack(database_url, tmp_path, clock, fake_slack,
                           app_token=DEFAULT_APP_TOKEN) as running:
        await fake_socket_mode.wait_connected()
        yield running


async def test_the_transcript_over_socket_mode(stack: SlackStack,
                                               fake_socket_mode: FakeSocketMode) -> None:
    socket = fake_socket_mode
    command = sp.slash_command("new P1 Core switch down", user_id="U0ALICE", user_name="alice",
                               channel_id="C0OPS", response_url=stack.response_url())
    ack = await socket.send("slash_commands", command)
    assert "envelope_id" in ack
    # Alice's Slack language is not known yet (users.info is asked after the ack): the ack is
    # empty and the answer follows through the response_url.
    assert "payload" not in ack
    await stack.slack.drain()  # what followed the acks
    assert stack.fake.responses[-1]["text"] == "Created IT-1 for Alice for IT Support."
    assert stack.fake.responses[-1]["response_type"] == "ephemeral"
    ack = await socket.send("slash_commands", sp.slash_command(
        "help", user_id="U0ALICE", user_name="alice", channel_id="C0OPS",
        response_url=stack.response_url()))
    assert ack["payload"]["text"].startswith("Commands")  # known now: in the ack itself
    assert ack["payload"]["response_type"] == "ephemeral"
    await stack.deliver()
    card = card_in(stack, "C0OPS")
    assert card["text"] == "IT-1 · Core switch down (New, P1)"

    await socket.send("interactive", stack.click("U0BOB", "claim", card, "C0OPS"))
    await stack.slack.drain()  # what followed the acks
    await stack.deliver()
    card = card_in(stack, "C0OPS")
    assert "*Assignee*\n<@U0BOB>" in texts_of(card["blocks"])

    await socket.send("interactive", stack.click("U0BOB", "resolve", card, "C0OPS"))
    await stack.slack.drain()
    view = stack.opened_view()
    await socket.send("interactive", sp.view_submission("ticket_resolve", view_values(
        resolution=sp.text_input_state("power cycled the switch")), user_id="U0BOB",
        user_name="bob", private_metadata=view["private_metadata"]))
    await stack.slack.drain()  # what followed the acks
    await stack.deliver()
    card = card_in(stack, "C0OPS")
    assert buttons(card) == ["note", "reopen", "close", "kb_save:"]  # saved by an agent
    assert thread_of(stack, "C0OPS", card)[-1] == (
        "IT-1 (Core switch down) is resolved: power cycled the switch. "
        "Reply `reopen IT-1` if it is not fixed.")

    reply = sp.message("thanks, works again", user="U0ALICE", channel="C0OPS",
                       ts="1767000000.000500", thread_ts=card["ts"])
    envelope = sp.event_callback(reply, event_id="Ev0SOCKET01")
    await socket.send("events_api", envelope)
    await socket.send("events_api", envelope, retry_attempt=1, retry_reason="timeout")
    await stack.slack.drain()
    assert await stack.comment_count() == 1
