"""The guided dialogue on DingTalk, against the fake gateway: a change request typed without its
required fields is asked for them in the chat it was typed in, in Chinese; a bad answer is
asked again, the last one files the ticket (its card in the group), 取消 ends it, and a dialogue
left for longer than its expiry is dropped. A dialogue about a confidential ticket started in a
group is asked, and answered, in the person's 1:1 chat: the group never hears of it."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.models import DialogueRow, TicketRow
from tests.e2e.test_dingtalk import IT_GROUP, LI, ORG, TEMPLATE, ZHANG
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk, running

FORM = """\
workflows:
  - name: change_form
    base: change
    types: [change_request]
    fields:
      - {name: risk, kind: choice, choices: [low, medium, high], required: true, card: true,
         label: {en: Risk, zh-CN: 风险}}
      - {name: window, kind: date, required: true, card: true,
         label: {en: Change window, zh-CN: 变更窗口}}
"""


@pytest.fixture
async def dingtalk(database_url: str, tmp_path: Path, clock: FakeClock,
                   fake_dingtalk_gateway: FakeDingTalkGateway,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG + FORM, encoding="utf-8")
    async with running(fake_dingtalk_gateway, database_url, org, clock, monkeypatch,
                       template=TEMPLATE) as world:
        yield world


async def rows(world: DingTalk, table: type) -> int:
    async with world.app.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def test_the_group_is_asked_and_the_answers_file_the_ticket(dingtalk: DingTalk) -> None:
    group = dingtalk.group(IT_GROUP)
    await group.says(LI, "new type:change 升级核心交换机")
    # In the group, to the person asked: they answer there, @-mentioning the robot.
    assert group.texts()[-1] == ("@李雷 创建这张工单还需要回答 2 个问题（输入“取消”可随时停止）。  \n"
                                 "风险？low / medium / high")
    await group.says(LI, "极高")
    assert group.texts()[-1] == ("@李雷 risk 须为以下之一：low、medium、high（而不是“极高”）。"
                                 "请重新回答，或输入“取消”。  \n风险？low / medium / high")
    await group.says(LI, "HIGH")
    assert group.texts()[-1] == "@李雷 变更窗口？（日期，如 2026-12-12）"
    assert await rows(dingtalk, TicketRow) == 0
    await group.says(LI, "2026-12-12")
    async with dingtalk.app.engine.connect() as conn:
        ticket = (await conn.execute(select(TicketRow.key, TicketRow.fields,
                                            TicketRow.origin_channel))).one()
    assert ticket.fields == {"risk": "high", "window": "2026-12-12"}
    assert ticket.origin_channel == IT_GROUP  # raised in the group: its card lives there
    _, params = dingtalk.card(IT_GROUP, ticket.key)
    assert "升级核心交换机" in params["markdown"] and "**风险**：high" in params["markdown"]
    assert await rows(dingtalk, DialogueRow) == 0


async def test_cancel_in_chinese_and_expiry(dingtalk: DingTalk, clock: FakeClock) -> None:
    li = dingtalk.private(LI)
    await li.says("新建 类型:变更 升级核心交换机 risk=low")
    await li.says("取消")
    assert li.texts()[-1] == "已取消：没有创建工单。"
    await li.says("新建 类型:变更 升级核心交换机")
    await li.says("low")
    clock.advance(minutes=16)
    await li.says("2026-12-12")  # too late: read as a command
    assert li.texts()[-1] == "无法识别「2026-12-12」。发送 `help` 查看命令。"
    assert await rows(dingtalk, TicketRow) == 0 and await rows(dingtalk, DialogueRow) == 0


SECRET = """\
  - key: HR
    name: 人事（保密）
    default_team: hr
    confidential: true
workflows:
  - name: change_form
    base: change
    types: [change_request]
    fields:
      - {name: risk, kind: choice, choices: [low, medium, high], required: true, card: true,
         label: {en: Risk, zh-CN: 风险}}
      - {name: window, kind: date, required: true, card: true,
         label: {en: Change window, zh-CN: 变更窗口}}
      - {name: outcome, kind: choice, choices: [approved, declined],
         label: {en: Outcome, zh-CN: 结果}}
    transitions:
      - {action: resolve, from: [assigned, in_progress], to: resolved, who: [assignee, lead],
         requires: [resolution, outcome]}
"""


@pytest.fixture
async def secret(database_url: str, tmp_path: Path, clock: FakeClock,
                 fake_dingtalk_gateway: FakeDingTalkGateway,
                 monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    """An HR queue and team, confidential; the change form's resolve requires an outcome."""
    org = tmp_path / "org.yaml"
    hr_team = "  - {key: hr, name: 人事组, leads: [zhang], members: [], confidential: true}\n"
    org.write_text(ORG.replace("queues:\n", hr_team + "queues:\n") + SECRET, encoding="utf-8")
    async with running(fake_dingtalk_gateway, database_url, org, clock, monkeypatch,
                       template=TEMPLATE) as world:
        yield world


async def test_a_confidential_dialogue_is_asked_in_private(secret: DingTalk) -> None:
    group, li = secret.group(IT_GROUP), secret.private(LI)
    heard = len(group.texts())
    await group.says(LI, "new queue:HR type:change 调岗申请")
    assert li.texts()[-1] == ("创建这张工单还需要回答 2 个问题（输入“取消”可随时停止）。  \n"
                              "风险？low / medium / high")
    await li.says("high")  # answered in the 1:1 chat, where it was asked
    assert li.texts()[-1] == "变更窗口？（日期，如 2026-12-12）"
    await li.says("2026-12-12")
    async with secret.app.engine.connect() as conn:
        ticket = (await conn.execute(select(TicketRow.key, TicketRow.fields))).one()
    assert (ticket.key, ticket.fields) == ("HR-1", {"risk": "high", "window": "2026-12-12"})

    # A transition typed in the group that lacks a field: asked in the 1:1 chat as well.
    zhang = secret.private(ZHANG)
    await zhang.says("claim HR-1")
    await group.says(ZHANG, "resolve HR-1 已调岗")
    assert "结果？approved / declined" in zhang.texts()[-1], zhang.texts()
    await zhang.says("approved")
    async with secret.app.engine.connect() as conn:
        status, fields = (await conn.execute(select(TicketRow.status, TicketRow.fields))).one()
    assert (status, fields["outcome"]) == ("resolved", "approved")  # claimed, then resolved
    said = group.texts()[heard:]
    assert not [t for t in said if "HR-1" in t or "调岗" in t or "风险" in t or "结果" in t], said
    assert not [c for c in secret.gateway.cards.values()
                if c["openSpaceId"].endswith(IT_GROUP) and "HR-1" in str(c)]
    assert await rows(secret, DialogueRow) == 0
