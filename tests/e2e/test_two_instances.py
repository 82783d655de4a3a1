"""Two complete app instances on one PostgreSQL, no load balancer: the test alternates Slack's
requests between them and both relays deliver. The result is the single-instance transcript's,
and a retry or double click that lands on the other instance changes nothing."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.slack_stack import SlackStack, slack_stack, view_values
from tests.e2e.test_slack_http import buttons, card_in, texts_of, thread_of
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


@pytest.fixture
async def pair(database_url: str, tmp_path: Path, clock: FakeClock,
               fake_slack: FakeSlack) -> AsyncIterator[tuple[SlackStack, SlackStack]]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    async with slack_stack(database_url, tmp_path / "a", clock, fake_slack) as a, \
            slack_stack(database_url, tmp_path / "b", clock, fake_slack) as b:
        assert a.url != b.url
        yield a, b


async def deliver_both(a: SlackStack, b: SlackStack) -> None:
    """Both relays sweep at once: rows are claimed with SKIP LOCKED, so each goes out once."""
    await asyncio.gather(a.deliver(), b.deliver())
    await a.deliver()


async def test_the_transcript_alternating_between_two_instances(
        pair: tuple[SlackStack, SlackStack]) -> None:
    a, b = pair
    fake = a.fake
    await a.command("U0ALICE", "new P2 VPN down on floor 3")
    assert a.responses()[-1]["text"] == "Created IT-1 for Alice for IT Support."
    await deliver_both(a, b)
    card = card_in(a, "C0GENERAL")
    assert buttons(card) == ["claim", "transfer", "note", "urge"]

    click = a.click("U0BOB", "claim", card, "C0GENERAL")
    assert (await b.interact(click)).status_code == 200
    audits = await a.audit_count()
    assert (await a.interact(click)).status_code == 200  # the double click, on the other one
    assert await a.audit_count() == audits
    await deliver_both(b, a)
    card = card_in(a, "C0GENERAL")
    assert card["text"] == "IT-1 · VPN down on floor 3 (In progress, P2)"
    assert thread_of(a, "C0GENERAL", card) == ["Bob is now working on IT-1 (VPN down on floor 3)."]

    await a.interact(a.click("U0BOB", "transfer", card, "C0GENERAL"))
    view = a.opened_view()
    submitted = sp.view_submission("ticket_transfer", view_values(
        person=sp.users_select_state("U0CAROL"), reason=sp.text_input_state("needs network team")),
        user_id="U0BOB", user_name="bob", private_metadata=view["private_metadata"])
    assert (await b.interact(submitted)).text == ""  # opened on A, submitted to B
    await deliver_both(a, b)
    card = card_in(a, "C0GENERAL")
    assert "*Assignee*\n<@U0CAROL>" in texts_of(card["blocks"])

    reply = sp.message("Rebooted, still down. <@U0DAVE> can you look?", user="U0ALICE",
                       channel="C0GENERAL", ts="1767000000.000100", thread_ts=card["ts"])
    assert (await b.event(reply, event_id="Ev0TWO0001")).status_code == 200
    comments = await a.comment_count()
    await a.event(reply, event_id="Ev0TWO0001", retry=1)  # Slack's retry reaches the other one
    assert await a.comment_count() == comments == 1
    await deliver_both(b, a)
    assert fake.messages(fake.im_channel("U0CAROL"))[-1]["text"] == (
        "Alice replied on IT-1: Rebooted, still down. &lt;@U0DAVE&gt; can you look?")
    assert [m["text"] for m in fake.messages(fake.im_channel("U0DAVE"))] == [  # once, retry or not
        "Alice mentioned you on IT-1 (VPN down on floor 3) and added you to it: Rebooted, still "
        "down. &lt;@U0DAVE&gt; can you look?"]

    card = card_in(a, "C0GENERAL")
    await a.interact(a.click("U0CAROL", "resolve", card, "C0GENERAL"))
    resolve = a.opened_view()
    await b.interact(sp.view_submission("ticket_resolve", view_values(
        resolution=sp.text_input_state("ISP replaced the router")), user_id="U0CAROL",
        user_name="carol", private_metadata=resolve["private_metadata"]))
    await deliver_both(a, b)
    card = card_in(a, "C0GENERAL")
    assert card["text"] == "IT-1 · VPN down on floor 3 (Resolved, P2)"
    assert buttons(card) == ["note", "reopen", "close", "kb_save:"]  # saved by an agent
    assert fake.messages(fake.im_channel("U0ALICE"))[-1]["text"] == (
        "IT-1 (VPN down on floor 3) is resolved: ISP replaced the router. "
        "Reply `reopen IT-1` if it is not fixed.")
    # One card, updated in place; each thread line once, whichever relay sent it.
    lines = thread_of(a, "C0GENERAL", card)
    assert lines == [
        "Bob is now working on IT-1 (VPN down on floor 3).",
        "Bob transferred IT-1 (VPN down on floor 3) to Carol: needs network team",
        "Alice added you to IT-1 (VPN down on floor 3).",
        "IT-1 (VPN down on floor 3) is resolved: ISP replaced the router. "
        "Reply `reopen IT-1` if it is not fixed."]
    assert len(fake.messages("C0GENERAL")) == 1 + len(lines)  # the card and its thread, once each
