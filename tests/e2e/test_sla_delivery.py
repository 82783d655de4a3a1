"""The escalation chain of a P1 delivered by the real senders to the fake Slack Web API and the
fake DingTalk OpenAPI: each message once, at its minute; pending pauses it, resume continues."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import App
from bot.platforms import DINGTALK, SLACK
from bot.senders.dingtalk import DingTalkSender
from bot.senders.slack import SlackSender
from notifications.relay import Relay
from tests.fakes.dingtalk_openapi import FakeDingTalk
from tests.fakes.slack_web import FakeSlack
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.sla import fast_sla_app, run_sweep


@pytest.fixture
async def platform_app(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    async with fast_sla_app(database_url, tmp_path, clock,
                            frozenset({SLACK, DINGTALK})) as app:
        yield app


@pytest.fixture
async def relay(platform_app: App, fake_slack: FakeSlack, fake_dingtalk: FakeDingTalk,
                clock: FakeClock) -> AsyncIterator[Relay]:
    async with httpx.AsyncClient(timeout=5) as http:
        senders = {
            "slack": SlackSender(AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url)),
            "dingtalk": DingTalkSender(http, fake_dingtalk.url, fake_dingtalk.app_key,
                                       fake_dingtalk.app_secret, fake_dingtalk.robot_code, clock),
        }
        yield platform_app.relay(senders, pacing={})


async def run_minutes(app: App, relay: Relay, clock: FakeClock, minutes: int) -> None:
    for _ in range(minutes):
        clock.advance(minutes=1)
        await run_sweep(app)
        while await relay.run_once():
            pass


def slack_texts(fake: FakeSlack, channel: str) -> list[str]:
    return [m["text"] for m in fake.messages(channel)]


def dingtalk_texts(messages: list[dict]) -> list[str]:
    return [m["msgParam"]["text"] for m in messages]


async def test_slack_hears_each_step_once(platform_app: App, relay: Relay, fake_slack: FakeSlack,
                                          fake_dingtalk: FakeDingTalk, clock: FakeClock) -> None:
    chat = Chat(platform_app)
    await chat.user("U0ALICE", SLACK).says("new P1 Core switch down")
    await chat.user("U0BOB", SLACK).says("claim IT-1")
    await run_minutes(platform_app, relay, clock, 80)

    bob = slack_texts(fake_slack, fake_slack.im_channel("U0BOB"))
    assert [t[:2] for t in bob] == ["⏳ ", "⏳ ", "⚠️", "IT"]  # two warnings, breach, handed over
    dave = slack_texts(fake_slack, fake_slack.im_channel("U0DAVE"))
    assert len(dave) == 1 + 1 + 1 + 5 + 1  # breach, escalation, hand-over, 5 reminders, suspended
    assert sum("Reminder" in t for t in dave) == 5
    assert slack_texts(fake_slack, "C0ESC") == [
        "🚨 IT-1 [P1] Core switch down · team it · assignee Bob · resolution target missed, due "
        "<!date^1772443800^{date_short_pretty} {time}|2026-03-02 09:30 (UTC)>"]
    assert slack_texts(fake_slack, "C0CTL") == [
        "⛔ IT-1 [P1] (Core switch down) got 5 reminders without progress and is suspended. "
        "Please review it."]
    desk = slack_texts(fake_slack, "C0ITDESK")
    # The card, then in its thread: claimed, two warnings, breach, hand-over, suspended.
    assert len(desk) == 1 + 1 + 2 + 1 + 1 + 1
    assert desk[0] == "IT-1 · Core switch down (Suspended, P1)"
    # The channels of the other messenger get the channel posts too.
    assert len(fake_dingtalk.group_messages("cidESC==")) == 1
    assert len(fake_dingtalk.group_messages("cidCTL==")) == 1
    posted = [c.args["metadata"]["event_payload"]["key"]
              for c in fake_slack.calls_to("chat.postMessage")]
    assert len(posted) == len(set(posted))


async def test_dingtalk_pending_pauses_and_resume_continues(
        platform_app: App, relay: Relay, fake_dingtalk: FakeDingTalk, clock: FakeClock) -> None:
    chat = Chat(platform_app)
    alice, bob = chat.user("staff-alice", DINGTALK), chat.user("staff-bob", DINGTALK)
    await alice.says("新建 P1 邮件服务器宕机")
    await bob.says("领取 IT-1")
    await run_minutes(platform_app, relay, clock, 20)
    warnings = dingtalk_texts(fake_dingtalk.user_messages("staff-bob"))
    assert warnings == ["⏳ IT-1（邮件服务器宕机）解决时限已用 50%，截止 2026-03-02 09:30（UTC）。"]
    assert (await bob.says("等待 IT-1 等供应商回复")).ok
    await run_minutes(platform_app, relay, clock, 60)  # paused: nothing more for bob
    assert len(dingtalk_texts(fake_dingtalk.user_messages("staff-bob"))) == 1
    assert (await alice.says("恢复 IT-1")).ok
    # 20 of the 30 minutes were used before the pause: 75 % comes 2.5 minutes after the resume,
    # the breach 10 minutes after it, 60 minutes later than without the pause.
    await run_minutes(platform_app, relay, clock, 2)
    texts = dingtalk_texts(fake_dingtalk.user_messages("staff-bob"))
    assert len(texts) == 2 and "75%" not in texts[-1]  # only "back in progress" so far
    await run_minutes(platform_app, relay, clock, 1)
    texts = dingtalk_texts(fake_dingtalk.user_messages("staff-bob"))
    assert texts[-1] == "⏳ IT-1（邮件服务器宕机）解决时限已用 75%，截止 2026-03-02 10:30（UTC）。"
    await run_minutes(platform_app, relay, clock, 6)
    assert fake_dingtalk.group_messages("cidESC==") == []
    await run_minutes(platform_app, relay, clock, 1)
    group = dingtalk_texts(fake_dingtalk.group_messages("cidESC=="))
    assert group == ["🚨 IT-1 [P1] 邮件服务器宕机 · 团队 it · 处理人 Bob · "
                     "解决超时，截止 2026-03-02 10:30（UTC）"]
