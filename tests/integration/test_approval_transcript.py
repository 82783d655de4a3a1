"""Approval steps (审批) walked in the console with the sample organisation's change workflow: the
change board (erin, grace, admin) must all approve; a refused approver hears who decides; a
double approval approves once; a rejection needs its reason, ends the change where the workflow
says and puts the reason in the ticket's thread; every decision is in the history."""

from sqlalchemy import select

from bot.bootstrap import App
from storage.models import OutboxRow, TicketRow
from tests.support.chat import Chat


async def stored(app: App, key: str) -> tuple[str, str | None]:
    async with app.engine.connect() as connection:
        row = (await connection.execute(
            select(TicketRow.status, TicketRow.workflow_status).where(TicketRow.key == key))).one()
    return row.status, row.workflow_status


async def outbox(app: App, event: str) -> list[OutboxRow]:
    async with app.engine.connect() as connection:
        return list((await connection.execute(
            select(OutboxRow).where(OutboxRow.event == event).order_by(OutboxRow.id))).all())


async def submitted_change(chat: Chat) -> str:
    created = await chat.user("alice").says("new type:change Upgrade the core switch -- Saturday")
    key = created.answer.ticket.key
    assert (await chat.user("bob").says(f"claim {key}")).ok
    assert (await chat.user("bob").says(f"pend {key} for the change board")).ok
    return key


async def test_the_whole_board_approves_and_work_goes_on(chat: Chat, app: App) -> None:
    key = await submitted_change(chat)
    asked = await outbox(app, "approval_request")  # each board member, in a direct message
    assert sorted(r.address for r in asked) == ["admin", "erin", "grace"]
    assert all(r.template == "notify.approval_request" and r.person_id for r in asked)

    refused = await chat.user("bob").says(f"approve {key}")
    assert not refused.ok
    assert refused.text == (f"You are not an approver of {key} while it is Awaiting CAB: "
                            "admin, erin, grace decide.")

    first = await chat.user("erin").says(f"approve {key} looks safe")
    assert first.ok, first.text
    assert first.text.splitlines()[0] == (
        f"You approved {key}. Approved by erin; awaited: admin, grace.")
    twice = await chat.user("erin").says(f"approve {key}")  # a double click
    assert twice.text == (f"You have already approved {key}; nothing changed. "
                          "Still awaited: admin, grace.")
    assert await stored(app, key) == ("pending", "awaiting_cab")

    assert (await chat.user("grace").says(f"批准 {key}")).ok
    last = await chat.user("admin").says(f"approve {key}")
    assert last.text.splitlines()[0] == (
        f"{key} is approved: it is now In progress. Approved by erin, grace, admin.")
    assert await stored(app, key) == ("in_progress", None)
    assert len(await outbox(app, "approval_request")) == 3  # asked once, not at each decision

    history = (await chat.user("dave").says(f"history {key}")).text
    assert [line.split("  ", 2)[2] for line in history.splitlines() if "Approve" in line] == [
        "Approve · reason: looks safe  [console]", "Approve  [console]",
        "Approve (Awaiting CAB → In progress)  [console]"]
    late = await chat.user("erin").says(f"approve {key}")
    assert late.text == f"{key} is not waiting for an approval now (it is In progress)."


async def test_a_rejection_needs_its_reason_and_ends_the_change(chat: Chat, app: App) -> None:
    key = await submitted_change(chat)
    assert (await chat.user("erin").says(f"approve {key}")).ok

    bare = await chat.user("grace").says(f"reject {key}")
    assert not bare.ok and "reject <ticket> <reason>" in bare.text
    rejected = await chat.user("grace").says(f"reject {key} no rollback plan")
    assert rejected.text.splitlines()[0] == (
        f"You rejected {key}: no rollback plan. It is now Rejected by CAB.")
    assert await stored(app, key) == ("cancelled", "rejected")

    history = (await chat.user("dave").says(f"history {key}")).text
    assert "Grace  Reject (Awaiting CAB → Rejected by CAB) · reason: no rollback plan" in history
    thread = [r for r in await outbox(app, "reject") if r.thread is not None or
              r.person_id is None]
    assert thread and all(r.params.get("reason") == "no rollback plan" for r in thread)
    assert (await chat.user("admin").says(f"approve {key}")).text == (
        f"{key} is not waiting for an approval now (it is Rejected by CAB).")


async def test_the_board_decides_in_chinese(chat: Chat) -> None:
    key = await submitted_change(chat)
    in_chinese = Chat(chat.app, "zh-CN")
    assert (await in_chinese.user("grace").says("language zh-CN")).ok
    no_reason = await in_chinese.user("grace").says(f"驳回 {key}")
    assert not no_reason.ok
    done = await in_chinese.user("grace").says(f"驳回 {key} 缺少回退方案")
    assert done.text.splitlines()[0] == (
        f"您已驳回 {key}：缺少回退方案。当前状态：变更委员会已驳回。")


async def test_the_awaited_approvers_are_reminded_once_by_the_sweep(
        chat: Chat, app: App, clock) -> None:  # type: ignore[no-untyped-def]
    from bot.scheduler import sla_tick

    key = await submitted_change(chat)
    assert (await chat.user("erin").says(f"approve {key}")).ok
    clock.advance(hours=3, minutes=59)
    await sla_tick(app)
    assert await outbox(app, "approval_reminder") == []  # remind_after: 4h, not yet
    clock.advance(minutes=2)
    await sla_tick(app)
    await sla_tick(app)  # a second sweep reminds nobody again
    reminded = await outbox(app, "approval_reminder")
    assert sorted(r.address for r in reminded) == ["admin", "grace"]  # erin has decided
    assert reminded[0].template == "notify.approval_reminder"
    history = (await chat.user("dave").says(f"history {key}")).text
    assert history.count("Approval reminder") == 1
