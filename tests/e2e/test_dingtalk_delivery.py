"""DingTalk delivery at its seams: a 500 from the OpenAPI neither loses nor doubles a direct
answer or a group card, and cards do not wait behind the group's 20 messages a minute."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.dingtalk.retrying import CallRetry
from storage.models import OutboxRow
from tests.e2e.test_dingtalk import IT_GROUP, LI, ORG, TEMPLATE, WANG
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway
from tests.fakes.dingtalk_openapi import BATCH_SEND_PATH, CARD_CREATE_AND_DELIVER_PATH, CARD_UPDATE_PATH
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk, running

IN_PROCESS = CallRetry().attempts


@pytest.fixture
async def dingtalk(database_url: str, tmp_path: Path, clock: FakeClock,
                   fake_dingtalk_gateway: FakeDingTalkGateway,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    async with running(fake_dingtalk_gateway, database_url, org, clock, monkeypatch,
                       template=TEMPLATE) as world:
        yield world


async def outbox(dingtalk: DingTalk) -> list[tuple[str, str]]:
    """(event, status) of every outbox row, oldest first."""
    async with dingtalk.app.engine.connect() as conn:
        rows = await conn.execute(select(OutboxRow.event, OutboxRow.status).order_by(OutboxRow.id))
        return [(event, status) for event, status in rows]


async def test_a_direct_answer_is_delivered_once_after_a_500(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway) -> None:
    fake = fake_dingtalk_gateway
    me = dingtalk.private(LI)
    fake.fail_next(BATCH_SEND_PATH, status=500)
    await me.says("help")
    [answer] = me.texts()
    assert answer.startswith("可用命令")
    assert [c.status for c in fake.calls_to(BATCH_SEND_PATH)] == [500, 200]

    # DingTalk is away for longer than the sender's own retries: the reply waits and still goes.
    fake.fail_next(BATCH_SEND_PATH, status=503, count=IN_PROCESS + 1)
    await me.says("help")
    assert len(me.texts()) == 2
    assert [c.status for c in fake.calls_to(BATCH_SEND_PATH)][2:] == [503] * (IN_PROCESS + 1) + [200]


async def test_a_group_card_is_created_and_updated_once_after_500s(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway, clock: FakeClock) -> None:
    fake = fake_dingtalk_gateway
    group = dingtalk.group(IT_GROUP)
    fake.fail_next_calls(1)  # the card's creation (the token is cached already, or it is this)
    await group.says(LI, "new 打印机卡纸")
    track, card = dingtalk.card(IT_GROUP, "IT-1")
    assert card["status_text"] == "新建"
    assert [c.status for c in fake.calls_to(CARD_CREATE_AND_DELIVER_PATH)] in ([500, 200], [200])

    # Every in-process try of the update fails: the relay tries again later, and updates once.
    fake.fail_next(CARD_UPDATE_PATH, status=500, count=IN_PROCESS)
    await group.clicks(WANG, "IT-1", "claim")
    assert dingtalk.card(IT_GROUP, "IT-1")[1]["status_text"] == "新建"
    clock.advance(seconds=30)
    await dingtalk.settle()
    assert dingtalk.card(IT_GROUP, "IT-1")[1]["status_text"] == "处理中"
    assert len(fake.cards[track]["updates"]) == 1
    assert group.texts() == ["王芳 已开始处理 IT-1（打印机卡纸）。"]

    # A gateway loses DingTalk's answers to a creation (504: it may have happened): the relay
    # asks DingTalk whether the card exists (param.cardNotExist) and creates it, once.
    fake.fail_next(CARD_CREATE_AND_DELIVER_PATH, status=504, count=IN_PROCESS)
    await group.says(LI, "new 投影仪没有信号")
    assert len(fake.cards) == 1
    clock.advance(seconds=30)
    await dingtalk.settle()
    dingtalk.card(IT_GROUP, "IT-2")  # exactly one
    assert [c.status for c in fake.calls_to(CARD_UPDATE_PATH)][-1:] == [400]  # the look-up
    assert {status for _, status in await outbox(dingtalk)} == {"sent"}  # nothing dead


async def test_cards_do_not_wait_behind_the_groups_message_budget(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway, clock: FakeClock) -> None:
    """The group's 20 robot messages a minute (bursts of 5) are spent: cards, another API,
    are still created and updated at once; the change's line waits for a token."""
    dingtalk.relay = dingtalk.app.relay(dingtalk.senders)  # the deployed pacing
    now = clock.now().timestamp()
    for _ in range(5):
        assert await dingtalk.relay.limiter.take(f"dingtalk:{IT_GROUP}", now, 20 / 60, 5) == 0
    group = dingtalk.group(IT_GROUP)
    await group.says(LI, "new 打印机卡纸")
    dingtalk.card(IT_GROUP, "IT-1")
    await group.clicks(WANG, "IT-1", "claim")
    assert dingtalk.card(IT_GROUP, "IT-1")[1]["status_text"] == "处理中"
    assert group.texts() == []  # the line waits for the group's next token
    clock.advance(seconds=3)
    await dingtalk.settle()
    assert group.texts() == ["王芳 已开始处理 IT-1（打印机卡纸）。"]
