"""The Slack transcript over HTTP: the real app, signed requests shaped like Slack's, the fake
Slack Web API receiving what the bot posts."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.models import AuditRow
from tests.e2e.slack_stack import (
    SlackStack,
    assert_valid_blocks,
    parse,
    slack_stack,
    view_values,
)
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock,
                fake_slack: FakeSlack) -> AsyncIterator[SlackStack]:
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


def card_in(stack: SlackStack, channel: str) -> dict:
    cards = [m for m in stack.fake.messages(channel) if m.get("blocks")]
    assert len(cards) == 1, stack.fake.messages(channel)
    assert_valid_blocks(cards[0]["blocks"])
    return cards[0]


def thread_of(stack: SlackStack, channel: str, card: dict) -> list[str]:
    return [m["text"] for m in stack.fake.messages(channel) if m.get("thread_ts") == card["ts"]]


def texts_of(blocks: list[dict]) -> str:
    """Every text a person reads in the blocks, one per line."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(found)


def buttons(card: dict) -> list[str]:
    return [e["action_id"].removeprefix("ticket:") for b in card["blocks"]
            if b["type"] == "actions" for e in b["elements"]]


async def test_the_whole_transcript_over_http(stack: SlackStack) -> None:
    fake = stack.fake
    # /ticket with text runs the grammar; the reply is ephemeral, the card goes to the channel.
    response = await stack.command("U0ALICE", "new P2 VPN down on floor 3")
    assert response.status_code == 200
    assert stack.responses()[-1]["text"] == "Created IT-1 for Alice for IT Support."
    assert stack.responses()[-1]["response_type"] == "ephemeral"
    await stack.deliver()
    card = card_in(stack, "C0GENERAL")
    assert card["text"] == "IT-1 · VPN down on floor 3 (New, P2)"
    assert buttons(card) == ["claim", "transfer", "note", "urge"]

    # Claim by button; the card is updated in place and the change told in its thread.
    assert (await stack.interact(stack.click("U0BOB", "claim", card, "C0GENERAL"))).status_code == 200
    await stack.deliver()
    card = card_in(stack, "C0GENERAL")
    assert card["text"] == "IT-1 · VPN down on floor 3 (In progress, P2)"
    assert "*Assignee*\n<@U0BOB>" in texts_of(card["blocks"])
    assert thread_of(stack, "C0GENERAL", card) == ["Bob is now working on IT-1 (VPN down on floor 3)."]

    # Transfer by modal with a reason.
    await stack.interact(stack.click("U0BOB", "transfer", card, "C0GENERAL"))
    view = stack.opened_view()
    assert view["callback_id"] == "ticket_transfer"
    assert_valid_blocks(view["blocks"], limit=100)
    submitted = sp.view_submission("ticket_transfer", view_values(
        person=sp.users_select_state("U0CAROL"), reason=sp.text_input_state("needs network team")),
        user_id="U0BOB", user_name="bob", private_metadata=view["private_metadata"])
    response = await stack.interact(submitted)
    assert response.status_code == 200 and response.text == ""  # the modal closes
    await stack.deliver()
    card = card_in(stack, "C0GENERAL")
    assert "*Assignee*\n<@U0CAROL>" in texts_of(card["blocks"])
    assert thread_of(stack, "C0GENERAL", card)[-1] == (
        "Bob transferred IT-1 (VPN down on floor 3) to Carol: needs network team")

    # A reply in the card's thread becomes a comment; the person it mentions joins the ticket.
    reply = sp.message("Rebooted, still down. <@U0DAVE> can you look?", user="U0ALICE",
                       channel="C0GENERAL", ts="1767000000.000100", thread_ts=card["ts"])
    assert (await stack.event(reply)).status_code == 200
    await stack.deliver()
    carol_dm = fake.messages(fake.im_channel("U0CAROL"))
    assert carol_dm[-1]["text"] == (
        "Alice replied on IT-1: Rebooted, still down. &lt;@U0DAVE&gt; can you look?")
    assert [m["text"] for m in fake.messages(fake.im_channel("U0DAVE"))] == [  # once, in one change
        "Alice mentioned you on IT-1 (VPN down on floor 3) and added you to it: Rebooted, still "
        "down. &lt;@U0DAVE&gt; can you look?"]

    # Pend and resolve by their modals.
    card = card_in(stack, "C0GENERAL")
    await stack.interact(stack.click("U0CAROL", "pend", card, "C0GENERAL"))
    pend = stack.opened_view()
    await stack.interact(sp.view_submission("ticket_pend", view_values(
        reason=sp.text_input_state("waiting for the ISP")), user_id="U0CAROL", user_name="carol",
        private_metadata=pend["private_metadata"]))
    await stack.deliver()
    card = card_in(stack, "C0GENERAL")
    assert card["text"] == "IT-1 · VPN down on floor 3 (Pending, P2)"
    await stack.interact(stack.click("U0CAROL", "resolve", card, "C0GENERAL"))
    resolve = stack.opened_view()
    assert resolve["callback_id"] == "ticket_resolve"
    await stack.interact(sp.view_submission("ticket_resolve", view_values(
        resolution=sp.text_input_state("ISP replaced the router")), user_id="U0CAROL",
        user_name="carol", private_metadata=resolve["private_metadata"]))
    await stack.deliver()
    card = card_in(stack, "C0GENERAL")
    assert card["text"] == "IT-1 · VPN down on floor 3 (Resolved, P2)"
    assert buttons(card) == ["note", "reopen", "close", "kb_save:"]  # saved by an agent
    assert fake.messages(fake.im_channel("U0ALICE"))[-1]["text"] == (
        "IT-1 (VPN down on floor 3) is resolved: ISP replaced the router. "
        "Reply `reopen IT-1` if it is not fixed.")

    # App Home shows the ticket.
    await stack.event(sp.app_home_opened(user="U0ALICE"))
    home = fake.calls_to("views.publish")[-1].args
    assert home["user_id"] == "U0ALICE"
    assert_valid_blocks(home["view"]["blocks"], limit=100)
    assert "*IT-1* · VPN down on floor 3" in texts_of(home["view"]["blocks"])


