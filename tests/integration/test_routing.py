"""Routing and assignment with the sample organisation, from chat: VPN and network tickets go to
the Network team (least loaded, P1 to whoever is on duty), IT tickets wait for IT to claim them."""

from sqlalchemy import func, select

from storage.models import AwayRow, TeamCursorRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender


def steps(history: str) -> list[str]:
    """History lines without their timestamps."""
    return [line.split("  ", 1)[1] for line in history.splitlines()[1:]]


async def test_a_vpn_ticket_lands_with_network_and_the_requester_sees_who_has_it(
        chat: Chat) -> None:
    alice = chat.user("alice")
    created = await alice.says("new P2 VPN down on floor 3")
    assert created.text == "Created IT-1 for Alice for Network; assigned to Frank (least loaded)."
    assert "Assigned · P2 · incident · vpn" in (created.card or "")
    assert "Requester: Alice · Assignee: Frank · Team: network" in (created.card or "")

    history = (await chat.user("erin").says("history IT-1")).text
    assert steps(history) == [
        "Alice  Created (New)  [console]",
        "system  Routed · team: it → network · category: — → vpn · skills: — → vpn · reason: "
        'routed to network by rule vpn: keyword "vpn" in the title  [system]',
        "system  Assign (New → Assigned) · assignee: — → Frank · reason: least loaded (open "
        "tickets weighted by priority): frank 0, grace 0  [system]",
    ]
    # Ties go round: Grace next; then whoever carries less (a P2 weighs 3, a P3 2).
    second = await alice.says("new Wifi drops in room 5")
    assert second.text == "Created IT-2 for Alice for Network; assigned to Grace (least loaded)."
    third = await alice.says("new P4 VPN slow from home")
    assert third.text == "Created IT-3 for Alice for Network; assigned to Grace (least loaded)."
    async with chat.app.engine.connect() as conn:
        cursor = (await conn.execute(select(TeamCursorRow))).one()
    assert (cursor.team, cursor.last_handle, cursor.turns) == ("network", "grace", 3)


async def test_it_tickets_still_wait_in_triage_for_a_claim(chat: Chat) -> None:
    created = await chat.user("alice").says("new Printer on floor 2 jams")
    assert created.text == "Created IT-1 for Alice for IT Support."
    assert "New · P3 · incident · printer" in (created.card or "")
    assert created.buttons == ["cc", "reply", "cancel", "urge"]
    assert (await chat.user("bob").says("claim IT-1")).text == "Bob claimed IT-1."
    history = (await chat.user("bob").says("history IT-1")).text
    assert steps(history)[1] == (
        "system  Routed · category: — → printer · reason: routed to it by rule printer: "
        'keyword "printer" in the title  [system]')


async def test_rules_work_in_chinese_and_replies_say_who_has_it(chat: Chat) -> None:
    zh = Chat(chat.app, "zh-CN")
    alice = zh.user("alice")
    network = await alice.says("新建 三楼网络断了")
    assert network.text == "已为 Alice 创建工单 IT-1，由 Network 处理，已分派给 Frank（负载最低）。"
    printer = await alice.says("报修打印机卡纸")
    assert printer.text == "已为 Alice 创建工单 IT-2，由 IT Support 处理。"
    password = await alice.says("新建 忘记密码，需要重置")
    assert "服务请求 · account" in (password.card or "")  # rule: a service request
    history = (await zh.user("erin").says("历史 IT-1")).text
    assert steps(history)[1] == (
        "系统  路由 · 团队：it → network · 分类：— → network · 技能：— → network · 原因："
        "命中路由规则 network：标题中的关键词「网络」  [系统]")


async def test_what_the_requester_says_wins_over_the_rule(chat: Chat) -> None:
    created = await chat.user("alice").says("new P4 category:cabling VPN cable loose")
    assert created.text.startswith("Created IT-1 for Alice for Network; assigned to")
    async with chat.app.engine.connect() as conn:
        row = (await conn.execute(select(TicketRow.priority, TicketRow.category,
                                         TicketRow.team, TicketRow.skills))).one()
    # The skills came with the rule's category, which the requester replaced.
    assert tuple(row) == ("P4", "cabling", "network", None)


