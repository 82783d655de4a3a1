"""The DingTalk sender's card path and throttling answers, against the fake OpenAPI."""

from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.dingtalk.retrying import CallRetry
from bot.senders.dingtalk import DingTalkSender, out_track_id
from notifications.catalogs import Catalogs
from notifications.senders import DeliveryError, Outgoing
from tests.fakes.dingtalk_openapi import (
    CARD_CREATE_AND_DELIVER_PATH,
    CARD_UPDATE_PATH,
    GROUP_SEND_PATH,
    FakeDingTalk,
)
from tests.support.clock import FakeClock

CARD = {"key": "IT-3", "title": "打印机卡纸", "description": "", "status": "assigned",
        "priority": "P3", "type": "incident", "category": None, "team": "IT 支持",
        "requester": {"label": "李雷", "slack_id": None, "dingtalk_id": "staff-li"},
        "assignee": {"label": "王芳", "slack_id": None, "dingtalk_id": "staff-wang"},
        "collaborators": [], "due": None, "resolution": None, "pending_reason": None,
        "version": 1, "actions": ["claim", "transfer"]}


def card_message(thread: str | None = None, card: dict | None = None) -> Outgoing:
    return Outgoing("dingtalk", "cidGROUP==", "IT-3 · 打印机卡纸（已指派，P3）", "IT-3",
                    "IT-3:v0:card:dingtalk:cidGROUP==", thread, card=card or CARD, locale="zh-CN")


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def attempts() -> int:
    return CallRetry().attempts


@pytest.fixture
async def sender(fake_dingtalk: FakeDingTalk, waits: list[float], attempts: int
                 ) -> AsyncIterator[DingTalkSender]:
    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    async with httpx.AsyncClient() as http:
        yield DingTalkSender(http, fake_dingtalk.url, fake_dingtalk.app_key, fake_dingtalk.app_secret,
                             fake_dingtalk.robot_code, FakeClock(),
                             catalogs=Catalogs(ZoneInfo("Asia/Shanghai")), card_template_id="tpl.schema",
                             retry=CallRetry(attempts=attempts), sleep=no_wait)


async def test_a_card_is_created_and_delivered_then_updated_in_place(
        sender: DingTalkSender, fake_dingtalk: FakeDingTalk) -> None:
    track = await sender.send(card_message(), check_duplicate=False)
    assert track == out_track_id(card_message())
    body = fake_dingtalk.calls_to(CARD_CREATE_AND_DELIVER_PATH)[0].args
    assert body["openSpaceId"] == "dtv1.card//IM_GROUP.cidGROUP=="
    assert body["imGroupOpenDeliverModel"] == {"robotCode": fake_dingtalk.robot_code,
                                               "atUserIds": {"staff-wang": "王芳"}}
    assert body["imGroupOpenSpaceModel"]["lastMessageI18n"] == {"ZH_CN": "IT-3 · 打印机卡纸（已指派，P3）"}
    assert (body["userIdType"], body["callbackType"]) == (1, "STREAM")

    again = await sender.send(card_message(track, {**CARD, "status": "in_progress", "version": 2}),
                              check_duplicate=False)
    assert again == track
    params = fake_dingtalk.cards[track]["cardData"]["cardParamMap"]
    assert (params["status_text"], params["version"]) == ("处理中", "2")
    update = fake_dingtalk.calls_to(CARD_UPDATE_PATH)[0].args
    assert update["cardUpdateOptions"] == {"updateCardDataByKey": True}


@pytest.mark.parametrize("attempts", [1])  # no in-process retry: the relay's next attempt
async def test_an_uncertain_card_is_looked_for_before_it_is_created_again(
        sender: DingTalkSender, fake_dingtalk: FakeDingTalk) -> None:
    # The first attempt reached DingTalk but its answer was lost.
    fake_dingtalk.fail_next(CARD_CREATE_AND_DELIVER_PATH, status=200, delay=1.0)
    with pytest.raises(DeliveryError) as lost:
        sender.http.timeout = httpx.Timeout(0.2)
        await sender.send(card_message(), check_duplicate=False)
    assert lost.value.maybe_sent
    sender.http.timeout = httpx.Timeout(5.0)
    track = await sender.send(card_message(), check_duplicate=True)
    assert len(fake_dingtalk.calls_to(CARD_CREATE_AND_DELIVER_PATH)) == 1
    assert list(fake_dingtalk.cards) == [track]


