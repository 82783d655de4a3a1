"""`export 2026-11 [team …]` (导出) in chat: the asker gets a CSV and an XLSX of the period's
tickets; a requester is refused; bad input is answered; the console writes the files."""

import io
from pathlib import Path

import httpx
from openpyxl import load_workbook

from bot.answer_files import answer_files
from bot.bootstrap import App
from bot.console.session import ConsoleSession
from bot.dingtalk.replies import Conversation, Replier
from bot.senders.dingtalk import DingTalkSender
from notifications.catalogs import Catalogs
from tests.fakes.dingtalk_openapi import FakeDingTalk
from tests.integration.test_report_export import _month_of_work
from tests.support.chat import Chat
from tests.support.clock import FakeClock


async def test_an_agent_exports_the_month_as_csv_and_xlsx(app: App, clock: FakeClock) -> None:
    await _month_of_work(app, clock)
    reply = await Chat(app).user("bob").says("export 2026-11")
    assert reply.ok, reply.text
    assert reply.text == "Tickets of 2026-11: 3 rows (CSV and Excel)."
    files = answer_files(reply.answer, "slack", "U0BOB", "UTC", reply.text)
    assert [f.filename for f in files] == ["tickets-2026-11.csv", "tickets-2026-11.xlsx"]
    assert files[0].comment == reply.text and files[1].comment is None
    assert files[0].content.decode("utf-8-sig").count("\r\nIT-") == 3
    sheet = load_workbook(io.BytesIO(files[1].content)).active
    assert sheet is not None and [c.value for c in sheet["A"]][1:] == ["IT-1", "IT-2", "IT-3"]


async def test_a_team_export_and_the_chinese_verb(app: App, clock: FakeClock) -> None:
    await _month_of_work(app, clock)
    reply = await Chat(app).user("bob").says("导出 2026-11 team it")
    assert reply.ok, reply.text
    assert reply.answer.files[0].name == "tickets-2026-11-it"
    assert {row["team"] for row in reply.answer.files[0].rows} == {"it"}


async def test_a_requester_has_no_export_and_bad_input_gets_a_reason(
        app: App, clock: FakeClock) -> None:
    await _month_of_work(app, clock)
    chat = Chat(app)
    refused = await chat.user("alice").says("export 2026-11")
    assert not refused.ok and "Exports are for agents" in refused.text
    assert not refused.answer.files
    future = await chat.user("bob").says("export 2027-05")
    assert not future.ok and "2027-05 has not begun yet" in future.text
    bad = await chat.user("bob").says("export someday")
    assert not bad.ok and "is not a month" in bad.text
    empty = await chat.user("bob").says("export 2026-10")
    assert empty.ok and "No tickets in 2026-10" in empty.text and not empty.answer.files
    usage = await chat.user("bob").says("export")
    assert not usage.ok


async def test_the_console_writes_the_files_and_shows_where(app: App, clock: FakeClock,
                                                            tmp_path: Path) -> None:
    await _month_of_work(app, clock)
    lines: list[str] = []
    session = ConsoleSession(app, "bob", app.catalog(), lines.append)
    session.files.files_dir = tmp_path
    await session.handle("export 2026-11")
    assert "Tickets of 2026-11: 3 rows (CSV and Excel)." in lines
    assert f"  📎 tickets-2026-11.csv: {tmp_path / 'tickets-2026-11.csv'}" in lines
    assert f"  📎 tickets-2026-11.xlsx: {tmp_path / 'tickets-2026-11.xlsx'}" in lines
    assert _exists(tmp_path / "tickets-2026-11.xlsx")


def _exists(path: Path) -> bool:
    return path.exists()



async def test_a_report_in_the_console_comes_with_its_three_charts(
        app: App, clock: FakeClock, tmp_path: Path) -> None:
    await _month_of_work(app, clock)
    lines: list[str] = []
    session = ConsoleSession(app, "bob", app.catalog(), lines.append)
    session.files.files_dir = tmp_path
    await session.handle("report 2026-11")
    shown = [line for line in lines if line.startswith("  📎 ")]
    assert shown == [f"  📎 Tickets per week: created vs resolved: {tmp_path / 'trend.png'}",
                     f"  📎 SLA attainment by priority: {tmp_path / 'sla.png'}",
                     f"  📎 Resolution time: {tmp_path / 'resolution.png'}"]
    assert _read(tmp_path / "trend.png")[:8] == b"\x89PNG\r\n\x1a\n"


def _read(path: Path) -> bytes:
    return path.read_bytes()


async def test_in_dingtalk_the_files_reach_the_askers_one_to_one_chat(
        app: App, clock: FakeClock, fake_dingtalk: FakeDingTalk) -> None:
    await _month_of_work(app, clock)
    answer = (await Chat(app).user("bob").says("export 2026-11")).answer
    async with httpx.AsyncClient() as http:
        sender = DingTalkSender(http, fake_dingtalk.url, fake_dingtalk.app_key,
                                fake_dingtalk.app_secret, fake_dingtalk.robot_code, clock,
                                media_url=fake_dingtalk.url)
        replier = Replier(sender, app.uow, app.loaded.org, app.notify,
                          Catalogs(app.settings.tz), clock, cards=False)
        await replier.reply(Conversation(False, "cidPRIVATE", "staff-bob"), answer, "m-1")
    sent = fake_dingtalk.user_messages("staff-bob")
    assert [m["msgKey"] for m in sent] == ["sampleMarkdown", "sampleFile", "sampleFile"]
    assert "2026-11的工单：共 3 行" in sent[0]["msgParam"]["text"]  # DingTalk speaks zh-CN
    assert [m["msgParam"]["fileName"] for m in sent[1:]] == ["tickets-2026-11.csv",
                                                             "tickets-2026-11.xlsx"]
    assert all(fake_dingtalk.media[m["msgParam"]["mediaId"]]["type"] == "file" for m in sent[1:])
