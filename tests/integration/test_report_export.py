"""`ticketbot report export`: a month's tickets as CSV and XLSX whose values are the report's
figures (the same tickets, the same clocks), and clear answers to bad input."""

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from bot.bootstrap import App, build_app
from bot.cli import main
from bot.digest_compose import agents_of
from bot.report_export import ExportRefused, export_month
from bot.settings import Settings
from commands.ports import ReportQuery
from storage.models import TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from workflows.checklist import CheckItem
from workflows.reports.metrics import Scope, build_report
from workflows.reports.period import Period
from workflows.reports.stats import median


async def _month_of_work(app: App, clock: FakeClock) -> None:
    clock.current = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    chat = Chat(app)
    for title in ("Printer jam", "Laptop slow", "Monitor flickers"):
        assert (await chat.user("alice").says(f"new P3 {title}")).ok
    steps = [("bob", "claim IT-1"), ("bob", "resolve IT-1 new toner"), ("bob", "claim IT-2"),
             ("bob", "resolve IT-2 replaced the disk"), ("alice", "rate IT-2 4 quick, thanks")]
    for index, (who, text) in enumerate(steps):
        clock.advance(hours=2) if index == 1 else clock.advance(days=3) if index == 3 else None
        reply = await chat.user(who).says(text)
        assert reply.ok, reply.text
    clock.current = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def _report(app: App):  # type: ignore[no-untyped-def]
    period = Period("month", datetime(2026, 11, 1).date(), app.settings.tz)
    async with app.uow() as uow:
        facts = await uow.reports.facts(ReportQuery(period.previous().start, period.end))
    return build_report(facts, period, Scope(), app.clock.now(), agents_of(app.loaded.org))


async def test_the_export_says_what_the_report_says(app: App, clock: FakeClock) -> None:
    await _month_of_work(app, clock)
    export = await export_month(app, "2026-11")
    report = await _report(app)

    rows = list(csv.DictReader(io.StringIO(export.csv.decode("utf-8-sig"))))
    assert [r["key"] for r in rows] == ["IT-1", "IT-2", "IT-3"]
    assert sum(r["created_in_period"] == "yes" for r in rows) == report.current.created == 3
    assert sum(r["resolved_in_period"] == "yes" for r in rows) == report.current.resolved == 2
    assert sum(r["open_at_end"] == "yes" for r in rows) == report.current.backlog == 1
    business = [float(r["resolution_business_seconds"]) for r in rows
                if r["resolution_business_seconds"]]
    assert median(business) == report.current.resolution.business.median
    wall = [float(r["resolution_wall_seconds"]) for r in rows if r["resolution_wall_seconds"]]
    assert median(wall) == report.current.resolution.wall.median == (2 * 3600 + (2 * 3600 + 3 * 86400)) / 2
    it2 = rows[1]
    assert (it2["csat_score"], it2["csat_comment"], it2["csat_for"]) == ("4", "quick, thanks", "bob")
    assert it2["assignee_at_end"] == "bob" and it2["resolved_by"] == "bob"
    assert rows[0]["created_at"] == "2026-11-03 09:00:00"
    assert rows[0]["one_touch"] == "yes"
    assert [r["title"] for r in rows] == ["Printer jam", "Laptop slow", "Monitor flickers"]
    assert [r["checklist"] for r in rows] == ["", "", ""]  # none of them is a work order

    sheet = load_workbook(io.BytesIO(export.xlsx)).active
    assert sheet is not None
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    header = table[0]
    assert header == list(rows[0].keys())
    by_key = {row[0]: dict(zip(header, row, strict=True)) for row in table[1:]}
    assert by_key["IT-2"]["resolution_wall_seconds"] == 2 * 3600 + 3 * 86400
    assert by_key["IT-2"]["csat_score"] == 4
    assert by_key["IT-1"]["created_at"] == datetime(2026, 11, 3, 9, 0)
    assert by_key["IT-3"]["resolved_at"] is None
    assert by_key["IT-2"]["title"] == "Laptop slow"


