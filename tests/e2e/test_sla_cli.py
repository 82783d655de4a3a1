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
    assert "  2026-10-09 12:00 (Asia/Shanghai)  first response breached" in lines
    assert lines[-1] == "  2026-10-09 18:00 (Asia/Shanghai)  suspended, control channel told"


def test_simulate_refuses_an_unknown_policy() -> None:
    run = ticketbot("sqlite://", "sla", "simulate", "--policy", "gold")
    assert run.returncode == 2
    assert "unknown policy 'gold'" in run.stderr


def test_sweep_once(database_url: str) -> None:
    assert ticketbot(database_url, "db", "upgrade").returncode == 0
    run = ticketbot(database_url, "sla", "sweep")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "0 SLA step(s) done"
