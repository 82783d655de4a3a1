"""The organisation file: the sample loads, and every mistake names file, line and field."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.orgfile import SAMPLE, OrgFileError, load_org, parse_duration
from workflows.priority import Priority

VALID = """\
default_queue: IT
admins: [admin]
people:
  - {handle: alice, name: Alice, slack_id: U0ALICE, dingtalk_id: staff-alice}
  - {handle: bob, name: Bob}
  - {handle: admin, name: Admin}
teams:
  - key: it
    name: IT Support
    leads: [bob]
    members: [bob]
queues:
  - {key: IT, name: Help desk, default_team: it}
policies:
  urge_interval_minutes: 10
  targets:
    P1: {response: 10m, resolution: 2h}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(OrgFileError) as caught:
        load_org(write(tmp_path, text))
    return caught.value.problems


def test_sample_organisation_matches_the_readme() -> None:
    loaded = load_org()
    org = loaded.org
    assert org.default_queue == "IT"
    assert org.teams["it"].leads == {"dave"} and org.teams["it"].members == {"bob", "carol"}
    assert "network" in org.teams
    assert {e.handle for e in loaded.directory} >= {"alice", "bob", "carol", "dave"}


def test_valid_file_builds_policies(tmp_path: Path) -> None:
    loaded = load_org(write(tmp_path, VALID))
    policies = loaded.org.policies
    assert policies.urge_interval == timedelta(minutes=10)
    # Without an `sla:` section the targets are wall-clock time, as before SLA policies existed.
    targets = loaded.org.sla.policy("default").targets
    assert targets[Priority.P1].resolution == timedelta(hours=2)
    assert targets[Priority.P3].resolution == timedelta(days=3)  # default kept
    assert loaded.org.sla.calendar("24x7").is_open(datetime(2026, 3, 7, 3, 0, tzinfo=UTC))
    alice = next(e for e in loaded.directory if e.handle == "alice")
    assert (alice.slack_id, alice.dingtalk_id) == ("U0ALICE", "staff-alice")


@pytest.mark.parametrize(("edit", "expected"), [
    (("leads: [bob]", "leads: [zed]"), ":10: teams[0].leads[0]: unknown person 'zed'"),
    (("admins: [admin]", "admins: [root]"), ":2: admins[0]: unknown person 'root'"),
    (("default_team: it}", "default_team: ops}"),
     ":13: queues[0].default_team: unknown team 'ops'"),
    (("default_queue: IT", "default_queue: HR"), ":1: default_queue: unknown queue 'HR'"),
    (("response: 10m", "response: soon"),
     ":17: policies.targets.P1.response: Value error, 'soon' is not a duration"),
    (("{key: IT,", "{key: it,"), ":13: queues[0].key: String should match pattern"),
    (("urge_interval_minutes: 10", "urge_every: 10"), ":15: policies.urge_every: Extra inputs"),
    (("- {handle: bob, name: Bob}", "- {handle: alice, name: Bob}"),
     ":5: people[1].handle: duplicate person 'alice'"),
    (("default_team: it}", "default_team: it, resume_on_requester_reply: sometimes}"),
     ":13: queues[0].resume_on_requester_reply: Input should be a valid boolean"),
])
def test_each_mistake_is_located(tmp_path: Path, edit: tuple[str, str], expected: str) -> None:
    found = problems(tmp_path, VALID.replace(*edit))
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path / "org.yaml")) for p in found)


def test_broken_yaml_and_missing_file(tmp_path: Path) -> None:
    assert "not valid YAML" in problems(tmp_path, "people: [\n")[0]
    with pytest.raises(OrgFileError, match="cannot read"):
        load_org(tmp_path / "missing.yaml")


@pytest.mark.parametrize(("text", "expected"), [
    ("15m", timedelta(minutes=15)), ("4h", timedelta(hours=4)), ("3d", timedelta(days=3)),
    ("2w", timedelta(weeks=2)), (90, timedelta(minutes=90)),
])
def test_durations(text: str | int, expected: timedelta) -> None:
    assert parse_duration(text) == expected


def test_a_queue_chooses_whether_a_requester_reply_resumes(tmp_path: Path) -> None:
    assert load_org(write(tmp_path, VALID)).org.queues["IT"].resume_on_requester_reply
    off = VALID.replace("default_team: it}", "default_team: it, resume_on_requester_reply: false}")
    assert not load_org(write(tmp_path, off)).org.queues["IT"].resume_on_requester_reply


def test_a_team_digest_is_read_in_the_teams_zone(tmp_path: Path) -> None:
    from datetime import time
    from zoneinfo import ZoneInfo

    org_file = tmp_path / "org.yaml"
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["teams"][0]["digest"] = {"channel": "C0LEADS", "weekday": "Friday", "time": "17:30"}
    data["teams"][0]["timezone"] = "Asia/Shanghai"
    data["teams"][1]["digest"] = {"channel": {"dingtalk": "cidLEADS=="}}
    org_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    teams = list(load_org(org_file).org.teams.values())
    first, second = teams[0].digest, teams[1].digest
    assert first is not None and second is not None
    assert (first.channels, first.weekday, first.at, first.tz) == (
        {"slack": "C0LEADS"}, 4, time(17, 30), ZoneInfo("Asia/Shanghai"))
    assert (second.channels, second.weekday, second.at) == ({"dingtalk": "cidLEADS=="}, 0, time(9))


def test_a_bad_digest_weekday_or_time_is_named(tmp_path: Path) -> None:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["teams"][0]["digest"] = {"channel": "C0LEADS", "weekday": "someday", "time": "25:00"}
    org_file = tmp_path / "org.yaml"
    org_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(OrgFileError) as error:
        load_org(org_file)
    text = "\n".join(error.value.problems)
    assert "digest" in text and "weekday" in text and "time" in text
