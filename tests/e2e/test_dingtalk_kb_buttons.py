"""The knowledge base's buttons on DingTalk interactive cards: card callbacks shaped as the
stream delivers them, the cards the fake OpenAPI holds."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import TicketRow
from tests.e2e.test_dingtalk import IT_GROUP, LI, ORG, TEMPLATE, WANG
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk, running


@pytest.fixture
async def dingtalk(database_url: str, tmp_path: Path, clock: FakeClock,
                   fake_dingtalk_gateway: FakeDingTalkGateway,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    async with running(fake_dingtalk_gateway, database_url, org, clock, monkeypatch,
                       template=TEMPLATE) as world:
        yield world


def offered(dingtalk: DingTalk, key: str) -> dict[str, str]:
    """The card's buttons with an argument: text by id."""
    _, params = dingtalk.card(IT_GROUP, key)
    return {b["id"]: b["text"] for b in json.loads(params["actions"]) if ":" in b["id"]}


async def statuses(dingtalk: DingTalk) -> list[str]:
    async with dingtalk.app.engine.connect() as conn:
        return list((await conn.execute(select(TicketRow.status)
                                        .order_by(TicketRow.number))).scalars())


async def test_solved_by_and_merge_on_the_group_cards(dingtalk: DingTalk) -> None:
    group = dingtalk.group(IT_GROUP)
    await dingtalk.private(WANG).says("kb new 打印机卡纸 -- 打开后盖取出卡住的纸张，再重启打印机。")
    await group.says(LI, "new 打印机卡纸")
    assert offered(dingtalk, "IT-1") == {"kb_solved:KB-1": "已由 KB-1 解决"}
    await group.says(LI, "new 打印机卡纸了")
    assert offered(dingtalk, "IT-2")["merge:IT-1"] == "合并到 IT-1"

    await group.clicks(LI, "IT-2", "merge:IT-1")  # the requester may not merge
    assert await statuses(dingtalk) == ["new", "new"]
    await group.clicks(WANG, "IT-2", "merge:IT-1")
    assert await statuses(dingtalk) == ["new", "closed"]
    await group.clicks(LI, "IT-1", "kb_solved:KB-1")
    assert await statuses(dingtalk) == ["resolved", "closed"]
    _, card = dingtalk.card(IT_GROUP, "IT-1")
    assert card["status_text"] == "已解决" and offered(dingtalk, "IT-1") == {}
