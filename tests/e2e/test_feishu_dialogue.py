"""The guided dialogue on Feishu about a confidential ticket, against the fake Open API: a
change request filed to a confidential HR queue with @app in a group, lacking its required
fields, is asked for them in the person's 1:1 chat with the app and answered there; a
transition typed in the group that lacks a field is asked there too. The group never hears of
the ticket, its title or the questions."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.models import DialogueRow, TicketRow
from tests.e2e.test_dingtalk_dialogue import SECRET  # the HR queue and the change form
from tests.fakes.feishu_openapi import FakeFeishu
from tests.support.clock import FakeClock
from tests.support.feishu import IT, LI, ORG, ZHANG, Feishu, User, running

TITLE = "调岗申请"


@pytest.fixture
async def feishu(database_url: str, tmp_path: Path, clock: FakeClock, fake_feishu: FakeFeishu,
                 monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Feishu]:
    """An HR queue and team, confidential; the change form's resolve requires an outcome."""
    fake_feishu.chats.add(IT)
    org = tmp_path / "org.yaml"
    hr_team = "  - {key: hr, name: 人事组, leads: [zhang], members: [], confidential: true}\n"
    org.write_text(ORG.replace("queues:\n", hr_team + "queues:\n") + SECRET, encoding="utf-8")
    async with running(fake_feishu, database_url, org, clock, monkeypatch) as world:
        yield world


def direct(fake: FakeFeishu, user: User) -> list[str]:
    """The app's texts in the person's 1:1 chat: sent to them, or replies to what they wrote
    there."""
    chats = (f"p2p:{user.open_id}", f"oc_p2p_{user.open_id}")
    return [m.text for m in fake.messages.values()
            if m.sender is None and m.chat_id in chats and m.text is not None]


async def count(world: Feishu, table: type) -> int:
    async with world.app.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def test_a_confidential_dialogue_is_asked_in_private(feishu: Feishu,
                                                           fake_feishu: FakeFeishu) -> None:
    await feishu.says(LI, f"new queue:HR type:change {TITLE}", chat=IT)
    assert direct(fake_feishu, LI)[-1] == ("创建这张工单还需要回答 2 个问题（输入“取消”可随时停止）。\n"
                                           "风险？low / medium / high")
    await feishu.says(LI, "high")  # answered in the 1:1 chat, where it was asked
    assert direct(fake_feishu, LI)[-1] == "变更窗口？（日期，如 2026-12-12）"
    assert await count(feishu, TicketRow) == 0
    await feishu.says(LI, "2026-12-12")
    async with feishu.app.engine.connect() as conn:
        ticket = (await conn.execute(select(TicketRow.key, TicketRow.fields))).one()
    assert (ticket.key, ticket.fields) == ("HR-1", {"risk": "high", "window": "2026-12-12"})

    # A transition typed in the group that lacks a field: asked in the 1:1 chat as well.
    await feishu.says(ZHANG, "claim HR-1")
    await feishu.says(ZHANG, "resolve HR-1 已调岗", chat=IT)
    assert "结果？approved / declined" in direct(fake_feishu, ZHANG)[-1], direct(
        fake_feishu, ZHANG)
    await feishu.says(ZHANG, "approved")
    async with feishu.app.engine.connect() as conn:
        status, fields = (await conn.execute(select(TicketRow.status, TicketRow.fields))).one()
    assert (status, fields["outcome"]) == ("resolved", "approved")
    assert await count(feishu, DialogueRow) == 0

    await feishu.says(LI, "new 打印机卡纸", chat=IT)  # IT-1, ordinary: its card in the group
    group = [json.dumps(m.content, ensure_ascii=False) for m in fake_feishu.in_chat(IT)]
    assert any("IT-1" in m for m in group)  # the fake does record what the group hears
    assert not [m for m in group if any(s in m for s in ("HR-1", TITLE, "风险", "结果"))], group
