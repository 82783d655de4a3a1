"""`list overdue` (either clock past due) and `list at-risk` (warned, not yet breached), in English
and Chinese, with the sample organisation. 2026-03-02 09:00 UTC is Monday 17:00 in Shanghai: a P2
has one office hour to respond (10:00 UTC, 18:00 in Shanghai, as Dave reads it), warned at 50 %
(09:30) and 75 % (09:45)."""

from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.sla import run_sweep


async def test_an_unanswered_ticket_past_its_response_target_is_overdue(
        chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new P2 Printer offline")
    dave = chat.user("dave")
    clock.advance(hours=1, minutes=1)
    assert (await dave.says("list overdue")).text.splitlines() == [
        "Overdue tickets:",
        "• IT-1 [P2] Printer offline · New · unassigned · first response was due 2026-03-02 18:00 "
        "(Asia/Shanghai)",
    ]
    await chat.user("bob").says("claim IT-1")  # answered late: no longer waiting on anyone
    assert (await dave.says("list overdue")).text == "Overdue tickets:\nNothing here."


async def test_at_risk_lists_warned_clocks_until_they_breach(chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new P2 Printer offline")
    await chat.user("alice").says("new P3 Projector bulb")
    dave = chat.user("dave")
    assert (await dave.says("list at-risk")).text == "At risk (warned, not late yet):\nNothing here."
    clock.advance(minutes=31)
    await run_sweep(chat.app)  # the 50 % warning of IT-1's first response
    assert (await dave.says("list at-risk")).text.splitlines() == [
        "At risk (warned, not late yet):",
        "• IT-1 [P2] Printer offline · New · unassigned · first response due 2026-03-02 18:00 "
        "(Asia/Shanghai)",
    ]
    zh = Chat(chat.app, locale="zh-CN")
    assert (await zh.user("dave").says("列表 风险")).text.splitlines() == [
        "即将超时的工单（已预警）：",
        "• IT-1 [P2] Printer offline · 新建 · 未指派 · 首次响应截止 2026-03-02 18:00（北京时间 UTC+8）",
    ]
    clock.advance(minutes=30)
    await run_sweep(chat.app)  # 75 % warning, then the breach
    await run_sweep(chat.app)
    assert "Nothing here." in (await dave.says("list at-risk")).text
    assert (await zh.user("dave").says("列表 超时")).text.splitlines() == [
        "已超时工单：",
        "• IT-1 [P2] Printer offline · 新建 · 未指派 · 首次响应应于 2026-03-02 18:00（北京时间 UTC+8）完成",
    ]
    refused = await chat.user("alice").says("list at-risk")
    assert refused.text == "Only agents can list at-risk tickets. Try `list requests`."