async def test_a_channel_can_route_whatever_is_written_in_it(chat: Chat) -> None:
    created = await chat.user("alice").in_channel("#netops").says("new Something odd")
    assert created.text.splitlines()[0].startswith("Created IT-1 for Alice for Network; assigned to Frank")
    plain = await chat.user("alice").says("new Something odd")
    assert plain.text.splitlines()[0] == "Created IT-2 for Alice for IT Support."


async def test_the_assignee_and_the_triage_channel_are_told(chat: Chat) -> None:
    sender = RecordingSender()
    relay = chat.app.relay({"console": sender}, pacing={})
    await chat.user("alice").says("new P2 VPN down on floor 3")
    await chat.user("alice").says("new Printer jammed")
    while await relay.run_once():
        pass
    assigned = ("IT-1 (VPN down on floor 3) was assigned to Frank automatically. Reason: least "
                "loaded (open tickets weighted by priority): frank 0, grace 0")
    assert sender.texts("frank") == [assigned]
    assert sender.texts("#network-triage") == [
        "New P2 ticket IT-1 from Alice: VPN down on floor 3", assigned]
    assert sender.texts("#it-triage") == [
        "New P3 ticket IT-2 from Alice: Printer jammed · unassigned: `claim IT-2` to take it"]
    assert sender.texts("alice") == []  # she created them: her reply said who has them


async def test_p1_skips_the_queue_to_whoever_is_on_duty(chat: Chat, clock: FakeClock) -> None:
    # 09:00 UTC is 17:00 in Shanghai on a Monday: the day shift, Frank's week.
    created = await chat.user("alice").says("new P1 VPN concentrator down")
    assert created.text == ("Created IT-1 for Alice for Network; assigned to Frank (P1, "
                            "straight to the person on duty).")
    clock.advance(hours=1)  # 18:00: the night shift, Grace's week in the night rotation
    night = await chat.user("alice").says("new P1 Internet down for the whole office")
    assert night.text == ("Created IT-2 for Alice for Network; assigned to Grace (P1, straight "
                          "to the person on duty).")
    history = (await chat.user("erin").says("history IT-2")).text
    assert steps(history)[-1] == (
        "system  Assign (New → Assigned) · assignee: — → Grace · reason: P1 goes straight to the "
        "person on duty: night shift 18:00-09:00 Asia/Shanghai  [system]")


async def test_route_explain_tells_which_rule_and_who_would_get_it(chat: Chat) -> None:
    alice = chat.user("alice")
    vpn = await alice.says('route explain "VPN down on floor 3"')
    assert vpn.text.splitlines() == [
        'Routing "VPN down on floor 3":',
        '1. Rule vpn matches: keyword "vpn" in the title.',
        "2. Queue IT · team Network · incident · vpn · P3 · needs vpn",
        "3. Network assigns to the member with the least open work (weighted by priority).",
        "4. Frank would get it now: least loaded; load Frank 0, Grace 0.",
    ]
    await alice.says("new VPN down")  # Frank now carries a P3
    again = await alice.says("route explain VPN down on floor 3")
    assert again.text.splitlines()[-1] == "4. Grace would get it now: least loaded; load Grace 0, Frank 2."
    printer = await alice.says("route explain the printer on floor 2 jams")
    assert printer.text.splitlines()[1:] == [
        '1. Rule printer matches: keyword "printer" in the title (after 1 rule that did not match).',
        "2. Queue IT · team IT Support · incident · printer · P3",
        "3. IT Support assigns by hand: tickets wait in triage for someone to claim them.",
        "4. It would wait in #it-triage for someone to claim it.",
    ]
    p1 = await alice.says("route explain P1 wifi down everywhere")
    assert p1.text.splitlines()[3:] == [
        "3. Network assigns to the member with the least open work (weighted by priority); a P1 "
        "goes straight to the person on duty (else the lead).",
        "4. Frank would get it now: P1, straight to the person on duty, day shift 09:00-18:00 "
        "Asia/Shanghai.",
    ]
    nothing = await alice.says("route explain coffee machine empty")
    assert nothing.text.splitlines()[1] == (
        "1. None of the 8 rules matches: the queue's default team takes it.")
    async with chat.app.engine.connect() as conn:  # explaining changed nothing
        assert (await conn.execute(select(func.count()).select_from(TicketRow))).scalar() == 1
        assert (await conn.execute(select(TeamCursorRow.turns))).scalar() == 1