async def test_app_home_follows_changes_one_republish_per_burst(stack: SlackStack) -> None:
    await stack.event(sp.app_home_opened(user="U0ALICE"))  # Alice looks at her App Home
    opened = len(stack.fake.calls_to("views.publish"))
    stack.slack.home_refresh_delay = 60  # nothing is republished until settle() runs it
    for title in ("Printer jammed", "Monitor flickers", "Keyboard sticky"):
        await stack.command("U0ALICE", f"new {title}")
    assert len(stack.fake.calls_to("views.publish")) == opened  # the acks did not wait for it
    await stack.slack.settle()
    published = stack.fake.calls_to("views.publish")[opened:]
    assert [call.args["user_id"] for call in published] == ["U0ALICE"]
    texts = texts_of(published[0].args["view"]["blocks"])
    for line in ("*IT-1* · Printer jammed", "*IT-2* · Monitor flickers", "*IT-3* · Keyboard sticky"):
        assert line in texts


async def test_an_app_home_nobody_opened_is_not_published(stack: SlackStack) -> None:
    await stack.command("U0ALICE", "new Printer jammed")
    await stack.slack.settle()
    assert stack.fake.calls_to("views.publish") == []
    await stack.event(sp.app_home_opened(user="U0ALICE"))  # opening it shows the ticket
    home = stack.fake.calls_to("views.publish")[-1].args
    assert "*IT-1* · Printer jammed" in texts_of(home["view"]["blocks"])


