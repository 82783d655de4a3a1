"""The organisation file's `workflows:` list: a ticket type picks its workflow, and every mistake
is refused with file:line and a sentence."""

from pathlib import Path

import pytest

from bot.orgfile import OrgFileError, load_org
from workflows.actions import Action
from workflows.kinds import TicketType
from workflows.roles import Role
from workflows.status import Status

BASE = """\
default_queue: IT
admins: [admin]
people:
  - {handle: alice, name: Alice}
  - {handle: bob, name: Bob}
  - {handle: admin, name: Admin}
teams:
  - {key: it, name: IT Support, leads: [bob], members: [bob]}
queues:
  - {key: IT, name: Help desk, default_team: it}
groups:
  cab: [admin]
workflows:
  - name: cab
    base: change
    types: [change_request]
    without: [pending]
    statuses:
      - {id: awaiting_cab, phase: pending, like: pending, name: {en: Awaiting CAB, zh-CN: 待审批}}
    transitions:
      - {action: pend, from: [in_progress], to: awaiting_cab, who: [assignee]}
"""


def load(tmp_path: Path, text: str):
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return load_org(path), path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(OrgFileError) as caught:
        load(tmp_path, text)
    return caught.value.problems


def test_a_type_picks_its_workflow_and_the_others_keep_the_built_in_one(tmp_path: Path) -> None:
    loaded, _ = load(tmp_path, BASE)
    change = loaded.org.workflow_for(TicketType.CHANGE_REQUEST)
    assert change.name == "cab"
    assert change.statuses["awaiting_cab"].phase is Status.PENDING
    assert change.statuses["awaiting_cab"].names == {"en": "Awaiting CAB", "zh-CN": "待审批"}
    assert change.find(Action.PEND, Status.IN_PROGRESS, frozenset({Role.ASSIGNEE})).dest == (
        "awaiting_cab")
    assert loaded.org.workflow_for(TicketType.INCIDENT).name == "standard"


def test_the_sample_organisation_has_a_change_board_workflow() -> None:
    change = load_org().org.workflow_for(TicketType.CHANGE_REQUEST)
    assert change.name == "change_with_cab"
    assert change.phase_of("awaiting_cab") is Status.PENDING
    resume = [t for t in change.transitions if t.action is Action.RESUME and "awaiting_cab" in t.sources]
    assert resume[0].roles == frozenset({Role.ADMIN})  # by hand; the board decides by approving
    step = change.approvals["awaiting_cab"]
    assert (step.approvers, step.mode, step.on_approve, step.on_reject) == (
        ("group:cab",), "all", "in_progress", "rejected")


@pytest.mark.parametrize(("replace", "by", "expected"), [
    ("to: awaiting_cab, who: [assignee]", "to: awaiting_board, who: [assignee]",
     ":21: workflows[0].transitions[0].to: the transition goes to 'awaiting_board', which is "
     "not a status of this workflow"),
    ("{action: pend,", "{action: approve,",
     ":21: workflows[0].transitions[0].action: 'approve' is not an action; actions: claim"),
    ("who: [assignee]}", "who: [assignee], requires: [risk]}",
     ":21: workflows[0].transitions[0].requires[0]: the transition requires field 'risk', which "
     "is not defined: add it to the workflow's fields"),
    ("who: [assignee]}", "who: [\"group:board\"]}",
     ":21: workflows[0].transitions[0].who[0]: 'group:board' names a group that does not exist"),
    ("who: [assignee]}", "who: [\"@zoe\"]}",
     ":21: workflows[0].transitions[0].who[0]: '@zoe' names a person that does not exist"),
    ("to: awaiting_cab, who: [assignee]", "to: in_progress, who: [assignee]",
     ":19: workflows[0].statuses[0]: status 'awaiting_cab' cannot be reached: no transition goes "
     "to it"),
    ("types: [change_request]", "types: [change_request, incident, incident]",
     ":16: workflows[0].types[2]: type 'incident' already has workflow 'cab'; a type has one "
     "workflow"),
    ("types: [change_request]", "types: []",
     ":14: workflows[0].name: workflow 'cab' serves no ticket type: name them in its types"),
    ("base: change", "base: kanban",
     ":15: workflows[0].base: workflow 'cab' is based on 'kanban', which is not a workflow"),
])
def test_each_mistake_is_refused_with_file_line_and_a_sentence(
        tmp_path: Path, replace: str, by: str, expected: str) -> None:
    assert replace in BASE
    found = problems(tmp_path, BASE.replace(replace, by))
    path = str(tmp_path / "org.yaml")
    assert any(p.startswith(path) and expected in p for p in found), found


def test_a_workflow_for_a_type_the_organisation_does_not_offer(tmp_path: Path) -> None:
    text = BASE.replace("groups:", "ticket_types: [incident, task]\ngroups:")
    found = problems(tmp_path, text)
    assert any(p.endswith("workflows[0].types[0]: workflow 'cab' is for type 'change_request', "
                          "which ticket_types does not offer") for p in found), found