async def test_route_explain_in_chinese(chat: Chat) -> None:
    zh = Chat(chat.app, "zh-CN")
    reply = await zh.user("alice").says("路由 解释 三楼网络断了")
    assert reply.text.splitlines() == [
        "「三楼网络断了」的路由：",
        "1. 命中规则 network：标题中的关键词「网络」（此前 2 条规则未命中）。",
        "2. 队列 IT · 团队 Network · 故障 · network · P3 · 需要技能 network",
        "3. Network 的分派方式：分派给未完成工单最少的成员（按优先级加权）。",
        "4. 现在会分派给 Frank：负载最低；负载 Frank 0，Grace 0。",
    ]


async def test_list_team_shows_what_nobody_has_first_and_list_triage_only_that(
        chat: Chat) -> None:
    alice, dave = chat.user("alice"), chat.user("dave")
    await alice.says("new P1 Email down for everyone")
    await alice.says("new P4 Printer toner low")
    await alice.says("new P3 Projector dim")
    await chat.user("bob").says("claim IT-1")
    team = (await dave.says("list team")).text.splitlines()
    assert team == [
        "Open tickets of team it (2 unassigned, listed first):",
        "• IT-3 [P3] Projector dim · New · unassigned",
        "• IT-2 [P4] Printer toner low · New · unassigned",
        "• IT-1 [P1] Email down for everyone · In progress · Bob",
    ]
    triage = (await dave.says("list triage")).text.splitlines()
    assert triage == [
        "Waiting for someone to take them (it):",
        "• IT-3 [P3] Projector dim · New · unassigned",
        "• IT-2 [P4] Printer toner low · New · unassigned",
        "Take one with `claim <ticket>`; a lead hands them out with "
        "`assign <ticket> [<ticket> ...] @person`.",
    ]
    assert (await dave.says("list triage network")).text == (
        "Waiting for someone to take them (network):\nNothing here.")


async def test_a_lead_reassigns_in_bulk_and_hears_what_did_not_move(chat: Chat) -> None:
    alice, bob, dave = chat.user("alice"), chat.user("bob"), chat.user("dave")
    for title in ("Printer jammed", "Laptop fan loud", "Mouse broken", "Keyboard sticky"):
        await alice.says(f"new {title}")
    await bob.says("claim IT-1")
    await bob.says("assign IT-2 @bob")
    await alice.says("cancel IT-4 found a spare")
    refused = await bob.says("assign IT-1 IT-2 @carol")
    assert not refused.ok
    assert refused.text == (
        "Nothing was assigned to Carol.\n"
        "• IT-1 not changed: only the team lead or an admin can assign several tickets at once\n"
        "• IT-2 not changed: only the team lead or an admin can assign several tickets at once")
    moved = await dave.says("assign IT-1 IT-2 IT-3 IT-4 IT-99 @carol reason: bob is on leave")
    assert moved.text == (
        "Assigned IT-1, IT-2, IT-3 to Carol.\n"
        "• IT-4 not changed: You cannot assign a ticket that is cancelled.\n"
        "• IT-99 not changed: There is no ticket IT-99. Try `list` to see yours.")
    async with chat.app.engine.connect() as conn:
        assignees = (await conn.execute(
            select(TicketRow.key, TicketRow.assignee_id, TicketRow.status)
            .order_by(TicketRow.id))).all()
    assert len({a for _, a, _ in assignees[:3]}) == 1
    history = (await dave.says("history IT-1")).text
    assert steps(history)[-1] == (
        "Dave  Assign (In progress → Assigned) · assignee: Bob → Carol · reason: bob is on leave"
        "  [console]")


