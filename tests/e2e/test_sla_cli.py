"""`ticketbot sla simulate` and `ticketbot sla sweep` as a deployer runs them."""

from tests.e2e.test_console import ticketbot


def test_simulate_prints_due_times_and_the_escalation_across_national_day() -> None:
    run = ticketbot("sqlite://", "sla", "simulate", "--priority", "P3",
                    "--at", "2026-09-30T17:00+08:00",
                    "--pause", "2026-10-08T10:00+08:00/2026-10-09T10:00+08:00")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:4] == [
        "P3 incident in IT · policy standard · calendar shanghai (Asia/Shanghai) · "
        "opened 2026-09-30 17:00 (Asia/Shanghai)",
        "first response target 4 business hours, due 2026-10-08 12:00 (Asia/Shanghai) (without pauses)",
        # make-up Saturday; an office calendar's target is in business hours, never 24-hour days
        "resolution target 3 business days, due 2026-10-10 17:00 (Asia/Shanghai) (without pauses)",
        "paused 2026-10-08 10:00 (Asia/Shanghai) → 2026-10-09 10:00 (Asia/Shanghai)",
    ]
    # Pending needs an owner, and taking the ticket is its first response: no response breach.
    assert lines[4] == ("claimed by bob at 2026-10-08 10:00 (Asia/Shanghai) to pend it "
                        "(a pend needs an owner and is a first response)")
    assert not any("first response breached" in line for line in lines)
    # The pause moved the breach by its business day: Saturday (make-up day) 17:00 → Monday.
    assert "  2026-10-12 17:00 (Asia/Shanghai)  resolution breached" in lines
    # The steps the sweep would do: bob, on duty, has it already; P3 is raised to P2 and the
    # reminders after it follow the new target's calendar.
    assert "  2026-10-12 17:30 (Asia/Shanghai)  escalation step 3 skipped: nobody to reassign to" in lines
    assert "  2026-10-13 09:30 (Asia/Shanghai)  escalation step 4: priority raised to P2" in lines
    assert lines[-1] == "  2026-10-13 14:00 (Asia/Shanghai)  suspended, control channel told"


def test_simulate_an_untouched_p1_reassigns_and_cannot_be_raised() -> None:
    run = ticketbot("sqlite://", "sla", "simulate", "--priority", "P1",
                    "--at", "2026-03-02T09:00+00:00")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "  2026-03-02 17:45 (Asia/Shanghai)  escalation step 3: reassigned to bob" in lines  # on duty
    assert "  2026-03-02 18:45 (Asia/Shanghai)  escalation step 4 skipped: priority cannot be raised" in lines
    # Bob has it since the first reassign: the resolution chain's reassign has nobody new.
    assert "  2026-03-02 21:30 (Asia/Shanghai)  escalation step 3 skipped: nobody to reassign to" in lines
    assert lines[-1] == "  2026-03-02 21:45 (Asia/Shanghai)  suspended, control channel told"


def test_simulate_refuses_an_unknown_policy() -> None:
    run = ticketbot("sqlite://", "sla", "simulate", "--policy", "gold")
    assert run.returncode == 2
    assert "unknown policy 'gold'" in run.stderr


def test_sweep_once(database_url: str) -> None:
    assert ticketbot(database_url, "db", "upgrade").returncode == 0
    run = ticketbot(database_url, "sla", "sweep")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "0 SLA step(s) done"
