"""Every assignment strategy through chat, with an organisation that has one team of each kind;
and twenty tickets created at once into a round-robin team, which must still take turns."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import build_app
from bot.settings import Settings
from storage.models import AuditRow, PersonRow, TeamCursorRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock

ORG = """\
default_queue: IT
admins: [admin]
timezone: Asia/Shanghai
people:
  - {handle: alice, name: Alice, department: Finance}
  - {handle: zoe, name: Zoe, department: Sales}
  - {handle: admin, name: Admin}
  - {handle: dave, name: Dave}
  - {handle: bob, name: Bob}
  - {handle: erin, name: Erin}
  - {handle: frank, name: Frank}
  - {handle: grace, name: Grace}
  - {handle: heidi, name: Heidi}
  - {handle: ivan, name: Ivan}
  - {handle: sam, name: Sam}
  - {handle: mia, name: Mia, skills: [sap]}
  - {handle: noah, name: Noah, skills: [sap, payroll]}
  - {handle: olga, name: Olga, skills: [unix]}
  - {handle: oscar, name: Oscar}
  - {handle: pam, name: Pam}
  - {handle: quinn, name: Quinn}
teams:
  - {key: desk, name: Service Desk, leads: [dave], members: [bob], p1_bypass: lead}
  - {key: rota, name: Rota, leads: [erin], members: [frank, grace, heidi, ivan],
     assignment: round_robin}
  - {key: apps, name: Applications, leads: [sam], members: [mia, noah, olga], assignment: skill}
  - key: noc
    name: NOC
    leads: [oscar]
    members: [pam, quinn]
    assignment: on_duty
    roster:
      - {name: day, days: [mon, tue, wed, thu, fri], start: "09:00", end: "18:00",
         rotation: [pam, quinn], rotation_start: 2026-03-02}
      - {name: night, start: "18:00", end: "09:00", rotation: [quinn]}
  - {key: ghost, name: Ghost Team, assignment: least_loaded}
queues:
  - {key: IT, name: Help desk, default_team: desk, triage_channel: "#desk"}
  - {key: OPS, name: Operations, default_team: desk}
routing:
  - {name: rota, match: {keywords: [rota, 轮值]}, set: {team: rota}}
  - {name: sales, match: {departments: [Sales]}, set: {team: rota, priority: P2}}
  - {name: sap, match: {keywords: [sap]}, set: {team: apps, skills: [sap]}}
  - {name: payroll, match: {keywords: [payroll, 工资]}, set: {team: apps, skills: [sap, payroll]}}
  - {name: unix, match: {regex: ['\\bssh\\b']}, set: {team: apps, skills: [unix]}}
  - {name: mainframe, match: {keywords: [mainframe]}, set: {team: apps, category: mainframe}}
  - {name: outage, match: {keywords: [outage, 宕机]}, set: {team: noc}}
  - {name: noc-channel, match: {channels: ["#noc"]}, set: {team: noc}}
  - {name: ghost, match: {keywords: [ghost]}, set: {team: ghost}}
category_skills:
  mainframe: [cobol]