async def test_a_ticket_transferred_to_a_team_is_assigned_by_its_strategy(chat: Chat) -> None:
    await chat.user("alice").says("new Email bounces")
    await chat.user("bob").says("claim IT-1")
    moved = await chat.user("bob").says("transfer IT-1 network reason: the mail relay is down")
    assert moved.text == ("IT-1 was transferred to Network: the mail relay is down — now "
                          "assigned to Frank (least loaded).")
    assert "Assigned" in (moved.card or "")


async def test_away_members_are_skipped_until_they_are_back(chat: Chat, clock: FakeClock) -> None:
    alice, frank = chat.user("alice"), chat.user("frank")
    await alice.says("new VPN drops")  # -> Frank
    away = await frank.says("away until Monday")
    assert away.text == (
        "You are away until Mon 2026-03-09 (Asia/Shanghai): new tickets will not be assigned to "
        "you until then. Type `back` when you return.\n"
        "You still have 1 open ticket: IT-1. A lead can hand them over with `assign IT-1 @person`.")
    created = await alice.says("new P5 VPN certificate renewal")
    assert created.text == "Created IT-2 for Alice for Network; assigned to Grace (least loaded)."
    explain = await alice.says("route explain VPN down")
    assert explain.text.splitlines()[-2:] == [
        "4. Grace would get it now: least loaded; load Grace 1.",
        "   Skipped, away: Frank until Mon 2026-03-09.",
    ]
    history = (await chat.user("erin").says("history IT-2")).text
    assert steps(history)[-1].endswith(
        "reason: least loaded (open tickets weighted by priority): grace 0; skipped (away): frank "
        "until 2026-03-09 00:00 Asia/Shanghai  [system]")
    assert (await frank.says("back")).text == (
        "Welcome back: new tickets can be assigned to you again.")
    assert (await frank.says("back")).text == "You are not marked away."
    await frank.says("away until tomorrow")
    clock.advance(days=1)  # tomorrow came: back without saying so
    again = await alice.says("new VPN again")
    assert again.text.endswith("assigned to Grace (least loaded).")  # Grace 1+2 vs Frank 2: tie
    async with chat.app.engine.connect() as conn:
        rows = (await conn.execute(select(AwayRow.until))).scalars().all()
    assert [r.isoformat() for r in rows] == ["2026-03-02T16:00:00+00:00"]


async def test_who_may_set_someone_away(chat: Chat) -> None:
    lead = await chat.user("erin").says("away @frank until tomorrow")
    assert lead.text.startswith("Frank is away until Tue 2026-03-03 (Asia/Shanghai): new tickets "
                                "will not be assigned to them until then.")
    assert (await chat.user("erin").says("back @frank")).text == (
        "Frank is back: new tickets can be assigned to them again.")
    other_team = await chat.user("dave").says("away @frank until tomorrow")
    assert other_team.text == "Only a lead of Frank's team or an admin can set them away or back."
    requester = await chat.user("alice").says("away until Monday")
    assert requester.text == "Alice is not on any team, so no tickets are assigned to them anyway."
    past = await chat.user("frank").says("away until 2026-03-01")
    assert past.text == ('"2026-03-01" is not after today. Name the day you are back, e.g. '
                         "`away until Monday`.")
    zh = await Chat(chat.app, "zh-CN").user("grace").says("请假到周三")
    # Grace's own time zone is Berlin.
    assert zh.text == ("你已设为请假至 2026-03-04（周三，Europe/Berlin）：在此之前不会再自动分派新工单。"
                       "回来后发送 `back` 或 `回来`。")


async def test_assigning_to_someone_away_is_allowed_but_said(chat: Chat) -> None:
    await chat.user("alice").says("new Printer jammed")
    await chat.user("carol").says("away until Friday")
    reply = await chat.user("dave").says("assign IT-1 @carol")
    assert reply.text == "IT-1 is now assigned to Carol. Note: Carol is away until Fri 2026-03-06."