async def test_an_app_home_slack_refuses_is_logged_and_republished_next_time(
        stack: SlackStack, caplog: pytest.LogCaptureFixture) -> None:
    await stack.event(sp.app_home_opened(user="U0ALICE"))
    stack.fake.fail_next("views.publish", status=500)
    await stack.command("U0ALICE", "new Printer jammed")
    await stack.slack.settle()
    assert "could not publish App Home for U0ALICE" in caplog.text
    await stack.command("U0ALICE", "new Monitor flickers")
    await stack.slack.settle()
    home = stack.fake.calls_to("views.publish")[-1].args
    assert "*IT-2* · Monitor flickers" in texts_of(home["view"]["blocks"])


async def test_create_by_modal(stack: SlackStack) -> None:
    await stack.command("U0ALICE", "", channel="C0GENERAL")
    view = stack.opened_view()
    assert view["callback_id"] == "ticket_create"
    assert_valid_blocks(view["blocks"], limit=100)
    submitted = sp.view_submission("ticket_create", view_values(
        title=sp.text_input_state("Printer on floor 2 offline"),
        description=sp.text_input_state("Shows error 49"),
        type=sp.static_select_state("incident"), priority=sp.static_select_state("P2"),
        collaborators=sp.multi_users_select_state(["U0ERIN"])),
        user_id="U0ALICE", user_name="alice", private_metadata=view["private_metadata"])
    assert (await stack.interact(submitted)).text == ""
    await stack.deliver()
    card = card_in(stack, "C0GENERAL")
    assert card["text"] == "IT-1 · Printer on floor 2 offline (New, P2)"
    assert "Collaborators: <@U0ERIN>" in texts_of(card["blocks"])


async def test_a_modal_refusal_is_shown_on_its_field(stack: SlackStack) -> None:
    await stack.command("U0ALICE", "")
    view = stack.opened_view()
    submitted = sp.view_submission("ticket_create", view_values(
        title=sp.text_input_state("Laptop"), assignee=sp.users_select_state("U0BOB")),
        user_id="U0ALICE", user_name="alice", private_metadata=view["private_metadata"])
    response = await stack.interact(submitted)
    assert response.json() == {"response_action": "errors", "errors": {
        "assignee": "Only a team member, the team lead or an admin can assign this ticket."}}
    assert await stack.audit_count() == 0


async def test_retries_and_double_clicks_change_nothing(stack: SlackStack) -> None:
    await stack.command("U0ALICE", "new Projector broken")
    await stack.deliver()
    card = card_in(stack, "C0GENERAL")
    click = stack.click("U0BOB", "claim", card, "C0GENERAL")
    await stack.interact(click)
    before = await stack.audit_count()
    await stack.interact(click)  # the double click
    assert await stack.audit_count() == before
    assert stack.fake.calls_to("chat.postEphemeral") == []  # and no error shown for it

    reply = sp.message("any news?", user="U0ALICE", channel="C0GENERAL", ts="1767000000.000200",
                       thread_ts=card["ts"])
    await stack.event(reply, event_id="Ev0RETRY001")
    await stack.event(reply, event_id="Ev0RETRY001", retry=1)  # Slack's retry of the same event
    assert await stack.comment_count() == 1