@pytest.mark.parametrize("attempts", [1])
async def test_a_card_dingtalk_says_it_does_not_know_is_created(
        sender: DingTalkSender, fake_dingtalk: FakeDingTalk) -> None:
    """The look-up of an uncertain card is answered 400 param.cardNotExist (the "更新卡片" error
    table): never created, so it is created now."""
    track = await sender.send(card_message(), check_duplicate=True)
    assert [c.status for c in fake_dingtalk.calls_to(CARD_UPDATE_PATH)] == [400]
    assert [c.status for c in fake_dingtalk.calls_to(CARD_CREATE_AND_DELIVER_PATH)] == [200]
    assert list(fake_dingtalk.cards) == [track]


async def test_a_500_on_the_look_up_never_creates_a_second_card(
        sender: DingTalkSender, fake_dingtalk: FakeDingTalk, attempts: int) -> None:
    track = await sender.send(card_message(), check_duplicate=False)
    fake_dingtalk.fail_next(CARD_UPDATE_PATH, status=500, count=attempts)  # system.busy, every try
    with pytest.raises(DeliveryError) as busy:
        await sender.send(card_message(), check_duplicate=True)
    assert not busy.value.permanent  # the relay tries again later
    assert [c.status for c in fake_dingtalk.calls_to(CARD_UPDATE_PATH)] == [500] * attempts
    assert len(fake_dingtalk.calls_to(CARD_CREATE_AND_DELIVER_PATH)) == 1
    assert list(fake_dingtalk.cards) == [track]
    # DingTalk recovers: the look-up finds the card and refreshes it; still one card.
    assert await sender.send(card_message(), check_duplicate=True) == track
    assert list(fake_dingtalk.cards) == [track]


async def test_a_lost_answer_is_retried_in_process_and_finds_the_card_it_created(
        sender: DingTalkSender, fake_dingtalk: FakeDingTalk) -> None:
    fake_dingtalk.fail_next(CARD_CREATE_AND_DELIVER_PATH, status=200, delay=1.0)
    sender.http.timeout = httpx.Timeout(0.2)
    track = await sender.send(card_message(), check_duplicate=False)
    # The repeat is refused as param.cardAlreadyExist: the first attempt did create it.
    assert [c.status for c in fake_dingtalk.calls_to(CARD_CREATE_AND_DELIVER_PATH)] == [200, 400]
    assert list(fake_dingtalk.cards) == [track]


async def test_a_500_is_retried_in_process_and_the_message_sent_once(
        sender: DingTalkSender, fake_dingtalk: FakeDingTalk, waits: list[float]) -> None:
    fake_dingtalk.fail_next_calls(2)  # the first two calls, whatever they are
    text = Outgoing("dingtalk", "cidGROUP==", "hello", "hello", "k1")
    assert await sender.send(text, check_duplicate=False)
    assert len(fake_dingtalk.group_messages("cidGROUP==")) == 1
    assert [c.status for c in fake_dingtalk.calls] == [500, 500, 200, 200]  # token twice, token, send
    assert len(waits) == 2 and all(0 < w <= 4 for w in waits)  # backoff with jitter


@pytest.mark.parametrize(("code", "wait"), [("130101", 60.0), ("90018", 2.0)])
async def test_legacy_throttling_in_a_200_answer_is_not_taken_for_success(
        sender: DingTalkSender, fake_dingtalk: FakeDingTalk, waits: list[float], code: str,
        wait: float) -> None:
    fake_dingtalk.fail_next(GROUP_SEND_PATH, code=code)
    text = Outgoing("dingtalk", "cidGROUP==", "hello", "hello", "k1")
    with pytest.raises(DeliveryError) as throttled:
        await sender.send(text, check_duplicate=False)
    # Waiting as long as DingTalk asks is the caller's (the relay re-queues the row).
    assert (throttled.value.rate_limited, throttled.value.retry_after) == (True, wait)
    assert waits == []
    assert await sender.send(text, check_duplicate=False)
    assert len(fake_dingtalk.group_messages("cidGROUP==")) == 1


async def test_without_a_template_a_new_card_is_markdown_and_updates_are_skipped(
        fake_dingtalk: FakeDingTalk) -> None:
    async with httpx.AsyncClient() as http:
        plain = DingTalkSender(http, fake_dingtalk.url, fake_dingtalk.app_key, fake_dingtalk.app_secret,
                               fake_dingtalk.robot_code, FakeClock())
        assert await plain.send(card_message(), check_duplicate=False)
        assert await plain.send(card_message("ticket-IT-3-x"), check_duplicate=False) == "ticket-IT-3-x"
    [sent] = fake_dingtalk.group_messages("cidGROUP==")
    assert sent["msgKey"] == "sampleMarkdown"
    assert sent["msgParam"]["text"].startswith("#### IT-3 · 打印机卡纸")
    assert fake_dingtalk.cards == {}
