"""What the lifecycle answers people: a requester's reply ends the waiting, a ticket that closed
itself can still be reopened, urges and refusals say who, history says names, a bulk assign tells
each person once, and `list all` says whose tickets it lists. In English and in Chinese."""

from pathlib import Path

from sqlalchemy import select

from bot.bootstrap import build_app
from bot.orgfile import SAMPLE
from bot.settings import Settings
from commands.actions.autoclose import close_stale_resolved
from storage.models import OutboxRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock


async def queued(chat: Chat, address: str) -> list[tuple[str, dict]]:
    """The notices waiting in the outbox for one person or channel: (template, params)."""
    async with chat.app.engine.connect() as conn:
        found = await conn.execute(select(OutboxRow.template, OutboxRow.params)
                                   .where(OutboxRow.address == address).order_by(OutboxRow.id))
        return [(template, params) for template, params in found.all()]


async def rendered(chat: Chat, address: str, since: int = 0) -> list[str]:
    """The same notices as their reader will read them, in the row's language."""
    async with chat.app.engine.connect() as conn:
        found = (await conn.execute(
            select(OutboxRow.template, OutboxRow.params, OutboxRow.locale)
            .where(OutboxRow.address == address, OutboxRow.id > since)
            .order_by(OutboxRow.id))).all()
    return [chat.app.catalog(locale).text(template, **params) for template, params, locale in found]


async def last_id(chat: Chat) -> int:
    async with chat.app.engine.connect() as conn:
        return max((await conn.execute(select(OutboxRow.id))).scalars(), default=0)


async def status_of(chat: Chat, key: str) -> str:
    async with chat.app.engine.connect() as conn:
        return (await conn.execute(select(TicketRow.status).where(TicketRow.key == key))
                ).scalar_one()


async def pending_on_alice(chat: Chat) -> None:
    await chat.user("alice").says("new P2 Laptop will not boot")
    await chat.user("bob").says("claim IT-1")
    await chat.user("bob").says("pend IT-1 which model is it?")


# -- 1. a requester's reply resumes a ticket pending on them ---------------------------------

async def test_the_requesters_reply_resumes_and_the_assignee_hears_it_once(
        chat: Chat, clock: FakeClock) -> None:
    await pending_on_alice(chat)
    clock.advance(hours=2)
    before = await last_id(chat)
    said = await chat.user("alice").says("reply IT-1 it is a T14")
    assert said.text == ("Reply added to IT-1. IT-1 is no longer waiting on you: it is back in "
                         "progress and Bob has been told.")
    assert await status_of(chat, "IT-1") == "in_progress"
    # One message for Bob: the reply, saying the ticket is back at work.
    assert await rendered(chat, "bob", before) == [
        "Alice replied on IT-1: it is a T14\nIT-1 is back in progress; its SLA clocks run again."]
    history = (await chat.user("bob").says("history IT-1")).text
    assert "Alice  Resume (Pending → In progress)" in history
    assert "Alice  SLA clocks resumed · paused 2h (in total 2h)" in history


async def test_the_resume_is_said_in_chinese(chat: Chat) -> None:
    assert (await chat.user("bob").says("language zh-CN")).ok
    await pending_on_alice(chat)
    before = await last_id(chat)
    said = await Chat(chat.app, "zh-CN").user("alice").says("reply IT-1 是 T14")
    assert said.text == "已回复 IT-1。IT-1 不再等待你的答复，已恢复处理，并已通知 Bob。"
    assert await rendered(chat, "bob", before) == [
        "Alice 回复了 IT-1：是 T14\nIT-1 已恢复处理，SLA 计时继续。"]


async def test_someone_elses_reply_leaves_it_waiting(chat: Chat) -> None:
    await pending_on_alice(chat)
    assert (await chat.user("carol").says("reply IT-1 I can lend a spare meanwhile")).text == (
        "Reply added to IT-1.")
    assert await status_of(chat, "IT-1") == "pending"


async def test_a_queue_can_keep_waiting_after_the_requesters_reply(
        tmp_path: Path, database_url: str, clock: FakeClock) -> None:
    org = tmp_path / "org.yaml"
    org.write_text(SAMPLE.read_text(encoding="utf-8").replace(
        "    triage_channel: \"#it-triage\"\n    # Where the queue's",
        "    triage_channel: \"#it-triage\"\n    resume_on_requester_reply: false\n"
        "    # Where the queue's"), encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org, locale="en",
                        timezone="UTC")
    app = await build_app(settings, clock=clock)
    try:
        assert not app.loaded.org.queues["IT"].resume_on_requester_reply
        chat = Chat(app)
        await pending_on_alice(chat)
        assert (await chat.user("alice").says("reply IT-1 a T14")).text == "Reply added to IT-1."
        assert await status_of(chat, "IT-1") == "pending"
    finally:
        await app.aclose()


