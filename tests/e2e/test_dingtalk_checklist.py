"""A work order's checklist in its DingTalk card: one button per open item, a click ticks it
through `check` (same rules, audited), the card updated in place without that button."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.scheduler import schedules_tick
from storage.models import AuditRow, TicketRow
from tests.e2e.test_dingtalk import IT_GROUP, LI, ORG, TEMPLATE, WANG
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk, running
from workflows.priority import Priority
from workflows.schedule import CatchUp, Limits
from workflows.work_order import ChecklistItem, Schedule, Template, When

MONDAY_0900 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


@pytest.fixture
async def dingtalk(database_url: str, tmp_path: Path, clock: FakeClock,
                   fake_dingtalk_gateway: FakeDingTalkGateway,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    async with running(fake_dingtalk_gateway, database_url, org, clock, monkeypatch,
                       template=TEMPLATE) as world:
        yield world


async def work_order(world: DingTalk) -> None:
    app = world.app
    app.clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)  # type: ignore[attr-defined]
    schedule = Schedule(
        "机房巡检", Template("机房巡检 {date}", "it", Priority.P4, checklist=(
            ChecklistItem("UPS 指示灯正常"), ChecklistItem("记录温度", False))),
        When("FREQ=WEEKLY;BYDAY=MO", time(9), ZoneInfo("Asia/Shanghai"), date(2026, 12, 7)),
        "zhao", CatchUp.LATEST, Limits())
    schedule.first_due(app.loaded.org.sla.calendars, app.clock.now())
    async with app.uow() as uow:
        assert await uow.schedules.add(schedule, app.clock.now())
        await uow.commit()
    app.clock.current = MONDAY_0900 + timedelta(seconds=5)  # type: ignore[attr-defined]
    assert (await schedules_tick(app)).made == ["IT-1"]
    await world.settle()


async def checks(world: DingTalk) -> list[object]:
    async with world.app.engine.connect() as conn:
        return list((await conn.execute(select(AuditRow.changes)
                                        .where(AuditRow.action == "check"))).scalars())


async def test_one_button_per_open_item_ticks_it(dingtalk: DingTalk) -> None:
    await work_order(dingtalk)
    group = dingtalk.group(IT_GROUP)
    _, card = dingtalk.card(IT_GROUP, "IT-1")
    buttons = json.loads(card["actions"])
    ticks = [b for b in buttons if b["id"].startswith("check_")]
    assert [(b["id"], b["text"]) for b in ticks] == [
        ("check_1", "勾选 1. UPS 指示灯正常"), ("check_2", "勾选 2. 记录温度")]
    assert ticks[0]["params"] == {"action": "check", "key": "IT-1", "v": "1", "n": "1"}
    assert [i["done"] for i in json.loads(card["checklist"])] == [False, False]

    # The requester's side may not tick (the same rule as `check`): told privately, no change.
    await group.clicks(LI, "IT-1", "check_1")
    assert dingtalk.private_texts(LI)[-1] == "只有处理 IT-1 的人员可以勾选它的检查项。"
    assert await checks(dingtalk) == []

    click = await group.clicks(WANG, "IT-1", "check_1")
    second = await dingtalk.gateway.send_card_callback(click)  # a double click
    await dingtalk.gateway.wait_ack(second)
    await dingtalk.settle()
    assert await checks(dingtalk) == [{"item": [None, 1], "text": [None, "UPS 指示灯正常"]}]
    _, card = dingtalk.card(IT_GROUP, "IT-1")
    assert [b["id"] for b in json.loads(card["actions"]) if b["id"].startswith("check_")] == [
        "check_2"]
    items = json.loads(card["checklist"])
    assert (items[0]["done"], items[0]["by"]) == (True, "王芳")
    assert "☑ 1. UPS 指示灯正常（王芳 已勾选）" in card["markdown"]
    async with dingtalk.app.engine.connect() as conn:
        stored = (await conn.execute(select(TicketRow.checklist))).scalar_one()
    assert stored[0]["by"] == "王芳" and stored[1]["at"] is None
