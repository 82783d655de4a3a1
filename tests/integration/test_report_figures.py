"""A month of tickets with every figure worked out by hand, driven through the chat on SQLite and
PostgreSQL: the answer to `report 2026-11` says exactly those figures.

The office is in New York, 09:00-17:00 on weekdays, with the US holidays: November 2026 has the
end of daylight saving time (Sunday 1 November, 02:00 EDT becomes 01:00 EST) and Thanksgiving
(Thursday 26 November). P2: response 1h, resolution 8h; P3: 4h and 3 days (a day is 8h).

  IT-1  Thu 29 Oct 15:00  never touched: open at the end of October and of November
  IT-2  Fri 30 Oct 10:00  bob claims 10:30, resolves 12:00 (October: 30m, 2h)
  IT-3  Fri 30 Oct 16:30  carol claims Mon 2 Nov 09:15 (45m business; 65h45m wall, the night
                          of the DST change has 25 hours), resolves 11:15 (2h45m; 67h45m)
  IT-4  Mon 9 Nov 10:00   carol claims 10:25 (25m), resolves 11:00; alice reopens 14:00;
                          carol resolves Tue 10:00 (5h: the resolved hours are paused; 24h);
                          rated 2 "took two tries"
  IT-5  Tue 17 Nov 09:00  P3; bob claims 09:05 (5m), transfers to carol 10:00, carol resolves
                          Wed 18 Nov 17:00 (16h; 32h)
  IT-6  Wed 25 Nov 16:00  bob claims Fri 27 Nov 09:30 (Thanksgiving does not count: 1h30m,
                          breached; 41h30m wall), pends 10:00-11:00, resolves 15:00 (6h: the
                          pending hour is paused; 47h); rated 5 "great"
  IT-7  Mon 30 Nov 16:00  not answered by the end of November: backlog, 8h old

November: created 4 (IT-4..7), resolved 4 (IT-3..6), backlog 2 (IT-1 32d 10h old, IT-7 8h;
median 16d 9h). First response business 5m, 25m, 45m, 1h30m: median 35m, p90 1h30m; wall 5m,
25m, 41h30m, 65h45m: median 20h57m30s, p90 2d 17h45m. Resolution business 2h45m, 5h, 6h, 16h:
median 5h30m, p90 16h; wall 24h, 32h, 47h, 67h45m: median 1d 15h30m, p90 2d 19h45m. SLA:
response 3 of 4 (75.0%, IT-6 breached), resolution 4 of 4. Reopened 1 (25.0%), one-touch IT-3
and IT-6 (50.0%). CSAT (5 + 2) / 2 = 3.50 from 2 ratings, 50.0% of the resolved. carol: handled
3, resolved 3, median 5h, CSAT 2.00; bob: handled 2, resolved 1, median 6h, CSAT 5.00.
October: created 3, resolved 1, backlog 2 (IT-1, IT-3), response 30m, resolution 2h, 100%.
No self-service resolution: deflected 0 in both months.
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import App, build_app
from bot.settings import Settings
from tests.support.chat import Chat
from tests.support.clock import FakeClock

NEW_YORK = ZoneInfo("America/New_York")
ORG = """\
default_queue: IT
timezone: America/New_York
admins: [root]
people:
  - {handle: alice, name: Alice}
  - {handle: bob, name: Bob}
  - {handle: carol, name: Carol}
  - {handle: dave, name: Dave}
  - {handle: erin, name: Erin}
  - {handle: frank, name: Frank}
  - {handle: root, name: Root}
teams:
  - {key: ny, name: New York desk, leads: [dave], members: [bob, carol]}
  - {key: net, name: Network, leads: [erin], members: [frank]}
queues:
  - {key: IT, name: Help desk, default_team: ny, triage_channel: "#ny"}
sla:
  default_policy: office
  calendars:
    - name: newyork
      timezone: America/New_York
      hours: {mon-fri: ["09:00-17:00"]}
      holidays: US
  policies:
    - name: office
      calendar: newyork
      targets:
        P1: {response: 15m, resolution: 4h}
        P2: {response: 1h, resolution: 8h}
        P3: {response: 4h, resolution: 3d}
        P4: {response: 1d, resolution: 7d}
        P5: {response: 3d, resolution: 30d}
