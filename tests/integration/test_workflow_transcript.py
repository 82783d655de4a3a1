"""The sample organisation's change workflow, walked in the console: a change goes to the change
board (`awaiting CAB`, a status of its own in the pending phase), the lead may not let it go on,
a board member does, and the card, `show` and `list` say the workflow's status in the reader's
language. The ticket row keeps the phase; the workflow's status is a column of its own."""

from sqlalchemy import select

from bot.bootstrap import App
from storage.models import TicketRow
from tests.support.chat import Chat
from workflows.status import Status


async def stored(app: App, database_url: str, key: str) -> tuple[str, str | None]:
    async with app.engine.connect() as connection:
        row = (await connection.execute(
            select(TicketRow.status, TicketRow.workflow_status).where(TicketRow.key == key))).one()
    return row.status, row.workflow_status


async def test_a_change_waits_on_the_board_and_only_the_board_lets_it_go_on(
        chat: Chat, app: App, database_url: str) -> None:
    created = await chat.user("alice").says("new type:change Upgrade the core switch -- on Saturday")
    assert created.ok, created.text
    key = created.answer.ticket.key
    assert (await chat.user("bob").says(f"claim {key}")).ok

    sent = await chat.user("bob").says(f"pend {key} for the change board")
    assert sent.ok, sent.text
    assert "Awaiting CAB" in sent.card
    assert await stored(app, database_url, key) == (Status.PENDING.value, "awaiting_cab")
    assert "resume" not in sent.buttons  # bob is not on the board

    refused = await chat.user("dave").says(f"resume {key}")  # the team lead is not on it either
    assert not refused.ok
    assert refused.text.splitlines()[0] == (
        "Only an admin can resume this ticket.")
    assert await stored(app, database_url, key) == (Status.PENDING.value, "awaiting_cab")

    # The requester's reply does not end the board's wait (it would end a plain pending).
    assert (await chat.user("alice").says(f"reply {key} any news?")).ok
    assert await stored(app, database_url, key) == (Status.PENDING.value, "awaiting_cab")

    listed = await chat.user("dave").says("list team")
    assert f"{key}" in listed.text and "Awaiting CAB" in listed.text

    in_chinese = Chat(app, "zh-CN")  # erin reads Chinese
    assert (await in_chinese.user("erin").says("language zh-CN")).ok
    shown = await in_chinese.user("erin").says(f"show {key}")
    assert "待变更委员会审批" in shown.card
    for member in ("erin", "grace", "admin"):  # the board's approval (all three) lets it go on
        approved = await chat.user(member).says(f"approve {key}")
        assert approved.ok, approved.text
    assert await stored(app, database_url, key) == (Status.IN_PROGRESS.value, None)

    history = (await chat.user("dave").says(f"history {key}")).text
    assert "Bob  Pend (In progress → Awaiting CAB) · reason: for the change board" in history
    assert "Admin  Approve (Awaiting CAB → In progress)" in history
    zh_history = (await in_chinese.user("erin").says(f"history {key}")).text
    assert "（处理中 → 待变更委员会审批）" in zh_history

    done = await chat.user("bob").says(f"resolve {key} switch upgraded")
    assert done.ok, done.text



async def test_an_incident_keeps_the_built_in_lifecycle(chat: Chat) -> None:
    created = await chat.user("alice").says("new Monitor flickers")
    key = created.answer.ticket.key
    assert (await chat.user("bob").says(f"claim {key}")).ok
    pended = await chat.user("bob").says(f"pend {key} which office?")
    assert "Pending" in pended.card
    assert (await chat.user("alice").says(f"reply {key} Shanghai")).ok  # resumes it, as before
    shown = await chat.user("bob").says(f"show {key}")
    assert "In progress" in shown.card
