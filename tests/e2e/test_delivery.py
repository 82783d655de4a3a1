"""The outbox delivered through the real senders to the fake Slack Web API and DingTalk OpenAPI."""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.bootstrap import App, build_app
from bot.platforms import DINGTALK, SLACK
from bot.senders.dingtalk import DingTalkSender
from bot.senders.slack import SlackSender
from bot.settings import Settings
from notifications.relay import Relay, RetryPolicy
from storage.engine import session_factory
from storage.models import OutboxRow
from storage.outbox import SqlOutboxStore
from tests.fakes.dingtalk_openapi import FakeDingTalk
from tests.fakes.slack_web import FakeSlack
from tests.support.chat import Chat
from tests.support.clock import FakeClock

ORG = """\
default_queue: IT
people:
  - {handle: alice, name: Alice, slack_id: U0ALICE}
  - {handle: bob, name: Bob, slack_id: U0BOB}
  - {handle: li, name: 李雷, dingtalk_id: staff-li}
  - {handle: wang, name: 王芳, dingtalk_id: staff-wang}
teams:
  - {key: it, name: IT Support, leads: [bob], members: [bob, wang]}
queues:
  - key: IT
    name: Help desk
    default_team: it
    channels: {slack: C0ITDESK, dingtalk: cidITGROUP==}
"""


@pytest.fixture
async def platform_app(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org)
    app = await build_app(settings, clock=clock,
                          platforms=frozenset({SLACK, DINGTALK}))
    yield app
    await app.aclose()


@pytest.fixture
async def relay(platform_app: App, fake_slack: FakeSlack, fake_dingtalk: FakeDingTalk,
                clock: FakeClock) -> AsyncIterator[Relay]:
    async with httpx.AsyncClient(timeout=5) as http:
        senders = {
            "slack": SlackSender(AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url)),
            "dingtalk": DingTalkSender(http, fake_dingtalk.url, fake_dingtalk.app_key,
                                       fake_dingtalk.app_secret, fake_dingtalk.robot_code, clock),
        }
        yield platform_app.relay(senders, pacing={},
                                 retry=RetryPolicy(max_attempts=10, base=1, cap=30))


async def drain(relay: Relay, clock: FakeClock, rounds: int = 1, step: float = 0) -> None:
    for _ in range(rounds):
        while await relay.run_once():
            pass
        clock.advance(seconds=step)


def texts(messages: list[dict]) -> list[str]:
    return [m["text"] for m in messages]


def dingtalk_texts(messages: list[dict]) -> list[str]:
    return [m["msgParam"]["text"] for m in messages]


async def test_slack_channel_and_direct_messages(platform_app: App, relay: Relay,
                                                 fake_slack: FakeSlack, clock: FakeClock) -> None:
    chat = Chat(platform_app)
    await chat.user("U0ALICE", SLACK).says("new P2 Wifi down <!channel> on floor 2")
    await chat.user("U0BOB", SLACK).says("claim IT-1")
    await drain(relay, clock)
    # The channel holds the ticket's card, updated in place, and the change in its thread.
    card, line = fake_slack.messages("C0ITDESK")
    assert card["text"] == "IT-1 · Wifi down &lt;!channel&gt; on floor 2 (In progress, P2)"
    assert "edited" in card
    assert (line["text"], line["thread_ts"]) == (
        "Bob is now working on IT-1 (Wifi down &lt;!channel&gt; on floor 2).", card["ts"])
    blocks = Block.parse_all(card["blocks"])
    for block in blocks:
        block.validate_json()
    assert blocks[0].text.text == "*IT-1* · Wifi down &lt;!channel&gt; on floor 2"
    fields = [f.text for f in blocks[0].fields]
    assert fields[:4] == ["*Status*\nIn progress", "*Priority*\nP2", "*Requester*\n<@U0ALICE>",
                          "*Assignee*\n<@U0BOB>"]
    buttons = [e.action_id for e in blocks[-1].elements]
    assert buttons == ["ticket:transfer", "ticket:note", "ticket:pend", "ticket:resolve",
                       "ticket:urge"]
    dm = fake_slack.im_channel("U0ALICE")
    assert texts(fake_slack.messages(dm)) == [
        "Bob is now working on IT-1 (Wifi down &lt;!channel&gt; on floor 2)."]
    posted = fake_slack.calls_to("chat.postMessage")[0].args
    assert posted["metadata"]["event_payload"]["key"] == "IT-1:v0:card:slack:C0ITDESK"
    assert posted["unfurl_links"] is False


async def test_slack_429_is_waited_out_and_delivered_once(
        platform_app: App, relay: Relay, fake_slack: FakeSlack, clock: FakeClock) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=7)
    await Chat(platform_app).user("U0ALICE", SLACK).says("new Printer offline")
    await drain(relay, clock)
    assert fake_slack.messages("C0ITDESK") == []
    clock.advance(seconds=6)
    await drain(relay, clock)
    assert fake_slack.messages("C0ITDESK") == []
    clock.advance(seconds=1)
    await drain(relay, clock)
    assert texts(fake_slack.messages("C0ITDESK")) == ["IT-1 · Printer offline (New, P3)"]
    assert fake_slack.ratelimited == 1