"""


def ny(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NEW_YORK).astimezone(UTC)


@pytest.fixture
async def app(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org, locale="en",
                        timezone="UTC")
    application = await build_app(settings, clock=clock)
    yield application
    await application.aclose()


async def month_of_tickets(chat: Chat, clock: FakeClock) -> None:
    async def at(when: datetime, who: str, text: str) -> None:
        clock.current = when
        reply = await chat.user(who).says(text)
        assert reply.ok, (text, reply.text)

    await at(ny(10, 29, 15), "alice", "new P2 Printer jams")  # IT-1
    await at(ny(10, 30, 10), "alice", "new P2 Mail quota")  # IT-2
    await at(ny(10, 30, 10, 30), "bob", "claim IT-2")
    await at(ny(10, 30, 12), "bob", "resolve IT-2 raised the quota")
    await at(ny(10, 30, 16, 30), "alice", "new P2 category:network VPN drops")  # IT-3
    await at(ny(11, 2, 9, 15), "carol", "claim IT-3")
    await at(ny(11, 2, 11, 15), "carol", "resolve IT-3 new VPN profile")
    await at(ny(11, 9, 10), "alice", "new P2 category:hardware Laptop fan")  # IT-4
    await at(ny(11, 9, 10, 25), "carol", "claim IT-4")
    await at(ny(11, 9, 11), "carol", "resolve IT-4 cleaned the fan")
    await at(ny(11, 9, 14), "alice", "reopen IT-4 still loud")
    await at(ny(11, 10, 10), "carol", "resolve IT-4 replaced the fan")
    await at(ny(11, 10, 10, 30), "alice", "rate IT-4 2 took two tries")
    await at(ny(11, 17, 9), "alice", "new P3 category:hardware New monitor")  # IT-5
    await at(ny(11, 17, 9, 5), "bob", "claim IT-5")
    await at(ny(11, 17, 10), "bob", "transfer IT-5 @carol reason: she has the stock")
    await at(ny(11, 17, 10), "carol", "claim IT-5")
    await at(ny(11, 18, 17), "carol", "resolve IT-5 delivered")
    await at(ny(11, 25, 16), "alice", "new P2 category:network Wifi slow")  # IT-6
    await at(ny(11, 27, 9, 30), "bob", "claim IT-6")
    await at(ny(11, 27, 10), "bob", "pend IT-6 waiting for the access point")
    await at(ny(11, 27, 11), "bob", "resume IT-6")
    await at(ny(11, 27, 15), "bob", "resolve IT-6 new access point")
    await at(ny(11, 27, 15, 30), "alice", "rate IT-6 5 great")
    await at(ny(11, 30, 16), "alice", "new P2 Keyboard missing keys")  # IT-7
    clock.current = ny(12, 2, 9)


async def test_the_november_report_says_the_figures_worked_out_by_hand(
        chat: Chat, clock: FakeClock) -> None:
    await month_of_tickets(chat, clock)
    reply = await chat.user("dave").says("report 2026-11")
    assert reply.ok, reply.text
    assert reply.text.splitlines() == [
        "Report 2026-11 · team ny · compared with 2026-10",
        "Created: 4 (prev 3, +1) · Resolved: 4 (prev 1, +3)",
        "Backlog at the end: 2 (prev 2, +0) · median age 16d 9h · oldest IT-1 (32d 10h)",
        "First response (4): business median 35m · p90 1h 30m (prev median 30m, +5m) · "
        "wall median 20h 57m · p90 2d 17h 45m (prev median 30m, +20h 27m)",
        "Resolution (4): business median 5h 30m · p90 16h (prev median 2h, +3h 30m) · "
        "wall median 1d 15h 30m · p90 2d 19h 45m (prev median 2h, +1d 13h 30m)",
        "SLA met: response 75.0% of 4 (prev 100.0%, -25.0 pt) · "
        "resolution 100.0% of 4 (prev 100.0%, +0.0 pt)",
        "Breached: response IT-6",
        "Reopened: 1 (prev 0, +1), 25.0% of the resolved · "
        "One-touch: 2 (prev 1, +1), 50.0% of the resolved",
        "Deflected (self-service): 0 (prev 0, +0), 0.0% of the resolved",
        "CSAT: 3.50 from 2 ratings (50.0% of the resolved) (prev none) · "
        "1★ 0 · 2★ 1 · 3★ 0 · 4★ 0 · 5★ 1",
        "Latest comments:",
        '  IT-6 (5★): "great"',
        '  IT-4 (2★): "took two tries"',
        "By agent:",
        "  carol: handled 3 · resolved 3 (prev 0) · open 0 · median resolution 5h · CSAT 2.00 (1)",
        "  bob: handled 2 · resolved 1 (prev 1) · open 0 · median resolution 6h · CSAT 5.00 (1)",
    ]


async def test_breakdowns_by_priority_and_category(chat: Chat, clock: FakeClock) -> None:
    await month_of_tickets(chat, clock)
    by_priority = (await chat.user("dave").says("report 2026-11 by priority")).text
    assert by_priority.split("By priority:\n")[1].splitlines() == [
        "  P2: created 3 · resolved 3 · SLA response 66.7% · resolution 100.0% · "
        "median resolution 5h",
        "  P3: created 1 · resolved 1 · SLA response 100.0% · resolution 100.0% · "
        "median resolution 16h",
    ]
    by_category = (await chat.user("dave").says("report last month by category")).text
    assert by_category.split("By category:\n")[1].splitlines() == [
        "  -: created 1 · resolved 0 · SLA response — · resolution — · median resolution —",
        "  hardware: created 2 · resolved 2 · SLA response 100.0% · resolution 100.0% · "
        "median resolution 10h 30m",
        "  network: created 1 · resolved 2 · SLA response 50.0% · resolution 100.0% · "
        "median resolution 4h 22m",
    ]


async def test_the_same_report_in_chinese(app: App, clock: FakeClock) -> None:
    await month_of_tickets(Chat(app), clock)
    reply = await Chat(app, "zh-CN").user("dave").says("报表 上个月")
    lines = reply.text.splitlines()
    assert lines[:3] == [
        "2026-11 报表 · 团队 ny · 对比 2026-10",
        "新建：4（上期 3，+1） · 解决：4（上期 1，+3）",
        "期末积压：2（上期 2，+0） · 账龄中位数 16天9小时 · 最久 IT-1（32天10小时）",
    ]
    assert "SLA 达成率：响应 75.0%，共 4 单（上期 100.0%，-25.0 个百分点）" in lines[5]
    assert lines[6] == "超时：响应 IT-6"
    assert lines[8] == "自助解决（分流）：0（上期 0，+0），占已解决的 0.0%"
    assert lines[9].startswith("满意度：平均 3.50，共 2 条评价（占已解决的 50.0%）")
    assert lines[-2:] == [
        "  carol：经手 3 · 解决 3（上期 0）· 在办 0 · 解决用时中位数 5小时 · 满意度 2.00（1 条）",
        "  bob：经手 2 · 解决 1（上期 1）· 在办 0 · 解决用时中位数 6小时 · 满意度 5.00（1 条）",
    ]


async def test_self_service_resolutions_count_as_deflected(app: App, clock: FakeClock) -> None:
    """On top of the month above: alice resolves three tickets herself with KB-1 (`solved … by
    KB-1`), one in October (IT-8) and two in November (IT-9, IT-10); she reopens IT-10 and carol
    resolves it, so its last resolution in November is an agent's. November: resolved 4 + 2 = 6,
    deflected 1 (IT-9), 1 / 6 = 16.7%; October: resolved 1 + 1 = 2, deflected 1 (IT-8)."""
    chat = Chat(app)
    await month_of_tickets(chat, clock)

    async def at(when: datetime, who: str, text: str) -> None:
        clock.current = when
        reply = await chat.user(who).says(text)
        assert reply.ok, (text, reply.text)

    await at(ny(10, 20, 10), "bob", "kb new Mailbox full -- Empty Deleted Items, then restart "
                                    "Outlook.")
    await at(ny(10, 30, 13), "alice", "new P3 Mailbox full")  # IT-8
    await at(ny(10, 30, 13, 10), "alice", "solved IT-8 by KB-1")
    await at(ny(11, 12, 10), "alice", "new P3 Outlook says my mailbox is full")  # IT-9
    await at(ny(11, 12, 10, 5), "alice", "solved IT-9 by KB-1")
    await at(ny(11, 13, 10), "alice", "new P3 Mailbox full again")  # IT-10
    await at(ny(11, 13, 10, 5), "alice", "solved IT-10 by KB-1")
    await at(ny(11, 13, 11), "alice", "reopen IT-10 still full")
    # Reopened, it is in progress with nobody assigned (its requester resolved it): the lead
    # gives it to carol.
    await at(ny(11, 13, 11, 30), "dave", "assign IT-10 @carol")
    await at(ny(11, 13, 12), "carol", "resolve IT-10 raised the quota")
    clock.current = ny(12, 2, 9)

    english = (await chat.user("dave").says("report 2026-11")).text.splitlines()
    assert english[1] == "Created: 6 (prev 4, +2) · Resolved: 6 (prev 2, +4)"
    assert "Deflected (self-service): 1 (prev 1, +0), 16.7% of the resolved" in english
    october = (await chat.user("dave").says("report 2026-10")).text.splitlines()
    assert "Deflected (self-service): 1 (prev 0, +1), 50.0% of the resolved" in october
    chinese = (await Chat(app, "zh-CN").user("dave").says("报表 2026-11")).text.splitlines()
    assert "自助解决（分流）：1（上期 1，+0），占已解决的 16.7%" in chinese
