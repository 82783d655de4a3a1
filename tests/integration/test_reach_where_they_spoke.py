"""A notice reaches a person on the messenger they last wrote from (among their accounts), not
in a fixed order of messengers; someone who never wrote is reached where the ticket was raised."""

from collections.abc import AsyncIterator

import pytest

from bot.bootstrap import App, build_app
from bot.platforms import DINGTALK, SLACK
from bot.settings import Settings
from notifications.relay import Relay
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender
from workflows.kinds import Source
from workflows.people import Person

EVERY = frozenset({Source.CONSOLE, SLACK, DINGTALK})


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    application = await build_app(settings, clock=clock, platforms=EVERY)
    yield application
    await application.aclose()


async def drain(relay: Relay) -> None:
    while await relay.run_once():
        pass


async def link(chat: Chat, handle: str, platform: Source, account: str) -> None:
    code = (await chat.user(handle).says("link me")).answer.params["code"]
    assert (await chat.user(account, platform).says(f"link {code}")).ok


async def test_notices_follow_the_messenger_last_written_from(chat: Chat,
                                                             clock: FakeClock) -> None:
    senders = {p.value: RecordingSender() for p in EVERY}
    relay = chat.app.relay(senders, pacing={})
    await link(chat, "alice", SLACK, "U0ALICE")
    await link(chat, "alice", DINGTALK, "staff-alice")
    slack, dingtalk = chat.user("U0ALICE", SLACK), chat.user("staff-alice", DINGTALK)

    clock.advance(minutes=1)
    assert (await dingtalk.says("new P3 Printer jams")).ok
    clock.advance(minutes=1)
    await slack.says("list requests")  # she is on Slack now
    await drain(relay)
    for sender in senders.values():
        sender.sent.clear()
    await chat.user("bob").says("reply IT-1 on my way")
    await drain(relay)
    assert senders["slack"].texts("U0ALICE") == ["Bob replied on IT-1: on my way"]
    assert senders["dingtalk"].texts("staff-alice") == []

    clock.advance(minutes=1)
    await dingtalk.says("show IT-1")  # back on DingTalk
    await chat.user("bob").says("reply IT-1 fixed the tray")
    await drain(relay)
    assert senders["dingtalk"].texts("staff-alice") == ["Bob 回复了 IT-1：fixed the tray"]
    assert senders["slack"].texts("U0ALICE") == ["Bob replied on IT-1: on my way"]


def test_the_order_a_person_is_reached_in() -> None:
    both = (("slack", "U1"), ("dingtalk", "staff-1"))
    never = Person(1, "ann", "Ann", identities=both)
    assert never.reach_order(None, "dingtalk") == ["dingtalk", "slack"]  # the ticket's first
    assert never.reach_order(None, None) == ["slack", "dingtalk"]
    spoke = Person(1, "ann", "Ann", identities=both, spoke_on="dingtalk")
    assert spoke.reach_order(None, "slack") == ["dingtalk", "slack"]
    assert spoke.reach_order("slack", "dingtalk") == ["slack", "dingtalk"]  # her choice wins
