"""Schedules declared in the organisation file: read like the chat command, errors with the
file's line, added to the database at start-up without losing progress on a restart."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.bootstrap import build_app
from bot.orgfile import SAMPLE, OrgFileError, load_org
from bot.scheduler import schedules_tick
from bot.settings import Settings
from tests.support.clock import FakeClock

SCHEDULES = """
schedules:
  - name: morning round
    every: every workday
    at: "09:00"
    calendar: shanghai
    team: it
    priority: P4
    checklist: [UPS lights green, {text: Note the room temperature, required: false}]
  - name: 月末备份检查
    every: 每月最后一个工作日
    at: "17:00"
    team: it
"""


def org_file(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(SAMPLE.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def test_a_bad_schedule_names_its_line(tmp_path: Path) -> None:
    path = org_file(tmp_path, SCHEDULES.replace("every workday", "every blursday")
                    .replace("team: it\n", "team: nope\n", 1))
    with pytest.raises(OrgFileError) as caught:
        load_org(path)
    assert any("schedules[0].every: cannot read 'every blursday'" in p
               for p in caught.value.problems), caught.value.problems


async def test_file_schedules_are_added_once_and_make_work_orders(
        database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    path = org_file(tmp_path, SCHEDULES)
    assert [s.name for s in load_org(path).schedules] == ["morning round", "月末备份检查"]
    settings = Settings(_env_file=None, database_url=database_url, org_file=path, locale="en",
                        timezone="UTC")
    clock.current = datetime(2026, 12, 3, 2, tzinfo=UTC)
    app = await build_app(settings, clock=clock)
    again = await build_app(settings, clock=clock)  # a restart, or a second replica
    try:
        async with app.uow() as uow:
            stored = await uow.schedules.all()
        assert sorted(s.name for s in stored) == ["morning round", "月末备份检查"]
        assert {s.origin for s in stored} == {"orgfile"}
        # No `start:` in the file: the schedules start the day they were added, by the clock.
        assert {s.when.start for s in stored} == {date(2026, 12, 3)}
        clock.current = datetime(2026, 12, 4, 1, 0, 30, tzinfo=UTC)
        assert (await schedules_tick(app)).made == ["IT-1"]
        assert (await schedules_tick(again)).made == []
        clock.current = datetime(2026, 12, 16, 3, tzinfo=UTC)
        later = await build_app(settings, clock=clock)  # a restart two weeks on
        await later.aclose()
        async with app.uow() as uow:
            kept = await uow.schedules.all()
        assert {s.when.start for s in kept} == {date(2026, 12, 3)}  # the anchor does not move
    finally:
        await app.aclose()
        await again.aclose()