async def _give_checklist(app: App, key: str) -> None:
    """The steps a schedule's work order carries (workflows/checklist.py), the first ticked."""
    steps = [CheckItem("UPS lights green", done_by="Bob",
                       done_at=datetime(2026, 11, 10, 9, 0, tzinfo=UTC)),
             CheckItem("Battery test"), CheckItem("Note the temperature", required=False)]
    async with app.engine.begin() as conn:
        await conn.execute(update(TicketRow).where(TicketRow.key == key).values(
            checklist=[step.to_json() for step in steps]))


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
async def test_the_export_has_each_tickets_title_and_checklist(
        app: App, clock: FakeClock, locale: str) -> None:
    await _month_of_work(app, clock)
    await _give_checklist(app, "IT-3")
    expected = "1/3 done; open: Battery test | Note the temperature (optional)"

    export = await export_month(app, "2026-11")
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(export.csv.decode("utf-8-sig")))}
    assert (rows["IT-3"]["title"], rows["IT-3"]["checklist"]) == ("Monitor flickers", expected)
    assert rows["IT-1"]["checklist"] == ""
    sheet = load_workbook(io.BytesIO(export.xlsx)).active
    assert sheet is not None
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    by_key = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert (by_key["IT-3"]["title"], by_key["IT-3"]["checklist"]) == ("Monitor flickers", expected)

    # The chat command's files carry the same columns, under a caption in the reader's words.
    reply = await Chat(app, locale).user("bob").says("export 2026-11")
    assert reply.text == {"en": "Tickets of 2026-11: 3 rows (CSV and Excel).",
                          "zh-CN": "2026-11的工单：共 3 行（逗号分隔文件与电子表格）。"}[locale]
    (table_file,) = reply.answer.files
    shown = {row["key"]: row for row in table_file.rows}
    assert (shown["IT-3"]["title"], shown["IT-3"]["checklist"]) == ("Monitor flickers", expected)


async def test_a_formula_typed_into_a_title_is_not_run_by_a_spreadsheet(
        app: App, clock: FakeClock) -> None:
    await _month_of_work(app, clock)
    clock.current = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert (await Chat(app).user("alice").says("rate IT-1 5 =SUM(A1) great")).ok
    clock.current = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    export = await export_month(app, "2026-11")
    assert b"'=SUM(A1) great" in export.csv and b",=" not in export.csv
    sheet = load_workbook(io.BytesIO(export.xlsx)).active
    assert sheet is not None
    assert not any(str(c.value).startswith("=") for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize(("month", "team", "key"), [
    ("2026-13", None, "report_files.export.bad_period"),
    ("November", None, "report_files.export.bad_period"),
    ("2027-01", None, "report_files.export.future"),
    ("2026-11", "nosuchteam", "report_files.export.unknown_team"),
    ("2026-10", None, "report_files.export.empty"),
])
async def test_bad_input_is_refused_with_a_reason(app: App, clock: FakeClock, month: str,
                                                  team: str | None, key: str) -> None:
    await _month_of_work(app, clock)
    with pytest.raises(ExportRefused) as refused:
        await export_month(app, month, team)
    assert refused.value.key == key


def test_the_cli_writes_xlsx_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    async def work() -> None:
        app = await build_app(settings, clock=FakeClock())
        try:
            await _month_of_work(app, app.clock)  # type: ignore[arg-type]
        finally:
            await app.aclose()

    asyncio.run(work())
    monkeypatch.setenv("TICKETBOT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TICKETBOT_LOCALE", "en")
    monkeypatch.setenv("TICKETBOT_TIMEZONE", "UTC")
    monkeypatch.delenv("TICKETBOT_ORG_FILE", raising=False)
    out = tmp_path / "out" / "nov.xlsx"
    assert main(["report", "export", "--month", "2026-11", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"Wrote 3 tickets to {out}."
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.max_row == 4
    assert main(["report", "export", "--month", "2026-11", "--team", "IT Support",
                 "--out", str(tmp_path / "nov.csv")]) == 0
    assert (tmp_path / "nov.csv").read_bytes().decode("utf-8-sig").count("\r\nIT-") == 3
    assert main(["report", "export", "--month", "2026-10", "--out", str(out)]) == 1
    assert "No tickets in 2026-10" in capsys.readouterr().err
    assert main(["report", "export", "--month", "2026-11", "--out", str(tmp_path / "x.txt")]) == 2
