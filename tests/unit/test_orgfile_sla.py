"""The `sla:` section of the organisation file: calendars, policies, and located mistakes."""

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.orgfile import OrgFileError, load_org
from tests.support.sla import FAST_ORG
from workflows.kinds import TicketType
from workflows.priority import Priority
from workflows.sla_policy import Facts, StepAction


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(OrgFileError) as caught:
        load_org(write(tmp_path, text))
    return caught.value.problems


def test_the_sample_has_a_business_calendar_a_24x7_p1_and_a_default_policy() -> None:
    org = load_org().org
    policy = org.sla.match(Facts("IT", "it", TicketType.INCIDENT, None))
    assert policy.name == org.sla.default == "standard"
    assert policy.calendar_for(Priority.P1) == "24x7"
    shanghai = org.sla.calendar("shanghai")
    assert shanghai.tz == ZoneInfo("Asia/Shanghai")
    assert shanghai.hours_of(date(2026, 3, 2)) == ((540, 720), (810, 1080))
    assert shanghai.hours_of(date(2026, 10, 1)) == ()  # National Day
    # "3d" is three working days of 7.5 hours on the business calendar; P1 is 24x7 time.
    assert policy.targets[Priority.P3].resolution == timedelta(hours=22.5)
    assert policy.targets[Priority.P1].resolution == timedelta(hours=4)
    assert [s.action for s in policy.chain.steps] == [
        StepAction.NOTIFY_LEAD, StepAction.POST_CHANNEL, StepAction.REASSIGN,
        StepAction.RAISE_PRIORITY]
    assert org.teams["it"].sla_channels["escalation"] == {"console": "#it-escalations"}
    assert org.teams["it"].on_duty_at(datetime(2026, 3, 2, tzinfo=ZoneInfo("UTC"))) in {"bob", "carol"}
    assert "Finance" in org.groups_of("alice")  # departments are requester groups


def test_policies_match_on_queue_type_category_and_group(tmp_path: Path) -> None:
    text = FAST_ORG.replace("  policies:\n", """  policies:
    - name: vip
      calendar: always
      match: {groups: [executives], types: [incident], categories: [Email]}
      targets:
        P1: {response: 5m, resolution: 15m}
        P2: {response: 5m, resolution: 1h}
        P3: {response: 10m, resolution: 2h}
        P4: {response: 1h, resolution: 1d}
        P5: {response: none, resolution: 0}
""").replace("queues:\n", "groups:\n  executives: [alice]\nqueues:\n")
    org = load_org(write(tmp_path, text)).org
    vip = Facts("IT", "it", TicketType.INCIDENT, "email", frozenset({"executives"}))
    assert org.sla.match(vip).name == "vip"
    assert org.sla.match(Facts("IT", "it", TicketType.TASK, "email",
                               frozenset({"executives"}))).name == "fast"
    assert org.sla.policy("vip").targets[Priority.P5].response is None
    assert org.groups_of("alice") == {"executives"}


@pytest.mark.parametrize(("edit", "expected"), [
    (("P4: {response: 1d, resolution: 7d}", "P4: {response: 1d, resolution: 1h}"),
     "sla.policies[0]: resolution target of P4 is shorter than a higher priority's"),
    (("calendars: {P1: always}", "calendars: {P1: nightly}"),
     "sla.policies[0].calendars.P1: unknown calendar 'nightly'"),
    (("default_policy: fast", "default_policy: slow"), "sla.default_policy: unknown policy 'slow'"),
    (("timezone: Asia/Shanghai", "timezone: Mars/Olympus"), "unknown time zone 'Mars/Olympus'"),
    (("holidays: china", "holidays: XX"), "no holiday data for country 'XX'"),
    (('["09:00-12:00", "13:30-18:00"]', '["09:00-12:00", "11:30-18:00"]'),
     "sla.calendars[1]: working hours of one day overlap"),
    (("{mon-fri:", "{fri-mon:"), "'fri-mon' runs backwards"),
    (("response: 10m, resolution: 30m", "response: soon, resolution: 30m"), "is not a duration"),
    (("warnings: [50%, 75%]", "warnings: [50%, 175%]"),
     "warnings are fractions of the target between 0 and 100%"),
    (("action: notify_lead", "action: page_everyone"), "sla.policies[0].escalation.steps[0].action"),
])
def test_each_sla_mistake_is_located(tmp_path: Path, edit: tuple[str, str], expected: str) -> None:
    assert edit[0] in FAST_ORG
    found = problems(tmp_path, FAST_ORG.replace(*edit))
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path / "org.yaml") + ":") for p in found)


def test_all_zero_targets_are_refused(tmp_path: Path) -> None:
    text = FAST_ORG
    for target in ("{response: 10m, resolution: 30m}", "{response: 1h, resolution: 8h}",
                   "{response: 4h, resolution: 3d}", "{response: 1d, resolution: 7d}",
                   "{response: 3d, resolution: 30d}"):
        text = text.replace(target, "{response: 0, resolution: none}")
    assert any("every target is zero" in p for p in problems(tmp_path, text))
