"""The real `ticketbot` process: a scripted console session piped in, on SQLite and PostgreSQL."""

import os
import re
import subprocess
import sys

import pytest

SCRIPT = """\
new P2 Email down on floor 3
/as bob
claim IT-1
transfer IT-1 @carol reason: needs network team
/as carol
note IT-1 checked the switch, port 12 flapping
pend IT-1 waiting for alice to reboot the laptop
/as alice
resume IT-1
/as carol
resolve IT-1 replaced the cable
/as alice
reopen IT-1 still drops every hour
/as carol
resolve IT-1 replaced the switch port
/as alice
close IT-1
/as dave
history IT-1
"""

TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} \([^)]+\)  ")


def ticketbot(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TICKETBOT_")}
    env.update(DATABASE_URL=database_url, TICKETBOT_LOG_LEVEL="WARNING")
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_scripted_session_takes_a_ticket_through_its_whole_life(database_url: str) -> None:
    upgraded = ticketbot(database_url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr

    run = ticketbot(database_url, "console", stdin=SCRIPT)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    for line in (
        "alice> new P2 Email down on floor 3",
        "Created IT-1 for Alice for IT Support.",
        "bob> claim IT-1",
        "Bob claimed IT-1.",
        "IT-1 was transferred to Carol: needs network team",
        "Internal note added to IT-1 (agents only).",
        "IT-1 is pending: waiting for alice to reboot the laptop",
        "IT-1 is back in progress.",
        "IT-1 is resolved: replaced the cable. It closes by itself in 3 days unless reopened.",
        "IT-1 was reopened: still drops every hour.",
        "IT-1 is closed.",
        "  [1] Claim              claim IT-1",
    ):
        assert line in out, f"missing {line!r} in transcript:\n{out}"

    history = out[out.index("History of IT-1"):].splitlines()[1:]
    steps = [TIME.sub("", line) for line in history if TIME.match(line)]
    assert steps == [
        "Alice  Created (New)  [console]",
        "Bob  Claim (New → In progress) · assignee: — → Bob  [console]",
        "Bob  SLA first response after 0m of 1h: met  [console]",
        "Bob  Transfer (In progress → Assigned) · assignee: Bob → Carol · reason: needs network team"
        "  [console]",
        "Carol  Add note  [console]",
        "Carol  Pend (Assigned → Pending) · reason: waiting for alice to reboot the laptop  [console]",
        "Carol  SLA clocks paused  [console]",
        "Alice  Resume (Pending → In progress)  [console]",
        "Alice  SLA clocks resumed · paused 0m (in total 0m)  [console]",
        "Carol  Resolve (In progress → Resolved) · reason: replaced the cable  [console]",
        "Carol  SLA resolution clock stopped at 0m of 8h: met  [console]",
        "Alice  Reopen (Resolved → In progress) · reason: still drops every hour  [console]",
        "Alice  SLA clocks resumed · paused 0m (in total 0m)  [console]",
        "Carol  Resolve (In progress → Resolved) · reason: replaced the switch port  [console]",
        "Carol  SLA resolution clock stopped at 0m of 8h: met  [console]",
        "Alice  Close (Resolved → Closed)  [console]",
    ]


def test_numbered_card_actions_run_the_action(database_url: str) -> None:
    assert ticketbot(database_url, "db", "upgrade").returncode == 0
    run = ticketbot(database_url, "console", "--as", "bob",
                    stdin="new Monitor flickers\n1\n")
    assert run.returncode == 0, run.stderr
    # Bob is an agent: action 1 on a new ticket is Claim.
    assert "bob> 1" in run.stdout
    assert "Bob claimed IT-1." in run.stdout


def test_config_check_names_file_line_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "org.yaml"
    bad.write_text(
        "default_queue: IT\n"
        "people:\n"
        "  - {handle: alice, name: Alice}\n"
        "teams:\n"
        "  - key: it\n"
        "    name: IT\n"
        "    leads: [zed]\n"
        "queues:\n"
        "  - {key: IT, name: Help desk, default_team: it}\n")
    run = ticketbot("sqlite://", "config", "check", str(bad))
    assert run.returncode == 2
    assert f"{bad}:7: teams[0].leads[0]: unknown person 'zed'" in run.stderr


@pytest.mark.parametrize("locale,expected", [("zh-CN", "已为 Alice 创建工单 IT-1，由 IT Support 处理。")])
def test_console_speaks_chinese(database_url: str, locale: str, expected: str) -> None:
    assert ticketbot(database_url, "db", "upgrade").returncode == 0
    run = ticketbot(database_url, "console", "--locale", locale, stdin="新建 P2 打印机无法联网\n")
    assert run.returncode == 0, run.stderr
    assert expected in run.stdout


def test_routing_from_the_console(database_url: str) -> None:
    assert ticketbot(database_url, "db", "upgrade").returncode == 0
    script = ("new P2 VPN down on floor 3\n/in #netops\nnew Odd blinking light\n/in\n"
              "route explain printer on floor 2 jams\n/as frank\naway until 3d\n/as erin\n"
              "list team\n")
    run = ticketbot(database_url, "console", stdin=script)
    assert run.returncode == 0, run.stderr
    for line in (
        "Created IT-1 for Alice for Network; assigned to Frank (least loaded).",
        "  📣 to frank: IT-1 (VPN down on floor 3) was assigned to Frank automatically. Reason: "
        "least loaded (open tickets weighted by priority): frank 0, grace 0",
        "You are now writing in #netops.",
        "Created IT-2 for Alice for Network; assigned to Grace (least loaded).",
        '1. Rule printer matches: keyword "printer" in the title (after 1 rule that did not match).',
        "You still have 1 open ticket: IT-1. A lead can hand them over with `assign IT-1 @person`.",
        "Open tickets of team network:",
    ):
        assert line in run.stdout, f"missing {line!r} in transcript:\n{run.stdout}"


def test_people_mentioned_in_notes_and_replies_join_and_are_told(database_url: str) -> None:
    assert ticketbot(database_url, "db", "upgrade").returncode == 0
    script = ("new P2 Relay keeps tripping\n/as bob\nclaim IT-1\n"
              "note IT-1 @carol please check the relay\nreply IT-1 @dave is on it too\n"
              "/as alice\nnew P3 Printer broken @here\n/as dave\nhistory IT-1\n")
    run = ticketbot(database_url, "console", stdin=script)
    assert run.returncode == 0, run.stderr
    for line in (
        "Internal note added to IT-1 (agents only). Added Carol as collaborators.",
        "  📣 to carol: Bob mentioned you in an internal note on IT-1 (Relay keeps tripping) and "
        "added you to it: @carol please check the relay",
        "Reply added to IT-1. Added Dave as collaborators.",
        "  📣 to dave: Bob mentioned you on IT-1 (Relay keeps tripping) and added you to it: "
        "@dave is on it too",
        "  📣 to alice: Bob replied on IT-1: @dave is on it too",
        "Created IT-2 for Alice for IT Support.",  # `@here` is part of the title, not a person
    ):
        assert line in run.stdout, f"missing {line!r} in transcript:\n{run.stdout}"
    history = [TIME.sub("", line) for line in run.stdout.splitlines() if TIME.match(line)]
    assert "Bob  Add collaborator · added Carol  [console]" in history
    assert "Bob  Add collaborator · added Dave  [console]" in history
