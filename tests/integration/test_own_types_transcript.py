"""The sample organisation's own ticket types walked in the console: a new-laptop request (the
requester's manager, then the IT lead, then IT fulfils it) and an access request (the system's
owner decides). A refused approver hears who decides, a double approval approves once, a
rejection puts its reason in the thread, and the SLA sweep reminds the awaited approvers (for
both types)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import App, build_app
from bot.orgfile import SAMPLE
from bot.scheduler import sla_tick
from bot.settings import Settings
from storage.models import AuditRow, OutboxRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock


async def stored(app: App, key: str) -> tuple[str, str | None, str, str | None]:
    async with app.engine.connect() as connection:
        row = (await connection.execute(
            select(TicketRow.status, TicketRow.workflow_status, TicketRow.type,
                   TicketRow.custom_type).where(TicketRow.key == key))).one()
    return row.status, row.workflow_status, row.type, row.custom_type


async def outbox(app: App, event: str) -> list[OutboxRow]:
    async with app.engine.connect() as connection:
        return list((await connection.execute(
            select(OutboxRow).where(OutboxRow.event == event).order_by(OutboxRow.id))).all())


async def decisions(app: App, key: str) -> list[tuple[str, list[str]]]:
    async with app.engine.connect() as connection:
        ticket_id = (await connection.execute(
            select(TicketRow.id).where(TicketRow.key == key))).scalar_one()
        rows = (await connection.execute(
            select(AuditRow.action, AuditRow.changes)
            .where(AuditRow.ticket_id == ticket_id).order_by(AuditRow.id))).all()
    return [(r.action, r.changes["approval"]) for r in rows if "approval" in (r.changes or {})]


async def submitted_laptop(chat: Chat) -> str:
    created = await chat.user("alice").says("new type:laptop New laptop for the new hire")
    assert created.ok, created.text
    key = created.answer.ticket.key
    assert "New laptop" in created.card  # the type's name on the card
    assert (await chat.user("bob").says(f"claim {key}")).ok
    sent = await chat.user("bob").says(f"pend {key} needs the approvals")
    assert "Awaiting manager" in sent.card, sent.card
    return key


async def test_a_laptop_request_is_approved_twice_then_fulfilled(chat: Chat, app: App) -> None:
    key = await submitted_laptop(chat)
    assert await stored(app, key) == ("pending", "manager_ok", "service_request",
                                      "laptop_request")
    asked = await outbox(app, "approval_request")
    assert [r.address for r in asked] == ["carol"]  # alice's manager, by direct message

    refused = await chat.user("dave").says(f"approve {key}")  # the IT lead: not yet his turn
    assert not refused.ok
    assert refused.text == (f"You are not an approver of {key} while it is Awaiting manager: "
                            "carol decides.")
    first = await chat.user("carol").says(f"approve {key}")
    assert first.text.splitlines()[0] == (
        f"{key} is approved: it is now Awaiting IT lead. Approved by carol; awaited: dave.")
    assert "Awaiting IT lead" in first.card
    assert first.buttons.count("approve") == 0  # carol is no approver of the second step
    twice = await chat.user("carol").says(f"approve {key}")  # a double click, one step late
    assert twice.text == (f"You are not an approver of {key} while it is Awaiting IT lead: "
                          "dave decides.")
    assert [r.address for r in await outbox(app, "approval_request")] == ["carol", "dave"]

    second = await chat.user("dave").says(f"approve {key}")
    assert second.text.splitlines()[0] == (
        f"{key} is approved: it is now In progress. Approved by dave.")
    assert await stored(app, key) == ("in_progress", None, "service_request", "laptop_request")
    again = await chat.user("dave").says(f"approve {key}")
    assert again.text == f"{key} is not waiting for an approval now (it is In progress)."
    assert await decisions(app, key) == [("approve", ["manager_ok", "carol"]),
                                         ("approve", ["it_ok", "dave"])]

    done = await chat.user("bob").says(f"resolve {key} handed over a standard laptop")
    assert done.ok, done.text
    assert (await stored(app, key))[0] == "resolved"
    history = (await chat.user("dave").says(f"history {key}")).text
    assert "Carol  Approve (Awaiting manager → Awaiting IT lead)" in history
    assert "Dave  Approve (Awaiting IT lead → In progress)" in history


async def test_the_manager_declines_a_laptop_with_a_reason(chat: Chat, app: App) -> None:
    key = await submitted_laptop(chat)
    bare = await chat.user("carol").says(f"reject {key}")
    assert not bare.ok and "reject <ticket> <reason>" in bare.text
    declined = await chat.user("carol").says(f"reject {key} the old one is fine")
    assert declined.text.splitlines()[0] == (
        f"You rejected {key}: the old one is fine. It is now Declined.")
    assert await stored(app, key) == ("cancelled", "declined", "service_request",
                                      "laptop_request")
    thread = await outbox(app, "reject")
    assert thread and all(r.params.get("reason") == "the old one is fine" for r in thread)
    history = (await chat.user("dave").says(f"history {key}")).text
    assert "Carol  Reject (Awaiting manager → Declined) · reason: the old one is fine" in history


async def test_the_awaited_manager_is_reminded_once(
        chat: Chat, app: App, clock) -> None:  # type: ignore[no-untyped-def]
    key = await submitted_laptop(chat)
    # remind_after: 4h; not before, and once per visit to the step however often it sweeps.
    for minutes, reminded in ((239, []), (2, ["carol"]), (60, ["carol"])):
        clock.advance(minutes=minutes)
        await sla_tick(app)
        assert [r.address for r in await outbox(app, "approval_reminder")] == reminded
    history = (await chat.user("dave").says(f"history {key}")).text
    assert history.count("Approval reminder") == 1


async def test_an_access_request_is_decided_by_the_system_owner(chat: Chat, app: App) -> None:
    missing = await chat.user("alice").says("new type:access Finance ledger access")
    assert missing.answer.key == "dialogue.ask" and "System?" in missing.text  # required field
    stopped = await chat.user("alice").says("cancel")
    assert stopped.answer.key == "dialogue.cancelled", stopped.text
    created = await chat.user("alice").says(
        "new type:权限 system=ledger Finance ledger access -- read only")
    assert created.ok, created.text
    key = created.answer.ticket.key
    assert "Access request" in created.card and "System: ledger" in created.card
    assert (await chat.user("bob").says(f"claim {key}")).ok
    assert "Awaiting system owner" in (await chat.user("bob").says(f"pend {key} owner")).card
    assert [r.address for r in await outbox(app, "approval_request")] == ["frank"]

    refused = await chat.user("erin").says(f"approve {key}")
    assert refused.text == (f"You are not an approver of {key} while it is Awaiting system "
                            "owner: frank decides.")
    approved = await chat.user("frank").says(f"approve {key} read only is fine")
    assert approved.text.splitlines()[0].startswith(f"{key} is approved: it is now In progress")
    assert await stored(app, key) == ("in_progress", None, "service_request", "access_request")
    assert await decisions(app, key) == [("approve", ["owner_ok", "frank"])]


async def test_own_types_are_listed_and_named_in_chinese(chat: Chat, app: App) -> None:
    in_chinese = Chat(app, "zh-CN")
    assert (await in_chinese.user("alice").says("language zh-CN")).ok
    created = await in_chinese.user("alice").says("新建 类型:笔记本 新员工的电脑")
    assert created.ok, created.text
    assert "新笔记本申请" in created.card, created.card
    plain = await chat.user("alice").says("new type:request Need a monitor cable")
    assert "service request" in plain.card and "New laptop" not in plain.card
    laptop, cable = created.answer.ticket.key, plain.answer.ticket.key
    listed = (await chat.user("dave").says("list all type:laptop")).text
    assert laptop in listed and cable not in listed, listed
    both = (await chat.user("dave").says("list all type:service_request")).text
    assert laptop in both and cable in both, both  # the built-in type includes its own types
    assert "not a ticket type" in (await chat.user("dave").says("list all type:bogus")).text


@pytest.fixture
async def owner_field_chat(database_url: str, tmp_path: Path, clock: FakeClock
                           ) -> AsyncIterator[Chat]:
    """The sample with the access request's owner a field of kind person, not a named one."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace('approvers: ["person:frank"]', 'approvers: ["field:owner"]', 1)
    text = text.replace("      - {name: system, kind: text, required: true, card: true,\n",
                        "      - {name: owner, kind: person, required: true, card: true,\n"
                        "         label: {en: System owner, zh-CN: 系统负责人}}\n"
                        "      - {name: system, kind: text, required: true, card: true,\n", 1)
    org = tmp_path / "org.yaml"
    org.write_text(text, encoding="utf-8")
    app = await build_app(Settings(_env_file=None, database_url=database_url, org_file=org,
                                   locale="en", timezone="UTC"), clock=clock)
    try:
        yield Chat(app)
    finally:
        await app.aclose()


