"""The Feishu sender (lark-oapi's client) against the fake Open API: tokens, Feishu's error
codes, retries of what may pass a moment later, one message per outbox row."""

import pytest

from bot.senders.feishu import FeishuSender
from notifications.catalogs import Catalogs
from notifications.senders import DeliveryError, Outgoing
from tests.fakes.feishu_openapi import MESSAGES_PATH, TOKEN_PATH, FakeFeishu
from tests.support.clock import FakeClock


class Waits(list[float]):
    """The pauses tenacity asked for, taken at once: no test sleeps."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _sender(fake: FakeFeishu, clock: FakeClock, secret: str | None = None,
            waits: Waits | None = None) -> FeishuSender:
    return FeishuSender(fake.url, fake.app_id, secret or fake.app_secret, clock,
                        catalogs=Catalogs(clock.now().tzinfo),  # type: ignore[arg-type]
                        sleep=waits if waits is not None else Waits())


def _text(address: str, key: str = "outbox:1") -> Outgoing:
    return Outgoing("feishu", address, "IT-1 已转派给你", "IT-1", key)


async def test_a_retried_row_is_sent_once_and_a_refused_token_is_renewed(
        fake_feishu: FakeFeishu, clock: FakeClock) -> None:
    sender = _sender(fake_feishu, clock)
    first = await sender.send(_text("ou_li"), check_duplicate=False)
    again = await sender.send(_text("ou_li"), check_duplicate=True)  # the same outbox row
    assert first == again and [m.text for m in fake_feishu.to_user("ou_li")] == ["IT-1 已转派给你"]
    fake_feishu.tokens.clear()  # Feishu forgot the token: 99991663, then a new one
    await sender.send(_text("ou_li", "outbox:2"), check_duplicate=False)
    assert len(fake_feishu.calls_to(f"POST {TOKEN_PATH}")) == 2
    assert len(fake_feishu.to_user("ou_li")) == 2
    # The token is kept on the clock: the next call within its lifetime fetches none.
    await sender.send(_text("ou_li", "outbox:3"), check_duplicate=False)
    assert len(fake_feishu.calls_to(f"POST {TOKEN_PATH}")) == 2
    clock.advance(hours=2)
    await sender.send(_text("ou_li", "outbox:4"), check_duplicate=False)
    assert len(fake_feishu.calls_to(f"POST {TOKEN_PATH}")) == 3


async def test_a_failing_gateway_is_retried_and_the_message_sent_once(
        fake_feishu: FakeFeishu, clock: FakeClock) -> None:
    waits = Waits()
    sender = _sender(fake_feishu, clock, waits=waits)
    fake_feishu.fail_next(MESSAGES_PATH, 503, count=2)
    await sender.send(_text("ou_li"), check_duplicate=False)
    assert [m.text for m in fake_feishu.to_user("ou_li")] == ["IT-1 已转派给你"]
    assert len(waits) == 2 and waits[0] < waits[1]  # backing off

    fake_feishu.fail_next(MESSAGES_PATH, 500, count=3)  # longer than the sender waits
    with pytest.raises(DeliveryError) as caught:
        await sender.send(_text("ou_li", "outbox:2"), check_duplicate=False)
    assert not caught.value.permanent  # the relay tries again later
    assert len(fake_feishu.to_user("ou_li")) == 1


async def test_feishu_errors_become_delivery_errors(fake_feishu: FakeFeishu,
                                                    clock: FakeClock) -> None:
    sender = _sender(fake_feishu, clock)
    with pytest.raises(DeliveryError) as caught:  # the app is not in that group
        await sender.send(_text("oc_elsewhere"), check_duplicate=False)
    assert caught.value.permanent and "230002" in str(caught.value)
    fake_feishu.throttle_next = 1
    with pytest.raises(DeliveryError) as caught:
        await sender.send(_text("ou_li"), check_duplicate=False)
    assert caught.value.rate_limited and caught.value.retry_after == 2.0
    assert not caught.value.permanent
    with pytest.raises(DeliveryError) as caught:
        await _sender(fake_feishu, clock, secret="wrong").token()
    assert caught.value.permanent
    assert fake_feishu.calls_to(f"POST {MESSAGES_PATH}")[-1].status == 429
