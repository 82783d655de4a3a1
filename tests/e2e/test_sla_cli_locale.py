"""`ticketbot sla simulate` speaks the deployment's language (TICKETBOT_LOCALE) unless --locale
says otherwise: a zh-CN operator reads no English but command words and identifiers."""

import os
import subprocess
import sys

from tests.support.leaks import english_words

# The sample organisation's own names: a policy, a calendar, a queue.
# Organisation data: the policy and calendar names, and the handle of the agent the dry run
# has take the ticket (the command line knows handles, not names).
DATA = frozenset({"standard", "shanghai", "bob"})


def simulate(*args: str, locale: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TICKETBOT_")}
    env.update(DATABASE_URL="sqlite://", TICKETBOT_LOG_LEVEL="WARNING")
    if locale:
        env["TICKETBOT_LOCALE"] = locale
    return subprocess.run([sys.executable, "-m", "bot.cli", "sla", "simulate", *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_simulate_in_chinese_from_the_deployments_locale() -> None:
    run = simulate("--priority", "P3", "--at", "2026-09-30T17:00+08:00",
                   "--pause", "2026-10-08T10:00+08:00/2026-10-09T10:00+08:00", locale="zh-CN")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("P3 故障 · 队列 IT · 策略 standard · 日历 shanghai")
    assert lines[3] == "暂停 2026-10-08 10:00（北京时间 UTC+8） → 2026-10-09 10:00（北京时间 UTC+8）"
    for line in lines:
        assert english_words(line, DATA) == [], line


def test_an_unknown_policy_is_refused_in_chinese() -> None:
    run = simulate("--policy", "gold", locale="zh-CN")
    assert run.returncode == 2
    assert "没有名为「gold」的策略" in run.stderr


def test_locale_option_wins_over_the_deployments() -> None:
    run = simulate("--priority", "P3", "--locale", "en", locale="zh-CN")
    assert run.returncode == 0, run.stderr
    assert " in IT · policy standard" in run.stdout.splitlines()[0]
