"""The organisation file's own ticket types: read with their names, aliases and the built-in type
they behave like; usable in workflows, fields, routing and `new type:`; every mistake refused
with file:line and a sentence."""

from pathlib import Path

import pytest

from bot.orgfile import SAMPLE, OrgFileError, load_org
from commands.grammar import Grammar
from commands.messages import Create
from workflows.kinds import TicketType
from workflows.placement import Requested, place
from workflows.ticket_types import TypeChoice

BASE = """\
default_queue: IT
people:
  - {handle: alice, name: Alice}
  - {handle: bob, name: Bob}
teams:
  - {key: it, name: IT Support, leads: [bob], members: [bob]}
  - {key: desk, name: Desk, leads: [bob], members: [bob]}
queues:
  - {key: IT, name: Help desk, default_team: it}
ticket_types:
  - incident
  - service_request
  - id: laptop_request
    like: service_request
    name: {en: New laptop, zh-CN: 新笔记本申请}
    aliases: [laptop, 笔记本]
routing:
  - name: laptops
    match: {types: [laptop_request]}
    set: {team: desk}
  - name: hardware
    match: {keywords: [monitor]}
    set: {type: laptop, category: hardware}
workflows:
  - name: laptop
    base: standard
    types: [laptop_request]
    fields: [{name: model, kind: text, label: {en: Model, zh-CN: 型号}}]
"""


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return load_org(path).org


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(OrgFileError) as caught:
        load(tmp_path, text)
    return caught.value.problems


def test_an_own_type_has_its_words_workflow_form_and_rules(tmp_path: Path) -> None:
    org = load(tmp_path, BASE)
    laptop = TypeChoice(TicketType.SERVICE_REQUEST, "laptop_request")
    assert [org.parse_type(w) for w in ("laptop", "笔记本", "New laptop", "LAPTOP_REQUEST")] == [
        laptop] * 4
    assert org.parse_type("fault") == TypeChoice(TicketType.INCIDENT)
    assert org.parse_type("printer") is None
    assert org.workflow_for("laptop_request").name == "laptop"
    assert org.workflow_for(TicketType.SERVICE_REQUEST).name == "standard"
    assert [f.name for f in org.form_for("laptop_request").fields] == ["model"]
    assert org.form_for(TicketType.SERVICE_REQUEST).fields == ()
    # A rule naming the own type matches it; another sets it.
    asked = place(org, Requested("a laptop", type=TicketType.SERVICE_REQUEST,
                                 custom_type="laptop_request"), None)
    assert (asked.team, asked.type, asked.custom_type) == ("desk", TicketType.SERVICE_REQUEST,
                                                           "laptop_request")
    plain = place(org, Requested("a laptop", type=TicketType.SERVICE_REQUEST), None)
    assert (plain.team, plain.custom_type) == ("it", None)
    routed = place(org, Requested("my monitor flickers"), None)
    assert (routed.type, routed.custom_type, routed.category) == (
        TicketType.SERVICE_REQUEST, "laptop_request", "hardware")
    assert routed.changes["type"] == ["incident", "laptop_request"]


def test_new_names_an_own_type_in_either_language(tmp_path: Path) -> None:
    org = load(tmp_path, BASE)
    grammar = Grammar("IT", org.parse_type)
    for text in ("new type:laptop model=x1 For the new hire", "新建 类型:笔记本 给新同事"):
        command = grammar.parse(text)
        assert isinstance(command, Create)
        assert (command.type, command.custom_type) == (TicketType.SERVICE_REQUEST,
                                                       "laptop_request")
    plain = grammar.parse("new type:request A cable")
    assert isinstance(plain, Create) and plain.custom_type is None


def test_the_sample_offers_a_laptop_and_an_access_request() -> None:
    org = load_org(SAMPLE).org
    assert [t.id for t in org.own_types] == ["laptop_request", "access_request"]
    assert org.workflow_for("laptop_request").name == "new_laptop"
    assert org.workflow_for("access_request").name == "access_with_owner"
    assert org.workflow_for(TicketType.SERVICE_REQUEST).name == "standard"


@pytest.mark.parametrize(("replace", "by", "expected"), [
    ("    types: [laptop_request]\n", "    types: [desktop_request]\n",
     ":27: workflows[0].types[0]: 'desktop_request' is not a ticket type; types: incident, "
     "service_request, change_request, task, laptop_request"),
    ("aliases: [laptop, 笔记本]", "aliases: [laptop, 笔记本, change]",
     ":16: ticket_types[2].aliases[2]: type 'laptop_request' claims the word 'change', which the "
     "built-in type 'change_request' has already; a word names one type"),
    ("ticket_types:\n", "ticket_types:\n  - {id: notebook, like: request, aliases: [笔记本], "
     "name: {en: Notebook, zh-CN: 笔记本电脑}}\n",
     ":17: ticket_types[3].aliases[1]: type 'laptop_request' claims the word '笔记本', which "
     "type 'notebook' has already; a word names one type"),
    ("name: {en: New laptop, zh-CN: 新笔记本申请}", "name: {en: New laptop}",
     ":15: ticket_types[2].name: type 'laptop_request' needs its name in zh-CN"),
    ("match: {types: [laptop_request]}", "match: {types: [laptops]}",
     ":19: routing[0].match.types[0]: 'laptops' is not a ticket type"),
    ("set: {type: laptop,", "set: {type: desktop,",
     ":23: routing[1].set.type: 'desktop' is not a ticket type"),
])
def test_each_mistake_is_refused_with_file_line_and_a_sentence(
        tmp_path: Path, replace: str, by: str, expected: str) -> None:
    assert replace in BASE
    found = problems(tmp_path, BASE.replace(replace, by))
    assert any(p.startswith(str(tmp_path / "org.yaml")) and p.endswith(expected)
               for p in found), found


def test_an_approver_field_must_be_a_person_field_of_the_workflow(tmp_path: Path) -> None:
    step = """    without: [pending]
    statuses:
      - id: owner_ok
        name: {en: Awaiting owner, zh-CN: 待负责人审批}
        approval: {approvers: ["field:model"], on_approve: in_progress, on_reject: cancelled}
    transitions:
      - {action: pend, from: [in_progress], to: owner_ok, who: [assignee]}
"""
    text = BASE.replace("    types: [laptop_request]\n", "    types: [laptop_request]\n" + step)
    found = problems(tmp_path, text)
    assert any(p.endswith(":32: workflows[0].statuses[0].approval.approvers[0]: approver "
                          "'field:model' names no field of kind person of workflow 'laptop': "
                          "declare it under fields with kind: person") for p in found), found
    assert load(tmp_path, text.replace("kind: text", "kind: person")).workflow_for(
        "laptop_request").approvals["owner_ok"].approvers == ("field:model",)