# -- 2. reopening a ticket that closed itself -------------------------------------------------

async def auto_closed(chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new Mail token expired")
    await chat.user("bob").says("claim IT-1")
    await chat.user("bob").says("resolve IT-1 issued a new token")
    clock.advance(days=3)
    assert await close_stale_resolved(chat.app.uow, chat.app.loaded.org, chat.app.clock) == [
        "IT-1"]


async def test_the_requester_reopens_a_ticket_that_closed_itself(
        chat: Chat, clock: FakeClock) -> None:
    await auto_closed(chat, clock)
    clock.advance(days=2)  # 5 days after the resolution: inside the 7-day window
    before = await last_id(chat)
    said = await chat.user("alice").says("reopen IT-1 the new token fails too")
    assert said.text == "IT-1 was reopened: the new token fails too."
    assert await status_of(chat, "IT-1") == "in_progress"
    assert [t for t, _ in await queued(chat, "bob")][-1:] == ["notify.reopen"]
    assert await rendered(chat, "bob", before) == [
        "Alice reopened IT-1 (Mail token expired): the new token fails too"]
    history = (await chat.user("bob").says("history IT-1")).text
    assert "Alice  Reopen (Closed → In progress) · reason: the new token fails too" in history


async def test_a_ticket_the_requester_closed_stays_closed(chat: Chat) -> None:
    await chat.user("alice").says("new Mail token expired")
    await chat.user("bob").says("claim IT-1")
    await chat.user("bob").says("resolve IT-1 issued a new token")
    await chat.user("alice").says("close IT-1")
    assert (await chat.user("alice").says("reopen IT-1")).text == (
        "You cannot reopen a ticket that is closed.")


async def test_after_the_window_the_refusal_offers_a_linked_follow_up(
        chat: Chat, clock: FakeClock) -> None:
    await auto_closed(chat, clock)
    clock.advance(days=5)  # 8 days after the resolution
    alice = chat.user("alice")
    refused = await alice.says("reopen IT-1")
    assert refused.text == (
        "IT-1 closed by itself after it was resolved, more than 7 days ago, so it can no longer "
        "be reopened. Open a follow-up linked to it instead: "
        "`new related:IT-1 Mail token expired`")
    zh = await Chat(chat.app, "zh-CN").user("alice").says("reopen IT-1")
    assert zh.text == ("IT-1 解决后已自动关闭，距解决已超过 7 天，不能再重新打开。"
                       "请新建一张关联它的工单：`新建 关联:IT-1 Mail token expired`")
    # The command offered works as written, and links the two tickets.
    follow_up = await alice.says("new related:IT-1 Mail token expired")
    assert follow_up.text == "Created IT-2 for Alice for IT Support."
    assert "Linked: IT-1" in (follow_up.card or "")
    assert "Linked: IT-2" in ((await alice.says("show IT-1")).card or "")
    assert (await alice.says("新建 关联:IT-2 又失效了")).ok


async def test_a_follow_up_names_only_a_ticket_its_requester_may_see(chat: Chat) -> None:
    await chat.user("alice").says("new Salary slip missing")
    refused = await chat.user("zed").says("new related:IT-1 Mine is missing too")
    assert refused.text == "You are not a participant of IT-1."


async def test_resolved_tickets_past_the_window_offer_the_follow_up_too(
        chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new Mail token expired")
    await chat.user("bob").says("claim IT-1")
    await chat.user("bob").says("resolve IT-1 issued a new token")
    clock.advance(days=8)
    assert (await chat.user("alice").says("reopen IT-1")).text == (
        "IT-1 was resolved more than 7 days ago and cannot be reopened by the requester. Open a "
        "follow-up linked to it instead: `new related:IT-1 Mail token expired`")


# -- 3. urge says who was nudged --------------------------------------------------------------

async def test_urge_on_an_unassigned_ticket_names_the_lead_it_reached(chat: Chat) -> None:
    await chat.user("alice").says("new P3 Monitor flickers")
    before = await last_id(chat)
    said = await chat.user("alice").says("urge IT-1 it is getting worse")
    assert said.text == ("Reminder sent: nobody has taken IT-1 yet, so Dave, who leads "
                         "IT Support, has been nudged.")
    assert await rendered(chat, "dave", before) == [
        "Alice is waiting for IT-1 (Monitor flickers): it is getting worse"]
    chat.app.clock.advance(hours=1)  # type: ignore[attr-defined]
    zh = await Chat(chat.app, "zh-CN").user("alice").says("urge IT-1")
    assert zh.text == "已催办：IT-1 尚无人领取，已提醒 IT Support 的负责人 Dave。"


# -- 4. a refusal names the real reason -------------------------------------------------------

async def test_rating_is_refused_with_who_may_rate(chat: Chat) -> None:
    await chat.user("alice").says("new P3 Monitor flickers")
    await chat.user("bob").says("claim IT-1")
    # An agent may never rate: the reason is who they are, not the ticket's status.
    assert (await chat.user("bob").says("rate IT-1 5")).text == (
        "Only the requester can rate this ticket.")
    assert (await Chat(chat.app, "zh-CN").user("bob").says("rate IT-1 5")).text == (
        "只有提单人可以评价此工单。")
    # The requester may rate, just not yet.
    assert (await chat.user("alice").says("rate IT-1 5")).text == (
        "You cannot rate a ticket that is in progress.")


# -- 5. history names who was added -----------------------------------------------------------

async def test_history_names_the_collaborators_added(chat: Chat) -> None:
    await chat.user("alice").says("new P3 Monitor flickers")
    await chat.user("bob").says("claim IT-1")
    await chat.user("bob").says("cc IT-1 @carol @dave")
    assert "Bob  Add collaborator · added Carol, Dave  [console]" in (
        await chat.user("bob").says("history IT-1")).text
    assert "新增协作人：Carol、Dave" in (
        await Chat(chat.app, "zh-CN").user("bob").says("history IT-1")).text


# -- 6. a bulk assign tells each person once --------------------------------------------------

async def test_a_bulk_assign_tells_each_person_once(chat: Chat) -> None:
    alice, bob, dave = chat.user("alice"), chat.user("bob"), chat.user("dave")
    for title in ("Printer jammed", "Mail quota full", "Badge reader dead"):
        await alice.says(f"new P3 {title}")
    await bob.says("claim IT-1")
    await bob.says("claim IT-2")
    before = await last_id(chat)
    said = await dave.says("assign IT-1 IT-2 IT-3 @carol reason: Bob is on leave")
    assert said.text == "Assigned IT-1, IT-2, IT-3 to Carol."
    assert await rendered(chat, "carol", before) == [
        "Dave assigned 3 tickets to you:\n• IT-1 (Printer jammed)\n• IT-2 (Mail quota full)\n"
        "• IT-3 (Badge reader dead)\nReason: Bob is on leave"]
    assert await rendered(chat, "bob", before) == [
        "Dave reassigned these tickets from you to Carol:\n• IT-1 (Printer jammed)\n"
        "• IT-2 (Mail quota full)\nReason: Bob is on leave"]
    assert await rendered(chat, "alice", before) == [
        "Dave assigned your requests to Carol:\n• IT-1 (Printer jammed)\n• IT-2 (Mail quota full)"
        "\n• IT-3 (Badge reader dead)\nReason: Bob is on leave"]
    assert await rendered(chat, "dave", before) == []  # the lead knows what they did
    # The triage channel still reads one line per ticket.
    assert len(await rendered(chat, "#it-triage", before)) == 3


async def test_a_bulk_assign_notice_in_chinese(chat: Chat) -> None:
    assert (await chat.user("carol").says("language zh-CN")).ok
    await chat.user("alice").says("new P3 Printer jammed")
    await chat.user("alice").says("new P3 Mail quota full")
    before = await last_id(chat)
    assert (await chat.user("dave").says("assign IT-1 IT-2 @carol")).ok
    assert await rendered(chat, "carol", before) == [
        "Dave 将 2 张工单指派给你：\n• IT-1（Printer jammed）\n• IT-2（Mail quota full）"]


async def test_a_single_assign_tells_the_previous_assignee(chat: Chat) -> None:
    await chat.user("alice").says("new P3 Printer jammed")
    await chat.user("bob").says("claim IT-1")
    before = await last_id(chat)
    assert (await chat.user("dave").says("assign IT-1 @carol")).ok
    assert await rendered(chat, "bob", before) == [
        "IT-1 (Printer jammed) was assigned to Carol by Dave."]


# -- 7. `list all` says whose tickets it lists ------------------------------------------------

async def test_list_all_names_the_teams_it_lists(chat: Chat) -> None:
    await chat.user("alice").says("new P3 Printer jammed")
    await chat.user("alice").says("new P3 Mail quota full")
    listed = (await chat.user("dave").says("list all")).text.splitlines()
    assert listed[0] == "Open tickets of team IT Support (2):"
    zh = (await Chat(chat.app, "zh-CN").user("dave").says("list all")).text.splitlines()
    assert zh[0] == "团队 IT Support 的未关闭工单（2 张）："
    assert (await chat.user("admin").says("list all")).text.splitlines()[0] == (
        "Open tickets of every team (2):")
