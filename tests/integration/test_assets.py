"""The asset registry: from the organisation file or a CSV import (every row checked, nothing
saved when one is wrong); tickets name an asset (`new … asset:UPS-1`); `asset show` (资产)
lists its tickets; preventive maintenance per asset or per asset type."""

import argparse
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.asset_cli import run as import_assets
from bot.bootstrap import App, build_app
from bot.orgfile import SAMPLE, OrgFileError, load_org
from bot.scheduler import schedules_tick
from bot.settings import Settings
from storage.models import AssetRow, ScheduleRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock

ASSETS = """
assets:
  - {name: UPS-1, type: ups, location: Server room A, owner: dave, serial: SN-100}
  - {name: UPS-2, type: UPS, location: Server room B}
  - {name: PRN-3, type: printer, location: Floor 3}
"""
MONDAY_0900 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def org_file(tmp_path: Path, extra: str = ASSETS) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(SAMPLE.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


@pytest.fixture
async def app(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    settings = Settings(_env_file=None, database_url=database_url, org_file=org_file(tmp_path),
                        locale="en", timezone="UTC")
    application = await build_app(settings, clock=clock)
    yield application
    await application.aclose()


async def count(app: App, table: type) -> int:
    async with app.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


def test_a_bad_asset_in_the_file_names_its_line(tmp_path: Path) -> None:
    bad = ASSETS + "  - {name: UPS-1, type: ups}\n  - {name: AC 4, type: '', owner: nobody}\n"
    with pytest.raises(OrgFileError) as caught:
        load_org(org_file(tmp_path, bad))
    said = "\n".join(caught.value.problems)
    assert "“UPS-1” appears twice" in said
    assert "the name “AC 4” has spaces or is too long" in said
    assert "the type is missing" in said and "the owner “nobody” is not a person" in said
    assert f"{tmp_path / 'org.yaml'}:" in said  # each with its line


async def test_a_ticket_names_its_asset_and_asset_show_lists_them(app: App) -> None:
    chat = Chat(app)
    first = await chat.user("alice").says("new asset:ups-1 UPS beeping")
    assert first.text.splitlines()[0].startswith("Created IT-1")
    await chat.user("alice").says("new P4 paper jam asset:PRN-3")
    await chat.user("bob").says("new asset:UPS-1 UPS battery test")
    shown = await chat.user("bob").says("show IT-1")
    assert "│ Asset: UPS-1" in shown.text + (shown.card or "")
    listed = (await chat.user("bob").says("asset show ups-1")).text
    lines = listed.splitlines()
    assert lines[0] == "Asset UPS-1 · ups · Server room A · owner dave · serial SN-100"
    assert lines[1] == "2 tickets:"
    assert [line.split()[1] for line in lines[2:]] == ["IT-3", "IT-1"]  # newest first
    chinese = (await chat.user("bob").says("资产 PRN-3")).text
    assert "PRN-3" in chinese and "IT-2" in chinese
    assert (await chat.user("bob").says("asset UPS-2")).text.endswith("No tickets name it yet.")


async def test_csv_import_checks_every_row_and_saves_all_or_nothing(
        app: App, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "assets.csv"
    good.write_text("Name,Type,Location,Owner,Serial\nUPS-1,ups,Room C,bob,SN-101\n"
                    "AC-7,aircon,Floor 2,,AC-0007\n", encoding="utf-8")
    args = argparse.Namespace(file=good, locale=None)
    assert await import_assets(app.settings, args) == 0
    assert capsys.readouterr().out.strip() == (
        "Imported 2 assets from assets.csv: 1 new, 1 updated.")
    async with app.uow() as uow:
        updated = await uow.assets.get("UPS-1")
        added = await uow.assets.get("ac-7")
    assert updated is not None and (updated.location, updated.owner) == ("Room C", "bob")
    assert added is not None and added.type == "aircon"
    before = await count(app, AssetRow)

    bad = tmp_path / "bad.csv"
    bad.write_text("name,type,owner\nAC-8,aircon,\n,printer,\nAC-9,,nobody\nAC-8,aircon,\n",
                   encoding="utf-8")
    assert await import_assets(app.settings, argparse.Namespace(file=bad, locale=None)) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "Nothing was imported from bad.csv:",
        "line 3: the name is missing",
        "line 4: the type is missing (ups, printer, …)",
        "line 4: the owner “nobody” is not a person of the organisation",
        "line 5: “AC-8” appears twice",
    ]
    header = tmp_path / "header.csv"
    header.write_text("name,kind\nAC-10,aircon\n", encoding="utf-8")
    assert await import_assets(app.settings, argparse.Namespace(file=header, locale=None)) == 1
    assert capsys.readouterr().err.strip().splitlines()[1] == (
        "line 1: the columns must be name, type, location, owner, serial (name and type "
        "required); found: name, kind")
    zh = argparse.Namespace(file=bad, locale="zh-CN")
    assert await import_assets(app.settings, zh) == 1
    assert capsys.readouterr().err.strip().splitlines()[:2] == [
        "未从 bad.csv 导入任何内容：", "第 3 行：缺少名称"]
    assert await count(app, AssetRow) == before  # nothing saved


async def test_preventive_maintenance_per_asset_type_and_per_asset(
        app: App, clock: FakeClock) -> None:
    chat = Chat(app)
    clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    said = (await chat.user("dave").says(
        'schedule add "UPS PM" every monday 09:00 team:it assettype:ups tz:Asia/Shanghai')).text
    assert said.startswith("Schedule “UPS PM” saved")
    await chat.user("dave").says(
        'schedule add "Printer 3 PM" every monday 09:00 team:it asset:prn-3 tz:Asia/Shanghai')
    refused = (await chat.user("dave").says(
        'schedule add "AC PM" every monday 09:00 team:it asset:AC-9 tz:Asia/Shanghai')).text
    assert refused.startswith("Understood: every Monday at 09:00 Asia/Shanghai, next: ")
    assert refused.endswith("But there is no asset “AC-9” in the registry. Nothing was saved.")
    no_type = (await chat.user("dave").says(
        'schedule add "AC PM" every monday 09:00 team:it assettype:aircon')).text
    assert "no registered asset is of type “aircon”" in no_type
    assert await count(app, ScheduleRow) == 2

    clock.current = MONDAY_0900 + timedelta(seconds=5)
    report = await schedules_tick(app)
    assert len(report.made) == 3 and report.late == 0
    async with app.engine.connect() as conn:
        made = sorted((await conn.execute(select(TicketRow.title, TicketRow.asset))).tuples())
    assert made == [("Printer 3 PM", "PRN-3"), ("UPS PM UPS-1", "UPS-1"),
                    ("UPS PM UPS-2", "UPS-2")]
    listed = (await chat.user("bob").says("asset show UPS-2")).text
    assert "UPS PM UPS-2" in listed