async def test_the_system_owner_can_be_a_field_of_the_request(owner_field_chat: Chat) -> None:
    chat = owner_field_chat
    created = await chat.user("alice").says(
        "new type:access system=crm owner=@grace CRM admin rights")
    assert created.ok, created.text
    key = created.answer.ticket.key
    assert (await chat.user("bob").says(f"claim {key}")).ok
    assert (await chat.user("bob").says(f"pend {key} owner")).ok
    refused = await chat.user("frank").says(f"approve {key}")  # frank owns another system
    assert refused.text == (f"You are not an approver of {key} while it is Awaiting system "
                            "owner: grace decides.")
    approved = await chat.user("grace").says(f"approve {key}")
    assert approved.text.splitlines()[0] == (
        f"{key} is approved: it is now In progress. Approved by grace.")


async def test_a_laptop_request_keeps_working_once_its_type_is_dropped(
        chat: Chat, database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    key = (await chat.user("alice").says("new type:laptop Laptop for the intern")).answer.ticket.key
    assert (await chat.user("bob").says(f"claim {key}")).ok
    # The file without its own types: the ticket is a service request with that workflow.
    text = SAMPLE.read_text(encoding="utf-8")
    start, end = text.index("  - id: laptop_request"), text.index("\n# Routing:")
    text = text[:start] + text[end:]
    start, end = text.index("  # A new laptop:"), text.index("\nsla:")
    org = tmp_path / "org.yaml"
    org.write_text(text[:start] + text[end:], encoding="utf-8")
    app = await build_app(Settings(_env_file=None, database_url=database_url, org_file=org,
                                   locale="en", timezone="UTC"), clock=clock)
    try:
        later = Chat(app)
        shown = await later.user("bob").says(f"show {key}")
        assert shown.ok and "Laptop for the intern" in shown.card, shown.text
        done = await later.user("bob").says(f"resolve {key} gave a spare one")
        assert done.ok, done.text
        assert (await stored(app, key))[0] == "resolved"
    finally:
        await app.aclose()


async def test_the_system_owner_is_reminded_then_declines(
        chat: Chat, app: App, clock) -> None:  # type: ignore[no-untyped-def]
    created = await chat.user("alice").says("new type:access system=ledger Ledger admin rights")
    key = created.answer.ticket.key
    assert (await chat.user("bob").says(f"claim {key}")).ok
    assert (await chat.user("bob").says(f"pend {key} owner")).ok
    clock.advance(days=1, minutes=1)  # remind_after: 1d
    await sla_tick(app)
    await sla_tick(app)  # once per visit to the step
    assert [r.address for r in await outbox(app, "approval_reminder")] == ["frank"]
    refused = await chat.user("dave").says(f"reject {key} too broad")
    assert refused.text == (f"You are not an approver of {key} while it is Awaiting system "
                            "owner: frank decides.")
    declined = await chat.user("frank").says(f"reject {key} admin rights are too broad")
    assert declined.text.splitlines()[0] == (
        f"You rejected {key}: admin rights are too broad. It is now Declined.")
    assert await stored(app, key) == ("cancelled", "declined", "service_request",
                                      "access_request")
    assert await decisions(app, key) == [("approval_reminder", ["owner_ok", None]),
                                         ("reject", ["owner_ok", "frank"])]
    thread = await outbox(app, "reject")
    assert thread and all(r.params.get("reason") == "admin rights are too broad" for r in thread)
