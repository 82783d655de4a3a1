"""The sample's new-laptop request on DingTalk: an own ticket type (`类型:笔记本`) whose workflow
asks the requester's manager, then the IT lead, each on an interactive card in their one-to-one
chat with the robot. A non-approver's click is refused with who decides, a double click approves
once, the SLA sweep reminds the awaited lead, and the lead's rejection reaches the group."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.scheduler import sla_tick
from storage.models import AuditRow, TicketRow
from tests.e2e.test_dingtalk import IT_GROUP, LI, ORG, TEMPLATE, WANG, ZHANG, ZHAO
from tests.e2e.test_dingtalk_approvals import dm_card, press
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk, running
from tests.support.sample_workflows import sample_laptop_yaml


@pytest.fixture
async def dingtalk(database_url: str, tmp_path: Path, clock: FakeClock,
                   fake_dingtalk_gateway: FakeDingTalkGateway,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    org = tmp_path / "org.yaml"
    # li's manager is zhang; zhao leads IT.
    text = ORG.replace("dingtalk_id: staff-li}", "dingtalk_id: staff-li, manager: zhang}")
    org.write_text(text + sample_laptop_yaml(), encoding="utf-8")
    async with running(fake_dingtalk_gateway, database_url, org, clock, monkeypatch,
                       template=TEMPLATE) as world:
        yield world


async def stored(world: DingTalk) -> tuple[str, str | None, str, str | None]:
    async with world.app.engine.connect() as conn:
        row = (await conn.execute(select(TicketRow.status, TicketRow.workflow_status,
                                         TicketRow.type, TicketRow.custom_type))).one()
    return row.status, row.workflow_status, row.type, row.custom_type


async def decided(world: DingTalk) -> list[tuple[str, list[str]]]:
    async with world.app.engine.connect() as conn:
        rows = (await conn.execute(select(AuditRow.action, AuditRow.changes).where(
            AuditRow.action.in_(["approve", "reject"])).order_by(AuditRow.id))).all()
    return [(r.action, r.changes["approval"]) for r in rows]


async def test_a_laptop_request_on_dingtalk_cards(dingtalk: DingTalk, clock: FakeClock) -> None:
    group = dingtalk.group(IT_GROUP)
    await group.says(LI, "新建 类型:笔记本 新员工的笔记本电脑")
    await group.says(WANG, "claim IT-1")
    await group.says(WANG, "pend IT-1 提交审批")
    assert await stored(dingtalk) == ("pending", "manager_ok", "service_request",
                                      "laptop_request")
    manager = dm_card(dingtalk, ZHANG, "IT-1")
    assert {b["id"]: b["text"] for b in json.loads(manager[1]["actions"])} == {
        "approve": "批准", "reject": "驳回"}
    assert "**类型**：新笔记本申请" in manager[1]["markdown"], manager[1]["markdown"]
    assert "已批准：— · 待审批：zhang" in manager[1]["markdown"]

    before = len(dingtalk.private(ZHAO).texts())
    await press(dingtalk, ZHAO, manager, "approve")  # the IT lead: not yet his turn
    assert dingtalk.private(ZHAO).texts()[before:] == [
        "IT-1 处于待经理审批，您不是审批人：由 zhang 审批。"]
    await press(dingtalk, ZHANG, manager, "approve")
    await press(dingtalk, ZHANG, manager, "approve")  # a double click
    assert await decided(dingtalk) == [("approve", ["manager_ok", "zhang"])]
    assert await stored(dingtalk) == ("in_progress", "it_ok", "service_request",
                                      "laptop_request")

    lead = dm_card(dingtalk, ZHAO, "IT-1")
    assert "已批准：— · 待审批：zhao" in lead[1]["markdown"], lead[1]["markdown"]
    before = len(dingtalk.private(ZHAO).texts())
    clock.advance(hours=4, minutes=1)  # the lead's step reminds after 4h
    await sla_tick(dingtalk.app)
    await sla_tick(dingtalk.app)  # a second sweep reminds nobody again
    await dingtalk.settle()
    reminders = [t for t in dingtalk.private(ZHAO).texts()[before:] if t.startswith("🔁")]
    assert reminders == ["🔁 IT-1（新员工的笔记本电脑）仍在等待您审批：`批准 IT-1` 或 "
                         "`驳回 IT-1 <原因>`。"]

    before = len(dingtalk.private(ZHAO).texts())
    await press(dingtalk, ZHAO, lead, "reject")
    assert dingtalk.private(ZHAO).texts()[before:] == ["驳回需要说明原因：`驳回 IT-1 <原因>`。"]
    await dingtalk.private(ZHAO).says("驳回 IT-1 先用库存的笔记本")
    assert await stored(dingtalk) == ("cancelled", "declined", "service_request",
                                      "laptop_request")
    assert any("先用库存的笔记本" in text for text in group.texts()), group.texts()
    assert await decided(dingtalk) == [("approve", ["manager_ok", "zhang"]),
                                       ("reject", ["it_ok", "zhao"])]