async def test_forged_and_stale_requests_are_refused(stack: SlackStack) -> None:
    body = sp.form_body(sp.slash_command("new Hacked", user_id="U0ALICE", user_name="alice"))
    forged = await stack.post(body, "application/x-www-form-urlencoded", secret="not-the-secret")
    assert forged.status_code == 401
    stale = sp.sign(body, timestamp=1_600_000_000)
    response = await stack.http.post(f"{stack.url}/slack/events", content=body, headers={
        **stale, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 401
    assert await stack.audit_count() == 0


async def test_not_permitted_buttons_get_an_ephemeral_explanation(stack: SlackStack) -> None:
    await stack.command("U0ALICE", "new Mouse broken")
    await stack.deliver()
    card = card_in(stack, "C0GENERAL")
    await stack.interact(stack.click("U0ALICE", "transfer", card, "C0GENERAL"))
    assert stack.fake.calls_to("views.open") == []
    said = stack.fake.calls_to("chat.postEphemeral")[-1].args
    assert (said["user"], said["text"]) == (
        "U0ALICE", "Only a team member, the team lead or an admin can transfer this ticket.")


async def test_reaction_and_shortcut_turn_messages_into_tickets(stack: SlackStack) -> None:
    fake = stack.fake
    posted = await stack.relay.senders["slack"].client.chat_postMessage(  # type: ignore[attr-defined]
        channel="C0HELP", text="The wifi in room 4 keeps dropping")
    ts = posted["ts"]
    reaction = sp.reaction_added("ticket", user="U0BOB", item_channel="C0HELP", item_ts=ts,
                                 item_user="U0ALICE")
    await stack.event(reaction)
    await stack.event(sp.reaction_added("ticket", user="U0CAROL", item_channel="C0HELP",
                                        item_ts=ts, item_user="U0ALICE"))
    await stack.deliver()
    card = card_in(stack, "C0HELP")
    assert card["text"] == "IT-1 · The wifi in room 4 keeps dropping (New, P3)"
    assert "*Requester*\n<@U0ALICE>" in texts_of(card["blocks"])
    assert [m["text"] for m in fake.messages("C0HELP") if m.get("thread_ts") == ts] == [
        "Ticket IT-1 was created from this message."]
    await stack.command("U0ALICE", "history IT-1")
    assert "Bob  Created (New)" in stack.responses()[-1]["text"]  # Bob filed it for Alice

    shortcut = sp.message_action("create_ticket", user_id="U0ALICE", user_name="alice",
                                 channel_id="C0HELP", message_text="Badge reader at door 2 dead",
                                 message_ts="1767000000.000900", message_user="U0ERIN")
    await stack.interact(shortcut)
    view = stack.opened_view()
    assert view["blocks"][0]["element"]["initial_value"] == "Badge reader at door 2 dead"
    assert parse(view["private_metadata"]) == {"channel": "C0HELP", "ts": "1767000000.000900",
                                               "author": "U0ERIN", "locale": "en"}


async def test_the_shortcut_on_someone_elses_message_files_it_for_its_author(
        stack: SlackStack) -> None:
    shortcut = sp.message_action("create_ticket", user_id="U0ALICE", user_name="alice",
                                 channel_id="C0HELP", message_text="Badge reader at door 2 dead",
                                 message_ts="1767000000.000900", message_user="U0ERIN")
    await stack.interact(shortcut)
    view = stack.opened_view()
    submitted = sp.view_submission("ticket_create", view_values(
        title=sp.text_input_state("Badge reader at door 2 dead")),
        user_id="U0ALICE", user_name="alice", private_metadata=view["private_metadata"])
    assert (await stack.interact(submitted)).text == ""
    await stack.deliver()
    card = card_in(stack, "C0HELP")
    assert "*Requester*\n<@U0ERIN>" in texts_of(card["blocks"])  # the message's author
    said = stack.fake.ephemeral_messages("C0HELP")[-1]
    assert (said["user"], said["text"]) == ("U0ALICE", "Created IT-1 for Erin for IT Support.")
    await stack.command("U0ERIN", "history IT-1")
    history = stack.responses()[-1]["text"]
    assert "Alice  Created (New)" in history, history  # and who filed it


async def test_dm_to_the_bot_works_like_the_command(stack: SlackStack) -> None:
    dm = sp.message("list", user="U0ALICE", channel="D0ALICE", ts="1767000000.000300",
                    channel_type="im")
    await stack.event(dm)
    said = stack.fake.messages("D0ALICE")[-1]
    assert said["text"] == "Your requests:\nNothing here."


async def test_health_and_readiness(stack: SlackStack) -> None:
    assert (await stack.http.get(f"{stack.url}/healthz")).json() == {"status": "alive"}
    ready = await stack.http.get(f"{stack.url}/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "schema": True}
    metrics = (await stack.http.get(f"{stack.url}/metrics")).text
    assert "ticketbot_outbox_lag_seconds" in metrics
    assert AuditRow.__tablename__ == "audit_events"