"""


@pytest.fixture
async def chat(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Chat]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org, locale="en",
                        timezone="UTC")
    app = await build_app(settings, clock=clock)
    yield Chat(app)
    await app.aclose()


async def assignees(chat: Chat) -> list[str | None]:
    """Who has each ticket, in ticket order."""
    async with chat.app.engine.connect() as conn:
        rows = (await conn.execute(
            select(PersonRow.handle).select_from(TicketRow)
            .outerjoin(PersonRow, PersonRow.id == TicketRow.assignee_id)
            .order_by(TicketRow.number))).scalars().all()
    return list(rows)


async def test_round_robin_takes_turns_skips_the_absent_and_persists_its_cursor(
        chat: Chat) -> None:
    alice = chat.user("alice")
    first = await alice.says("new Rota swap for Friday")
    assert first.text == "Created IT-1 for Alice for Rota; assigned to Frank (round robin)."
    await alice.says("new Rota question")
    await chat.user("heidi").says("away until Wednesday")
    await alice.says("new Rota change")  # Heidi is away: Ivan
    await chat.user("erin").says("away @ivan until tomorrow")
    await alice.says("new Rota again")  # Ivan away too: round to Frank
    await chat.user("heidi").says("back")
    await alice.says("new Rota once more")  # after Frank: Grace
    await alice.says("new Rota and again")  # Heidi is back
    assert await assignees(chat) == ["frank", "grace", "ivan", "frank", "grace", "heidi"]
    history = (await chat.user("erin").says("history IT-4")).text
    assert history.splitlines()[-1].endswith(
        "reason: round robin: next after ivan; skipped (away): heidi until 2026-03-04 00:00 "
        "Asia/Shanghai, ivan until 2026-03-03 00:00 Asia/Shanghai  [system]")
    async with chat.app.engine.connect() as conn:
        cursor = (await conn.execute(select(TeamCursorRow.last_handle, TeamCursorRow.turns)
                                     .where(TeamCursorRow.team == "rota"))).one()
    assert tuple(cursor) == ("heidi", 6)


async def test_department_rules_route_by_who_asks(chat: Chat) -> None:
    sales = await chat.user("zoe").says("new Quote template is broken")
    assert sales.text.splitlines()[0] == "Created IT-1 for Zoe for Rota; assigned to Frank (round robin)."
    assert "P2" in (sales.card or "")
    finance = await chat.user("alice").says("new Quote template is broken")
    assert finance.text.splitlines()[0] == "Created IT-2 for Alice for Service Desk."


async def test_skill_match_prefers_the_full_match_then_the_lightest(chat: Chat) -> None:
    alice = chat.user("alice")
    payroll = await alice.says("new Payroll export fails")
    assert payroll.text == "Created IT-1 for Alice for Applications; assigned to Noah (skill match)."
    assert (await alice.says("new SAP login slow")).text.endswith("assigned to Mia (skill match).")
    # Noah (P3: 2) and Mia (P3: 2) both know SAP; the tie goes round after Mia: Noah.
    assert (await alice.says("new SAP report")).text.endswith("assigned to Noah (skill match).")
    assert (await alice.says("new ssh key rejected")).text.endswith("assigned to Olga (skill match).")
    history = (await chat.user("sam").says("history IT-1")).text
    assert history.splitlines()[-1].endswith(
        "reason: skill match: has payroll, sap; least loaded: noah 0  [system]")
    nobody = await alice.says("new Mainframe batch stuck")
    assert nobody.text == (
        "Created IT-5 for Alice for Applications; nobody could be assigned automatically (nobody "
        "available has the skills it needs), so it waits for the team to claim it.")
    explain = await alice.says("route explain mainframe batch stuck")
    assert explain.text.splitlines()[-1] == (
        "4. Nobody would be assigned now (nobody available has the skills it needs: cobol); it "
        "would wait in #desk.")


async def test_on_duty_follows_the_shifts_across_the_boundary(chat: Chat, clock: FakeClock) -> None:
    alice = chat.user("alice")
    # Monday 17:00 in Shanghai: the day shift, Pam's week.
    assert (await alice.says("new Outage of the VPN gateway")).text.splitlines()[0] == (
        "Created IT-1 for Alice for NOC; assigned to Pam (on duty).")
    clock.advance(minutes=59)
    assert (await alice.says("new Outage: DNS")).text.splitlines()[0].endswith("assigned to Pam (on duty).")
    clock.advance(minutes=1)  # 18:00: the night shift
    assert (await alice.says("new Outage: mail")).text.splitlines()[0].endswith(
        "assigned to Quinn (on duty).")
    clock.advance(days=7, hours=-2)  # next Monday 16:00: the day shift, Quinn's week
    assert (await alice.says("new 宕机：门禁系统")).text.splitlines()[0].endswith(
        "assigned to Quinn (on duty).")
    history = (await chat.user("oscar").says("history IT-3")).text
    # The assignment's line (a possible-duplicate hint about IT-2 may follow it).
    assigned = [line for line in history.splitlines() if "Assigned" in line or "assigned" in line]
    assert assigned[-1].endswith("reason: on duty: night shift 18:00-09:00 Asia/Shanghai  [system]")
    channel = await chat.user("alice").in_channel("#noc").says("new Something flickers")
    assert channel.text.splitlines()[0].endswith("assigned to Quinn (on duty).")


async def test_on_duty_with_nobody_on_duty_waits_in_triage(chat: Chat, clock: FakeClock) -> None:
    clock.advance(days=5, hours=-6)  # Saturday 11:00 in Shanghai: weekends have no day shift
    reply = await chat.user("alice").says("new Outage of the printer server")
    assert reply.text == (
        "Created IT-1 for Alice for NOC; nobody could be assigned automatically (nobody is on "
        "duty), so it waits for the team to claim it.")
    assert await assignees(chat) == [None]
    team = (await chat.user("oscar").says("list team noc")).text.splitlines()
    assert team[0] == "Open tickets of team noc (1 unassigned, listed first):"


async def test_p1_goes_straight_to_the_lead_of_a_manual_team(chat: Chat) -> None:
    p1 = await chat.user("alice").says("new P1 Nobody can log in")
    assert p1.text.splitlines()[0] == (
        "Created IT-1 for Alice for Service Desk; assigned to Dave (P1, straight "
        "to the team lead).")
    p2 = await chat.user("alice").says("new P2 Nobody can log in")
    assert p2.text.splitlines()[0] == "Created IT-2 for Alice for Service Desk."
    await chat.user("dave").says("away until Monday")
    p1_away = await chat.user("alice").says("new P1 Still nobody can log in")
    assert p1_away.text.splitlines()[0] == "Created IT-3 for Alice for Service Desk."  # the lead is away


async def test_a_team_with_nobody_in_it(chat: Chat) -> None:
    reply = await chat.user("alice").says("new Ghost in the machine")
    assert reply.text == (
        "Created IT-1 for Alice for Ghost Team; nobody could be assigned automatically (the team "
        "has nobody to assign to), so it waits for the team to claim it.")


async def test_twenty_creations_at_once_still_take_turns(chat: Chat) -> None:
    # Two queues, so the creations do not already queue up on one ticket-number counter: only
    # the team's cursor row keeps them from reading the same turn.
    people = ["alice", "zoe", "bob", "dave", "sam"]
    replies = await asyncio.gather(*(
        chat.user(people[i % len(people)]).says(f"new queue:{('IT', 'OPS')[i % 2]} Rota request {i}")
        for i in range(20)))
    assert all(r.ok for r in replies), [r.text for r in replies if not r.ok]
    assert Counter(await assignees(chat)) == {"frank": 5, "grace": 5, "heidi": 5, "ivan": 5}
    # In the order the assignments were written (under the cursor's lock), the turns go
    # strictly round: nobody is picked twice in a row, nobody is skipped.
    async with chat.app.engine.connect() as conn:
        order = (await conn.execute(select(AuditRow.changes).where(AuditRow.action == "assign")
                                    .order_by(AuditRow.id))).scalars().all()
    assert [c["assignee"][1] for c in order] == ["frank", "grace", "heidi", "ivan"] * 5
    async with chat.app.engine.connect() as conn:
        turns = (await conn.execute(select(TeamCursorRow.turns)
                                    .where(TeamCursorRow.team == "rota"))).scalar_one()
    assert turns == 20
