"""Routing and assignment in the organisation file: what loads, and precise errors for the rest."""

from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.orgfile import OrgFileError, load_org
from workflows.assignment import P1Bypass, Strategy
from workflows.kinds import TicketType
from workflows.priority import Priority

VALID = """\
default_queue: IT
timezone: Asia/Shanghai
people:
  - {handle: alice, name: Alice, department: Finance}
  - {handle: erin, name: Erin}
  - {handle: frank, name: Frank, skills: [VPN, wifi], timezone: Europe/Berlin}
teams:
  - key: network
    name: Network
    leads: [erin]
    members: [frank]
    assignment: skill
    p1_bypass: on_duty
    roster:
      - {name: day, days: [mon, tue], start: "09:00", end: 18:00, rotation: [frank, erin]}
queues:
  - {key: IT, name: Help desk, default_team: network}
routing:
  - name: vpn
    match:
      keywords: [vpn, 网络]
      regex: ['\\bwi-?fi\\b']
      types: [request]
    set: {team: network, priority: P2, skills: [vpn], type: change}
category_skills:
  Wireless: [WIFI]
policies:
  load_weights: {P1: 10}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(OrgFileError) as caught:
        load_org(write(tmp_path, text))
    return caught.value.problems


def test_a_valid_file_builds_rules_strategies_and_rosters(tmp_path: Path) -> None:
    org = load_org(write(tmp_path, VALID)).org
    team = org.teams["network"]
    policy = team.assignment
    assert (policy.strategy, policy.p1_bypass, policy.tz) == (
        Strategy.SKILL, P1Bypass.ON_DUTY, ZoneInfo("Asia/Shanghai"))
    [shift] = policy.roster.shifts
    # An unquoted 18:00 is a base-60 number to YAML 1.1; it is read back as the time.
    assert (shift.start, shift.end, shift.days, shift.rotation) == (
        time(9), time(18), {0, 1}, ("frank", "erin"))
    [rule] = org.routing
    assert rule.match.types == {TicketType.SERVICE_REQUEST}
    assert (rule.outcome.type, rule.outcome.priority) == (TicketType.CHANGE_REQUEST, Priority.P2)
    assert org.profile("frank").skills == {"vpn", "wifi"}
    assert org.profile("frank").tz == ZoneInfo("Europe/Berlin")
    assert org.profile("alice").department == "Finance"
    assert org.category_skills == {"wireless": {"wifi"}}
    assert org.policies.load_weights[Priority.P1] == 10
    assert org.policies.load_weights[Priority.P3] == 2  # the default kept


def test_the_sample_ships_rules_and_strategies() -> None:
    org = load_org().org
    assert [r.name for r in org.routing][:3] == ["vpn", "printer", "network"]
    assert org.teams["it"].assignment.strategy is Strategy.MANUAL
    assert org.teams["network"].assignment.strategy is Strategy.LEAST_LOADED
    assert org.teams["network"].takers == ("frank", "grace")


@pytest.mark.parametrize(("edit", "expected"), [
    (("'\\bwi-?fi\\b'", "'wi(fi'"),
     ":22: routing[0].match.regex[0]: Value error, 'wi(fi' is not a valid regular expression: "
     "missing ), unterminated subpattern at position 2"),
    (("team: network, priority", "team: net, priority"),
     ":24: routing[0].set.team: unknown team 'net'"),
    (("priority: P2,", "priority: P7,"), ":24: routing[0].set.priority: Input should be"),
    (("types: [request]", "types: [bug]"),
     ":23: routing[0].match.types[0]: 'bug' is not a ticket type"),
    (("assignment: skill", "assignment: fastest"), ":12: teams[0].assignment: Input should be"),
    (("rotation: [frank, erin]", "rotation: [frank, alice]"),
     ":15: teams[0].roster[0].rotation[1]: 'alice' is not a lead or member of team 'network'"),
    (('start: "09:00"', 'start: "9am"'),
     ":15: teams[0].roster[0].start: Value error, '9am' is not a time of day like 09:00"),
    (("days: [mon, tue]", "days: [mon, tea]"), ":15: teams[0].roster[0].days: Value error"),
    (("timezone: Asia/Shanghai", "timezone: Asia/Shangai"),
     ":2: timezone: Value error, unknown time zone 'Asia/Shangai'"),
    (("timezone: Europe/Berlin", "timezone: Berlin"), ":6: people[2].timezone: Value error"),
    (("skills: [vpn], type", "skills: [sap], type"),
     ":24: routing[0].set.skills[0]: no one on team 'network' has skill 'sap'"),
    (("type: change}", "type: task}\nticket_types: [incident, service_request, change_request]"),
     ":24: routing[0].set.type: ticket type 'task' is not enabled"),
    (("keywords: [vpn, 网络]", "keywords: [vpn, ' ']"),
     ":21: routing[0].match.keywords[1]: Value error, a keyword cannot be blank"),
    ((VALID[VALID.index("    roster:"):VALID.index("queues:")], ""),
     ":13: teams[0].p1_bypass: on_duty needs a roster of shifts for the team"),
    (("load_weights: {P1: 10}", "load_weights: {P1: -1}"),
     ":28: policies.load_weights: Value error, weights cannot be negative"),
])
def test_each_mistake_is_located(tmp_path: Path, edit: tuple[str, str], expected: str) -> None:
    assert edit[0] in VALID, edit[0]
    found = problems(tmp_path, VALID.replace(*edit))
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path / "org.yaml")) for p in found)


def test_rules_after_a_catch_all_and_duplicate_names_are_reported(tmp_path: Path) -> None:
    text = VALID + """\
  - name: everything
    set: {team: network}
  - name: vpn
    match: {keywords: [x]}
    set: {priority: P1}
"""
    text = text.replace("category_skills:\n  Wireless: [WIFI]\npolicies:\n  load_weights: {P1: 10}\n",
                        "")
    found = problems(tmp_path, text)
    assert any(":27: routing[2].name: duplicate rule 'vpn'" in p for p in found), found
    assert any(":27: routing[2].name: rule 'vpn' can never match: rule 'everything' above it "
               "matches every ticket" in p for p in found), found
