"""Approval steps in the organisation file (`approval:` on a status): read, checked with
file:line and a sentence, and worked out purely (who decides, what is still awaited)."""

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.orgfile import OrgFileError, load_org
from workflows.approval import Decision, approvers_of, decisions_since_entry, progress
from workflows.kinds import TicketType
from workflows.status import Status

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BASE = """\
default_queue: IT
admins: [admin]
people:
  - {handle: alice, name: Alice, manager: carol}
  - {handle: bob, name: Bob}
  - {handle: carol, name: Carol}
  - {handle: admin, name: Admin}
teams:
  - {key: it, name: IT Support, leads: [bob], members: [bob, alice]}
queues:
  - {key: IT, name: Help desk, default_team: it}
groups:
  cab: [admin, carol]
workflows:
  - name: laptop
    base: standard
    types: [service_request]
    without: [pending]
    statuses:
      - id: manager_ok
        name: {en: Awaiting manager, zh-CN: 待经理审批}
        approval: {approvers: [manager], on_approve: it_ok, on_reject: declined, remind_after: 4h}
      - id: it_ok
        name: {en: Awaiting IT lead, zh-CN: 待IT主管审批}
        approval: {approvers: ["leads:it"], on_approve: in_progress, on_reject: declined, clocks: run}
      - {id: declined, phase: cancelled, name: {en: Declined, zh-CN: 已拒绝}}
    transitions:
      - {action: pend, from: [assigned, in_progress], to: manager_ok, who: [assignee]}
"""


def load(tmp_path: Path, text: str):
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return load_org(path)


def test_two_steps_in_a_row_are_read_with_their_phases(tmp_path: Path) -> None:
    flow = load(tmp_path, BASE).org.workflow_for(TicketType.SERVICE_REQUEST)
    manager, lead = flow.approvals["manager_ok"], flow.approvals["it_ok"]
    assert flow.phase_of("manager_ok") is Status.PENDING  # clocks: pause (the default)
    assert flow.phase_of("it_ok") is Status.IN_PROGRESS  # clocks: run
    assert (manager.mode, manager.on_approve, manager.remind_after) == ("any", "it_ok",
                                                                        NOW - NOW.replace(hour=5))
    assert lead.remind_after is None


def test_approvers_are_worked_out_from_the_requester(tmp_path: Path) -> None:
    org = load(tmp_path, BASE).org
    flow = org.workflow_for(TicketType.SERVICE_REQUEST)
    assert approvers_of(flow.approvals["manager_ok"], "alice", org) == ("carol",)
    assert approvers_of(flow.approvals["it_ok"], "alice", org) == ("bob",)
    assert approvers_of(flow.approvals["it_ok"], "bob", org) == ()  # never one's own request


@pytest.mark.parametrize(("replace", "by", "expected"), [
    ("approvers: [manager]", "approvers: [boss]",
     "workflows[0].statuses[0].approval.approvers[0]: 'boss' is not an approver: say manager"),
    ("approvers: [manager]", 'approvers: ["group:board"]',
     "workflows[0].statuses[0].approval.approvers[0]: approver 'group:board' names a group that "
     "does not exist"),
    ('approvers: ["leads:it"]', 'approvers: ["leads:hr"]',
     "workflows[0].statuses[1].approval.approvers[0]: approver 'leads:hr' names a team that does "
     "not exist"),
    ('approvers: [manager]', 'approvers: ["@zoe"]',
     "workflows[0].statuses[0].approval.approvers[0]: approver '@zoe' names a person that does "
     "not exist"),
    ("on_reject: declined, remind", "on_reject: refused, remind",
     "workflows[0].statuses[0].approval.on_reject: the approval goes to 'refused', which is not "
     "a status of this workflow"),
    ("remind_after: 4h", "remind_after: soon",
     "workflows[0].statuses[0].approval.remind_after: 'soon' is not a span such as 30m, 4h or 1d"),
    ("remind_after: 4h", "mode: most",
     "workflows[0].statuses[0].approval.mode: mode 'most' is neither any nor all"),
    ("manager: carol}", "manager: zoe}", "people[0].manager: unknown person 'zoe'"),
    ("- id: it_ok\n", "- id: it_ok\n        phase: pending\n",
     "workflows[0].statuses[1].approval.clocks: clocks: run does not fit phase 'pending'"),
])
def test_each_mistake_in_a_step_is_refused_with_file_line(
        tmp_path: Path, replace: str, by: str, expected: str) -> None:
    assert replace in BASE
    with pytest.raises(OrgFileError) as caught:
        load(tmp_path, BASE.replace(replace, by))
    found = caught.value.problems
    assert any(str(tmp_path / "org.yaml") + ":" in p and expected in p for p in found), found


def line(action: str, changes: dict, reason: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(action=action, changes=changes, at=NOW, reason=reason)


def test_only_the_current_visit_to_a_step_counts(tmp_path: Path) -> None:
    history = [
        line("pend", {"workflow_status": ["in_progress", "awaiting_cab"]}),
        line("approve", {"approval": ["awaiting_cab", "erin"]}),
        line("reject", {"approval": ["awaiting_cab", "grace"],
                        "workflow_status": ["awaiting_cab", "in_progress"]}, "no plan"),
        line("pend", {"workflow_status": ["in_progress", "awaiting_cab"]}),  # submitted again
        line("approve", {"approval": ["awaiting_cab", "grace"]}),
    ]
    assert decisions_since_entry(history, "awaiting_cab") == [Decision("grace", True, NOW)]


def test_all_waits_for_everyone_any_for_one_and_a_rejection_ends_either(
        tmp_path: Path) -> None:
    flow = load(tmp_path, BASE.replace("approvers: [manager]", 'approvers: ["group:cab"], '
                                       "mode: all")).org.workflow_for(TicketType.SERVICE_REQUEST)
    step = flow.approvals["manager_ok"]
    yes = Decision("admin", True, NOW)
    assert progress(step, ("admin", "carol"), [yes]).awaited == ("carol",)
    assert progress(step, ("admin", "carol"), [yes, Decision("carol", True, NOW)]).done
    assert progress(step, ("admin", "carol"), [Decision("carol", False, NOW, "no")]).done
    anyone = flow.approvals["it_ok"]
    assert progress(anyone, ("bob", "carol"), [Decision("carol", True, NOW)]).done
