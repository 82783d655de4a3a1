"""The guided dialogue in the console: a `new` or a transition lacking required fields asks them
one at a time, re-asks a bad answer (nothing saved), runs the command with the answers, and
ends on `cancel`/取消, on another command, or when it expires (the injectable clock)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.bootstrap import App, build_app
from bot.orgfile import SAMPLE
from bot.settings import Settings
from storage.models import DialogueRow, OutboxRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock


def guided_org(tmp_path: Path) -> Path:
    """The sample with the change window required and resolving needing the rollback plan."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("{name: window, kind: date, card: true,",
                        "{name: window, kind: date, required: true, card: true,", 1)
    text = text.replace("{name: rollback_plan, kind: long_text,",
                        "{name: rollback_plan, kind: long_text, required: true,", 1)
    text = text.replace("who: [assignee, lead, admin],\n         requires: [resolution]}",
                        "who: [assignee, lead, admin],\n         requires: [resolution, approver]}",
                        1)
    text = text.replace("      - {name: rollback_plan,",
                        "      - {name: approver, kind: person, label: {en: Checked by, zh-CN: 核查人}}\n"
                        "      - {name: rollback_plan,", 1)
    org = tmp_path / "org.yaml"
    org.write_text(text, encoding="utf-8")
    return org


@pytest.fixture
async def guided(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    app = await build_app(Settings(_env_file=None, database_url=database_url,
                                   org_file=guided_org(tmp_path), locale="en", timezone="UTC"),
                          clock=clock)
    try:
        yield app
    finally:
        await app.aclose()


async def count(app: App, table: type) -> int:
    async with app.engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(table))).scalar_one()


async def test_the_missing_fields_are_asked_and_the_ticket_made_with_them(guided: App) -> None:
    alice = Chat(guided).user("alice")
    asked = await alice.says("new type:change risk=high Upgrade the core switch")
    assert asked.ok and asked.answer.ticket is None
    assert asked.text == ("To file this ticket I need 2 more answers (type `cancel` to stop).\n"
                          "Change window? (a date such as 2026-12-12)")
    bad = await alice.says("12/12")
    assert bad.text == ("window must be a date such as 2026-12-12 (not “12/12”). Try again, or "
                        "type `cancel`.\nChange window? (a date such as 2026-12-12)")
    assert await count(guided, TicketRow) == 0
    second = await alice.says("2026-12-12")
    assert second.text == "Rollback plan? (some text)"
    created = await alice.says("restore the saved config")
    assert created.ok and created.answer.ticket is not None, created.text
    ticket = created.answer.ticket
    assert ticket.title == "Upgrade the core switch"
    assert ticket.fields == {"risk": "high", "window": "2026-12-12",
                             "rollback_plan": "restore the saved config"}
    assert "│ Change window: 2026-12-12" in created.card
    assert await count(guided, DialogueRow) == 0
    # Over: the next message is a command again.
    assert (await alice.says("2026-12-13")).answer.key == "error.unknown_command"


async def test_inline_values_skip_the_questions(guided: App) -> None:
    created = await Chat(guided).user("alice").says(
        "new type:change window=2026-12-12 rollback_plan=reload Upgrade the core switch")
    assert created.ok and created.answer.ticket is not None
    assert await count(guided, DialogueRow) == 0


async def test_cancel_ends_it_and_nothing_is_made(guided: App) -> None:
    alice = Chat(guided).user("alice")
    await alice.says("new type:change Upgrade the core switch")
    cancelled = await alice.says("cancel")
    assert cancelled.text == "Cancelled: no ticket was created."
    assert await count(guided, TicketRow) == 0 and await count(guided, DialogueRow) == 0


async def test_a_chinese_reader_is_asked_in_chinese(guided: App) -> None:
    zh = Chat(guided, "zh-CN")
    li = zh.user("alice")
    assert (await li.says("language zh-CN")).ok
    asked = await li.says("新建 类型:变更 升级核心交换机")
    assert asked.text == ("创建这张工单还需要回答 2 个问题（输入“取消”可随时停止）。\n"
                          "变更窗口？（日期，如 2026-12-12）")
    bad = await li.says("下周六")
    assert bad.text == ("window 须为日期，如 2026-12-12（而不是“下周六”）。请重新回答，或输入“取消”。\n"
                        "变更窗口？（日期，如 2026-12-12）")
    cancelled = await li.says("取消")
    assert cancelled.text == "已取消：没有创建工单。"
    assert await count(guided, TicketRow) == 0


async def test_an_expired_dialogue_is_dropped(guided: App, clock: FakeClock) -> None:
    alice = Chat(guided).user("alice")
    await alice.says("new type:change Upgrade the core switch")
    clock.advance(minutes=14)
    assert (await alice.says("2026-12-12")).text == "Rollback plan? (some text)"
    clock.advance(minutes=16)  # 15 minutes after the last answer
    late = await alice.says("restore the saved config")
    assert late.answer.key == "error.unknown_command"
    assert await count(guided, TicketRow) == 0 and await count(guided, DialogueRow) == 0


