"""The Feishu sender against the fake Open API: tokens, Feishu's error codes, one message per
outbox row."""

import httpx
import pytest

from bot.senders.feishu import FeishuSender
from notifications.catalogs import Catalogs
from notifications.senders import DeliveryError, Outgoing
from tests.fakes.feishu_openapi import MESSAGES_PATH, TOKEN_PATH, FakeFeishu
from tests.support.clock import FakeClock


def _sender(fake: FakeFeishu, http: httpx.AsyncClient, clock: FakeClock,
            secret: str | None = None) -> FeishuSender:
    return FeishuSender(http, fake.url, fake.app_id, secret or fake.app_secret, clock,
                        catalogs=Catalogs(clock.now().tzinfo))  # type: ignore[arg-type]


def _text(address: str, key: str = "outbox:1") -> Outgoing:
    return Outgoing("feishu", address, "IT-1 已转派给你", "IT-1", key)


async def test_a_retried_row_is_sent_once_and_a_refused_token_is_renewed(
        fake_feishu: FakeFeishu, clock: FakeClock) -> None:
    async with httpx.AsyncClient() as http:
        sender = _sender(fake_feishu, http, clock)
        first = await sender.send(_text("ou_li"), check_duplicate=False)
        again = await sender.send(_text("ou_li"), check_duplicate=True)  # the same outbox row
        assert first == again and [m.text for m in fake_feishu.to_user("ou_li")] == [
            "IT-1 已转派给你"]
        fake_feishu.tokens.clear()  # Feishu forgot the token: 99991663, then a new one
        await sender.send(_text("ou_li", "outbox:2"), check_duplicate=False)
    assert len(fake_feishu.calls_to(f"POST {TOKEN_PATH}")) == 2
    assert len(fake_feishu.to_user("ou_li")) == 2


async def test_feishu_errors_become_delivery_errors(fake_feishu: FakeFeishu,
                                                    clock: FakeClock) -> None:
    async with httpx.AsyncClient() as http:
        sender = _sender(fake_feishu, http, clock)
        with pytest.raises(DeliveryError) as caught:  # the app is not in that group
            await sender.send(_text("oc_elsewhere"), check_duplicate=False)
        assert caught.value.permanent and "230002" in str(caught.value)
        fake_feishu.throttle_next = 1
        with pytest.raises(DeliveryError) as caught:
            await sender.send(_text("ou_li"), check_duplicate=False)
        assert caught.value.rate_limited and caught.value.retry_after == 2.0
        assert not caught.value.permanent
        with pytest.raises(DeliveryError) as caught:
            await _sender(fake_feishu, http, clock, secret="wrong").token()
        assert caught.value.permanent
    assert fake_feishu.calls_to(f"POST {MESSAGES_PATH}")[-1].status == 429
