"""`sla IT-42` and `sla explain` through the dispatcher, with the sample organisation (business
calendar in Shanghai, 24x7 for P1). 2026-03-02 09:00 UTC is Monday 17:00 in Shanghai."""

from tests.support.chat import Chat
from tests.support.clock import FakeClock


async def test_sla_shows_both_clocks_paused_time_and_the_next_step(chat: Chat, clock: FakeClock
                                                                    ) -> None:
    await chat.user("alice").says("new P2 Printer offline")
    status = await chat.user("dave").says("sla IT-1")
    assert status.text.splitlines() == [
        "SLA of IT-1 · P2 · policy standard · calendar shanghai",
        # 1 business hour: the last office hour of Monday; 8 hours: Tuesday 17:30 (09:30 UTC).
        "First response: running · due 2026-03-02 10:00 · used 0m of 1h",
        "Resolution: running · due 2026-03-03 09:30 · used 0m of 8h",
        "Paused: 0m in total",
        "Next step: warning at 50% of the first response time at 2026-03-02 09:30",
    ]
    await chat.user("bob").says("claim IT-1")
    clock.advance(minutes=20)
    await chat.user("bob").says("pend IT-1 waiting for toner")
    lines = (await chat.user("alice").says("sla IT-1")).text.splitlines()
    assert lines[1] == "First response: met (0m of 1h)"
    assert lines[2] == "Resolution: paused · due 2026-03-03 09:30 · used 20m of 8h"
    assert lines[3] == "Paused: 0m in total · paused since 2026-03-02 09:20"
    assert lines[4] == "Next step: none"
    refused = await chat.user("mallory").says("sla IT-1")
    assert refused.text == "You are not a participant of IT-1."


async def test_sla_explain_is_a_dry_run(chat: Chat) -> None:
    p3 = (await chat.user("bob").says("sla explain P3 queue=IT")).text.splitlines()
    assert p3[:4] == [
        "A P3 incident in queue IT opened now (2026-03-02 09:00):",
        "Policy standard · calendar shanghai (Asia/Shanghai)",
        "First response due 2026-03-03 04:00",  # Tuesday 12:00 in Shanghai
        "Resolution due 2026-03-05 09:00",  # three office days: Thursday 17:00
    ]
    assert p3[5] == "  2026-03-03 02:00  warning at 50% of the first response time"
    p1 = (await chat.user("bob").says("时效 试算 P1")).text.splitlines()
    assert p1[1] == "Policy standard · calendar 24x7 (Asia/Shanghai)"
    assert p1[2:4] == ["First response due 2026-03-02 09:15", "Resolution due 2026-03-02 13:00"]
    # The sweep's own steps: the reassign names the person on duty, a P1 cannot be raised.
    assert p1[5:12] == [
        "  2026-03-02 09:07  warning at 50% of the first response time",
        "  2026-03-02 09:11  warning at 75% of the first response time",
        "  2026-03-02 09:15  first response breached",
        "  2026-03-02 09:15  escalation step 1: notify lead",
        "  2026-03-02 09:15  escalation step 2: post channel",
        "  2026-03-02 09:45  escalation step 3: reassigned to bob",
        "  2026-03-02 10:45  escalation step 4 skipped: priority cannot be raised",
    ]
    unknown = await chat.user("bob").says("sla explain P1 queue=HR")
    assert unknown.text == 'There is no queue "HR". Queues: IT.'
    usage = await chat.user("bob").says("help sla")
    assert usage.text.startswith("Usage: sla <ticket> | sla explain P1-P5")
