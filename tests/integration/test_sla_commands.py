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
        # dave leads IT, whose zone is Shanghai: he reads Shanghai time, and business hours.
        "First response: running · due 2026-03-02 18:00 (Asia/Shanghai) · used 0m of 1 business hour",
        "Resolution: running · due 2026-03-03 17:30 (Asia/Shanghai) · used 0m of 8 business hours",
        "Paused: 0m in total",
        "Next step: warning at 50% of the first response time at 2026-03-02 17:30 (Asia/Shanghai)",
    ]
    await chat.user("bob").says("claim IT-1")
    clock.advance(minutes=20)
    await chat.user("bob").says("pend IT-1 waiting for toner")
    lines = (await chat.user("alice").says("sla IT-1")).text.splitlines()
    assert lines[1] == "First response: met (0m of 1 business hour)"
    assert lines[2] == ("Resolution: paused · due 2026-03-03 17:30 (Asia/Shanghai) · "
                        "used 20m of 8 business hours")
    assert lines[3] == "Paused: 0m in total · paused since 2026-03-02 17:20 (Asia/Shanghai)"
    assert lines[4] == "Next step: none"
    refused = await chat.user("mallory").says("sla IT-1")
    assert refused.text == "You are not a participant of IT-1."


async def test_sla_explain_is_a_dry_run(chat: Chat) -> None:
    p3 = (await chat.user("bob").says("sla explain P3 queue=IT")).text.splitlines()
    assert p3[:4] == [
        "A P3 incident in queue IT opened now, 2026-03-02 17:00 (Asia/Shanghai):",
        "Policy standard · calendar shanghai (Asia/Shanghai)",
        "First response due 2026-03-03 12:00 (Asia/Shanghai) (target 4 business hours)",
        "Resolution due 2026-03-05 17:00 (Asia/Shanghai) (target 3 business days)",
    ]
    assert p3[5] == "  2026-03-03 10:00 (Asia/Shanghai)  warning at 50% of the first response time"
    p1 = (await chat.user("bob").says("时效 试算 P1")).text.splitlines()
    assert p1[1] == "Policy standard · calendar 24x7 (Asia/Shanghai)"
    assert p1[2:4] == ["First response due 2026-03-02 17:15 (Asia/Shanghai) (target 15 minutes)",
                       "Resolution due 2026-03-02 21:00 (Asia/Shanghai) (target 4 hours)"]
    # The sweep's own steps: the reassign names the person on duty, a P1 cannot be raised.
    assert p1[5:12] == [
        "  2026-03-02 17:07 (Asia/Shanghai)  warning at 50% of the first response time",
        "  2026-03-02 17:11 (Asia/Shanghai)  warning at 75% of the first response time",
        "  2026-03-02 17:15 (Asia/Shanghai)  first response breached",
        "  2026-03-02 17:15 (Asia/Shanghai)  escalation step 1: notify lead",
        "  2026-03-02 17:15 (Asia/Shanghai)  escalation step 2: post channel",
        "  2026-03-02 17:45 (Asia/Shanghai)  escalation step 3: reassigned to bob",
        "  2026-03-02 18:45 (Asia/Shanghai)  escalation step 4 skipped: priority cannot be raised",
    ]
    unknown = await chat.user("bob").says("sla explain P1 queue=OPS")
    assert unknown.text == 'There is no queue "OPS". Queues: HR, IT.'
    usage = await chat.user("bob").says("help sla")
    assert usage.text.startswith("Usage: sla <ticket> | sla explain P1-P5")