async def test_slack_down_for_a_while_loses_and_doubles_nothing(
        platform_app: App, relay: Relay, fake_slack: FakeSlack, clock: FakeClock) -> None:
    chat = Chat(platform_app)
    alice, bob = chat.user("U0ALICE", SLACK), chat.user("U0BOB", SLACK)
    fake_slack.down = True
    await alice.says("new Laptop will not charge")
    await bob.says("claim IT-1")
    await bob.says("pend IT-1 waiting for a new charger")
    await bob.says("resume IT-1")
    await bob.says("resolve IT-1 replaced the charger")
    await drain(relay, clock, rounds=4, step=30)
    assert fake_slack.messages("C0ITDESK") == []
    fake_slack.down = False
    await drain(relay, clock, rounds=12, step=30)
    assert texts(fake_slack.messages(fake_slack.im_channel("U0ALICE"))) == [
        "Bob is now working on IT-1 (Laptop will not charge).",
        "IT-1 (Laptop will not charge) is waiting: waiting for a new charger",
        "IT-1 (Laptop will not charge) is resolved: replaced the charger. "
        "Reply `reopen IT-1` if it is not fixed.",
    ]
    assert texts(fake_slack.messages("C0ITDESK")) == [
        "IT-1 · Laptop will not charge (Resolved, P3)",
        "Bob is now working on IT-1 (Laptop will not charge).",
        "IT-1 (Laptop will not charge) is waiting: waiting for a new charger",
        "IT-1 (Laptop will not charge) is back in progress (Bob).",
        "IT-1 (Laptop will not charge) is resolved: replaced the charger. "
        "Reply `reopen IT-1` if it is not fixed.",
    ]
    card = fake_slack.messages("C0ITDESK")[0]
    assert all(m["thread_ts"] == card["ts"] for m in fake_slack.messages("C0ITDESK")[1:])


async def test_slack_crash_after_posting_is_not_posted_again(
        platform_app: App, relay: Relay, fake_slack: FakeSlack, clock: FakeClock) -> None:
    await Chat(platform_app).user("U0ALICE", SLACK).says("new Monitor flickers")
    # A relay claims the row, posts it, and dies before recording the delivery.
    store = SqlOutboxStore(session_factory(platform_app.engine))
    claimed = await store.claim(clock.now(), 10, timedelta(seconds=60))
    [row] = [r for r in claimed if r.platform == "slack"]
    await AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url).chat_postMessage(
        channel=row.address, text="IT-1 · Monitor flickers (New, P3)",
        metadata={"event_type": "ticketbot_notification",
                  "event_payload": {"key": row.idempotency_key}})
    clock.advance(seconds=61)
    await drain(relay, clock)
    assert len(fake_slack.messages("C0ITDESK")) == 1
    assert len(fake_slack.calls_to("conversations.history")) == 1
    async with platform_app.engine.connect() as conn:
        statuses = (await conn.execute(select(OutboxRow.status))).scalars().all()
    assert set(statuses) == {"sent"}


async def test_unknown_slack_channel_is_a_dead_letter(
        platform_app: App, relay: Relay, fake_slack: FakeSlack, clock: FakeClock) -> None:
    fake_slack.fail_next("chat.postMessage", status=200, error="channel_not_found")
    await Chat(platform_app).user("U0ALICE", SLACK).says("new Door badge broken")
    await drain(relay, clock)
    async with platform_app.engine.connect() as conn:
        row = (await conn.execute(select(OutboxRow.status, OutboxRow.last_error).where(
            OutboxRow.platform == "slack"))).one()
    assert tuple(row) == ("dead", "Slack refused: channel_not_found")


async def test_dingtalk_group_and_direct_messages_in_chinese(
        platform_app: App, relay: Relay, fake_dingtalk: FakeDingTalk, clock: FakeClock) -> None:
    chat = Chat(platform_app)
    await chat.user("staff-li", DINGTALK).says("新建 P2 打印机*无法*联网")
    await chat.user("staff-wang", DINGTALK).says("领取 IT-1")
    await drain(relay, clock)
    assert dingtalk_texts(fake_dingtalk.group_messages("cidITGROUP==")) == [
        "李雷 提交了 P2 工单 IT-1：打印机＊无法＊联网 · 未指派，发送 `claim IT-1` 领取",
        "王芳 已开始处理 IT-1（打印机＊无法＊联网）。",
    ]
    assert dingtalk_texts(fake_dingtalk.user_messages("staff-li")) == [
        "王芳 已开始处理 IT-1（打印机＊无法＊联网）。"]
    sent = fake_dingtalk.calls_to("/v1.0/robot/oToMessages/batchSend")[0]
    assert sent.args["msgKey"] == "sampleMarkdown"
    assert sent.args["msgParam"]["title"] == "IT-1 · 打印机*无法*联网"  # plain text
    # One token served every call.
    assert len(fake_dingtalk.calls_to("/v1.0/oauth2/accessToken")) == 1


async def test_dingtalk_throttling_and_token_expiry_are_handled(
        platform_app: App, relay: Relay, fake_dingtalk: FakeDingTalk, clock: FakeClock) -> None:
    fake_dingtalk.fail_next("/v1.0/robot/groupMessages/send",
                            code="Forbidden.AccessDenied.QpsLimitForAppkeyAndApi")
    chat = Chat(platform_app)
    await chat.user("staff-li", DINGTALK).says("新建 显示器闪烁")
    await drain(relay, clock)
    assert fake_dingtalk.group_messages("cidITGROUP==") == []
    clock.advance(seconds=2)
    await drain(relay, clock)
    assert len(fake_dingtalk.group_messages("cidITGROUP==")) == 1
    # The platform forgets the token early: the sender fetches a new one and sends anyway.
    fake_dingtalk.expire_tokens()
    await chat.user("staff-wang", DINGTALK).says("领取 IT-1")
    await drain(relay, clock)
    assert len(fake_dingtalk.group_messages("cidITGROUP==")) == 2
    assert len(fake_dingtalk.calls_to("/v1.0/oauth2/accessToken")) == 2