async def test_another_command_instead_of_an_answer_is_run(guided: App) -> None:
    alice = Chat(guided).user("alice")
    await alice.says("new type:change Upgrade the core switch")
    listed = await alice.says("list mine")
    assert listed.text == "Assigned to you:\nNothing here."
    assert await count(guided, DialogueRow) == 0
    # Another person, or the same person elsewhere, has a dialogue of their own.
    await alice.says("new type:change Upgrade the core switch")
    assert (await Chat(guided).user("bob").says("2026-12-12")).answer.key == (
        "error.unknown_command")
    assert (await alice.in_channel("#it").says("2026-12-12")).answer.key == (
        "error.unknown_command")
    assert (await alice.says("2026-12-12")).text == "Rollback plan? (some text)"


async def test_a_transition_asks_the_fields_it_requires(guided: App) -> None:
    chat = Chat(guided)
    created = await chat.user("alice").says(
        "new type:change window=2026-12-12 rollback_plan=reload Upgrade the core switch")
    key = created.answer.ticket.key
    assert (await chat.user("bob").says(f"claim {key}")).ok
    asked = await chat.user("bob").says(f"resolve {key} switch upgraded")
    assert asked.text == (f"To resolve {key} I need 1 more answer (type `cancel` to stop).\n"
                          "Checked by? (a person, such as @alice)")
    bad = await chat.user("bob").says("not a person!")
    assert bad.text.startswith("approver must be a person, such as @alice")
    done = await chat.user("bob").says("@dave")
    assert done.ok, done.text
    assert done.answer.ticket.status.value == "resolved"
    assert done.answer.ticket.fields["approver"] == "dave"
    history = (await chat.user("bob").says(f"history {key}")).text
    assert "approver" in history
    # Cancelled: the ticket is left as it was.
    other = await chat.user("alice").says(
        "new type:change window=2026-12-19 rollback_plan=reload Replace the router")
    key2 = other.answer.ticket.key
    assert (await chat.user("bob").says(f"claim {key2}")).ok
    await chat.user("bob").says(f"resolve {key2} done")
    assert (await chat.user("bob").says("cancel")).text == f"Cancelled: {key2} was not changed."
    shown = await chat.user("bob").says(f"show {key2}")
    assert shown.answer.ticket.status.value != "resolved"


async def test_a_confidential_dialogue_is_asked_in_the_direct_chat(guided: App) -> None:
    """Started in a channel about an HR ticket, its questions are private answers (never said
    in the channel) and are answered in the person's direct chat; no channel hears of it."""
    chat = Chat(guided)
    alice = chat.user("alice")
    asked = await alice.in_channel("#general").says(
        "new queue:HR type:change risk=low Move me to another team")
    assert asked.text == ("To file this ticket I need 2 more answers (type `cancel` to stop).\n"
                          "Change window? (a date such as 2026-12-12)")
    assert not asked.answer.public
    # Typed in the channel, an answer is not one: the dialogue lives in the direct chat.
    assert (await alice.in_channel("#general").says("2026-12-12")).answer.key == (
        "error.unknown_command")
    assert (await alice.says("2026-12-12")).text == "Rollback plan? (some text)"
    created = await alice.says("stay in the current team")  # filed as typed in the channel
    assert created.text == ("Your request was filed privately: its details are in your direct "
                            "messages.")
    key = "HR-1"
    shown = await alice.says(f"show {key}")
    assert shown.answer.ticket.fields == {"risk": "low", "window": "2026-12-12",
                                          "rollback_plan": "stay in the current team"}

    # A transition typed in a channel that lacks a field is asked in the direct chat as well.
    heidi = chat.user("heidi")
    assert (await heidi.says(f"claim {key}")).ok
    asked = await heidi.in_channel("#it-triage").says(f"resolve {key} moved")
    assert asked.text == (f"To resolve {key} I need 1 more answer (type `cancel` to stop).\n"
                          "Checked by? (a person, such as @alice)")
    assert not asked.answer.public
    done = await heidi.says("@ivan")
    assert done.ok and done.answer.ticket.status.value == "resolved", done.text
    assert await count(guided, DialogueRow) == 0
    async with guided.engine.connect() as connection:
        rows = (await connection.execute(select(OutboxRow.address, OutboxRow.ticket_key,
                                                OutboxRow.params))).all()
    assert [r for r in rows if r.ticket_key == key]  # the insiders are told, directly
    assert not [r for r in rows if r.address.startswith("#") and (
        r.ticket_key == key or "Move me" in str(r.params))]
