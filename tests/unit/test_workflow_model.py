"""Workflows as data: the built-in lifecycle read from its written form, a custom workflow's
statuses (names in both languages, each on one phase), who may (roles, teams, people, groups),
what a transition requires, and the problems of a badly written one."""

from datetime import UTC, datetime

import pytest

from workflows.actions import Action
from workflows.default_workflows import DEFAULT_WORKFLOWS
from workflows.errors import NotAllowed
from workflows.kinds import Source, TicketType
from workflows.organisation import Organisation, Queue, Team
from workflows.people import Person
from workflows.priority import Priority
from workflows.roles import Role
from workflows.status import Status
from workflows.ticket import Actor, Ticket
from workflows.transitions import DEFAULTS, WORKFLOWS, workflow_for
from workflows.workflow_spec import build_workflows

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALICE = Person(1, "alice", "Alice")  # requester
BOB = Person(2, "bob", "Bob")  # it member
DAVE = Person(4, "dave", "Dave")  # it lead
CARL = Person(9, "carl", "Carl")  # on the change board (group cab), on no team

CHANGE = {
    "name": "cab_change",
    "base": "change",
    "types": ["change_request"],
    "without": ["pending"],  # a change waits on the board, not on its requester
    "statuses": [{"id": "awaiting_cab", "phase": "pending", "like": "pending",
                  "name": {"en": "Awaiting CAB", "zh-CN": "待变更委员会审批"}}],
    "transitions": [
        {"action": "pend", "from": ["assigned", "in_progress"], "to": "awaiting_cab",
         "who": ["assignee", "lead"]},
        {"action": "resume", "from": ["awaiting_cab"], "to": "in_progress",
         "who": ["group:cab", "admin"]},
        {"action": "resume", "from": ["suspended"], "to": "in_progress", "who": ["lead", "admin"]},
        {"action": "resolve", "from": ["in_progress"], "to": "resolved", "who": ["assignee"],
         "requires": ["resolution", "rollback_plan"]},
    ],
    "fields": [{"name": "rollback_plan"}],
}


def built(*entries: dict) -> tuple[dict, list]:
    return build_workflows(list(entries), known=DEFAULTS)


def org_with(workflow) -> Organisation:
    return Organisation(
        teams={"it": Team("it", "IT", leads=frozenset({"dave"}), members=frozenset({"bob"}))},
        queues={"IT": Queue("IT", "IT", default_team="it")},
        groups={"cab": frozenset({"carl"})},
        workflows={TicketType.CHANGE_REQUEST: workflow},
    )


def change_ticket(**kw) -> Ticket:
    fields = {"status": Status.IN_PROGRESS, "type": TicketType.CHANGE_REQUEST, "assignee": BOB,
              **kw}
    return Ticket(key="IT-7", queue="IT", number=7, title="Upgrade core switch", description="-",
                  priority=Priority.P3, requester=ALICE, team="it", source=Source.CONSOLE,
                  created_at=NOW, updated_at=NOW, **fields)


# -- the built-in lifecycle is data in the organisation file's format ------------------------


def test_the_default_workflows_are_written_data_without_problems() -> None:
    workflows, problems = build_workflows(DEFAULT_WORKFLOWS)
    assert problems == []
    assert {t: w.name for t, w in WORKFLOWS.items()} == {
        TicketType.INCIDENT: "standard", TicketType.SERVICE_REQUEST: "standard",
        TicketType.CHANGE_REQUEST: "change", TicketType.TASK: "task"}
    assert [t.action for t in workflows["change"].transitions] == [
        t.action for t in WORKFLOWS[TicketType.CHANGE_REQUEST].transitions]


def test_a_base_workflow_keeps_its_button_order_where_rows_are_replaced() -> None:
    standard = [t.action for t in workflow_for(TicketType.INCIDENT).transitions]
    change = [t.action for t in workflow_for(TicketType.CHANGE_REQUEST).transitions]
    assert list(dict.fromkeys(change)) == list(dict.fromkeys(standard))
    assert change.count(Action.CANCEL) == 2


def test_built_in_transitions_record_what_they_require() -> None:
    by_action = {t.action: t.requires for t in workflow_for(TicketType.INCIDENT).transitions}
    assert by_action[Action.RESOLVE] == ("resolution",)
    assert by_action[Action.TRANSFER] == ("reason",)
    assert by_action[Action.CLAIM] == ()


# -- a custom workflow ---------------------------------------------------------------------


def test_a_custom_status_lives_in_a_phase_and_the_ticket_keeps_the_phase() -> None:
    workflows, problems = built(CHANGE)
    assert problems == []
    flow = workflows["cab_change"]
    ticket = change_ticket()
    org = org_with(flow)
    ticket.pend(Actor.of(BOB, ticket, org, NOW, Source.CONSOLE), "for the board")
    assert ticket.status is Status.PENDING  # the SLA clocks pause as for any pending ticket
    assert ticket.workflow_status == "awaiting_cab"
    assert ticket.status_word == "awaiting_cab"
    assert ticket.status_word.names == {"en": "Awaiting CAB", "zh-CN": "待变更委员会审批"}
    line = ticket.new_audit[-1]
    assert (line.from_status, line.to_status) == (Status.IN_PROGRESS, Status.PENDING)
    assert line.changes["workflow_status"] == ["in_progress", "awaiting_cab"]


def test_a_group_named_by_the_workflow_may_and_others_hear_who_may() -> None:
    flow = built(CHANGE)[0]["cab_change"]
    org = org_with(flow)
    ticket = change_ticket(status=Status.PENDING, workflow_status="awaiting_cab")
    with pytest.raises(NotAllowed) as refused:
        ticket.resume(Actor.of(DAVE, ticket, org, NOW, Source.CONSOLE))
    assert refused.value.message_key == "error.wrong_who"
    assert refused.value.params["others"] == ["cab"]
    assert refused.value.params["roles"] == ["admin"]
    assert Action.RESUME not in ticket.allowed_actions(frozenset({Role.LEAD}))
    carl = Actor.of(CARL, ticket, org, NOW, Source.CONSOLE)
    assert "group:cab" in carl.principals and carl.roles == frozenset()
    assert Action.RESUME in ticket.allowed_actions(carl.roles, carl.principals)
    ticket.resume(carl)
    assert (ticket.status, ticket.workflow_status) == (Status.IN_PROGRESS, None)


def test_a_status_like_a_base_one_takes_its_rows_but_not_the_replaced_ones() -> None:
    flow = built(CHANGE)[0]["cab_change"]
    lead = flow.allowed_actions("awaiting_cab", frozenset({Role.LEAD}))
    assert Action.CANCEL in lead and Action.NOTE in lead and Action.SUSPEND in lead
    assert Action.RESOLVE not in lead  # replaced: from in_progress only, by the assignee
    assert Action.RESUME not in lead  # replaced: only the board (and admins) resume
    assert "pending" not in flow.statuses


def test_named_people_and_teams_are_principals() -> None:
    flow = built({**CHANGE, "transitions": [
        {"action": "resume", "from": ["awaiting_cab"], "to": "in_progress",
         "who": ["@carl", "team:network"]},
        {"action": "pend", "from": ["in_progress"], "to": "awaiting_cab", "who": ["assignee"]}]})[0]
    rows = [t for t in flow["cab_change"].transitions if t.action is Action.RESUME]
    assert rows[0].principals == frozenset({"person:carl", "team:network"})


def test_a_ticket_in_a_status_the_workflow_lost_keeps_working_from_its_phase() -> None:
    flow = built(CHANGE)[0]["cab_change"]
    org = org_with(flow)
    ticket = change_ticket(status=Status.PENDING, workflow_status="awaiting_legal")  # gone
    assert ticket.flow is not flow  # not attached yet: the built-in workflow answers
    actor = Actor.of(ALICE, ticket, org, NOW, Source.CONSOLE)
    assert ticket.flow is flow
    assert ticket.status_id == "awaiting_cab"  # the workflow's status of the pending phase
    ticket.cancel(Actor.of(DAVE, ticket, org, NOW, Source.CONSOLE), "not needed")
    assert ticket.status is Status.CANCELLED and ticket.workflow_status is None
    assert actor.roles == frozenset({Role.REQUESTER})


# -- problems of the written form ------------------------------------------------------------


def sentences(problems: list) -> list[tuple[tuple, str]]:
    return [(path, message) for path, message in problems]


@pytest.mark.parametrize(("change", "path", "words"), [
    ({"transitions": [{"action": "approve", "from": ["new"], "to": "closed", "who": ["lead"]}]},
     (0, "transitions", 0, "action"), "'approve' is not an action"),
    ({"transitions": [{"action": "pend", "from": ["new"], "to": "on_hold", "who": ["lead"]}]},
     (0, "transitions", 0, "to"), "goes to 'on_hold', which is not a status"),
    ({"transitions": [{"action": "pend", "from": ["waiting"], "to": "pending", "who": ["lead"]}]},
     (0, "transitions", 0, "from", 0), "'waiting' is not a status"),
    ({"transitions": [{"action": "pend", "from": ["new"], "to": "pending", "who": ["boss"]}]},
     (0, "transitions", 0, "who", 0), "'boss' is neither a role"),
    ({"transitions": [{"action": "resolve", "from": ["new"], "to": "resolved", "who": ["lead"],
                       "requires": ["root_cause"]}]},
     (0, "transitions", 0, "requires", 0), "requires field 'root_cause', which is not defined"),
    ({"statuses": [{"id": "parked", "phase": "pending", "name": {"en": "Parked", "zh-CN": "搁置"}}]},
     (0, "statuses", 0), "status 'parked' cannot be reached"),
    ({"without": ["pending"]}, (0, "name"), "pend still goes to 'pending'"),
    ({"without": ["waiting"]}, (0, "without", 0), "'waiting' is not a status of the base"),
    ({"statuses": [{"id": "parked", "phase": "paused", "name": {"en": "Parked", "zh-CN": "搁置"}}]},
     (0, "statuses", 0, "phase"), "'paused' is not a phase"),
    ({"statuses": [{"id": "parked", "phase": "pending", "name": {"en": "Parked"}}]},
     (0, "statuses", 0, "name"), "needs its name in zh-CN"),
    ({"statuses": [{"id": "new", "phase": "pending"}]},
     (0, "statuses", 0, "phase"), "is a built-in phase"),
    ({"types": ["incident", "epic"]}, (0, "types", 1), "'epic' is not a ticket type"),
    ({"base": "kanban"}, (0, "base"), "'kanban', which is not a workflow"),
])
def test_each_problem_names_where_it_is_and_says_why(change: dict, path: tuple, words: str) -> None:
    entry = {"name": "mine", "base": "standard", "types": ["incident"], **change}
    problems = built(entry)[1]
    assert any(p == path and words in m for p, m in problems), problems


def test_a_status_that_cannot_be_left_is_a_problem() -> None:
    entry = {**CHANGE, "statuses": [{**CHANGE["statuses"][0], "like": None}], "transitions": [
        {"action": "pend", "from": ["in_progress"], "to": "awaiting_cab", "who": ["assignee"]},
        {"action": "resume", "from": ["awaiting_cab"], "who": ["lead"]}]}  # stays put
    problems = built(entry)[1]
    assert [m for _, m in problems] == [
        "status 'awaiting_cab' cannot be left: no transition goes from it to another status"]


def test_a_type_has_one_workflow() -> None:
    problems = built(CHANGE, {**CHANGE, "name": "other"})[1]
    assert ((1, "types", 0), "type 'change_request' already has workflow 'cab_change'; a type "
            "has one workflow") in problems


def test_a_workflow_may_start_tickets_in_a_status_of_its_own() -> None:
    flow = built({"name": "intake", "base": "standard", "types": ["service_request"],
                  "without": ["new"],
                  "statuses": [{"id": "submitted", "phase": "new", "like": "new",
                                "name": {"en": "Submitted", "zh-CN": "已提交"}}],
                  "transitions": [
                      {"action": "transfer_team", "from": ["submitted"], "to": "submitted",
                       "who": ["member", "lead", "admin"], "requires": ["reason"]},
                      {"action": "transfer_team", "from": ["assigned", "in_progress", "pending"],
                       "to": "submitted", "who": ["assignee", "lead", "admin"],
                       "requires": ["reason"]}]})
    assert flow[1] == []
    ticket = change_ticket(type=TicketType.SERVICE_REQUEST, status=Status.NEW, assignee=None)
    ticket.workflow = flow[0]["intake"]
    ticket.record_creation(Actor(ALICE, frozenset({Role.REQUESTER}), NOW, Source.CONSOLE))
    assert (ticket.status, ticket.workflow_status) == (Status.NEW, "submitted")
    assert ticket.status_word.names["en"] == "Submitted"
    assert ticket.new_audit[-1].changes["workflow_status"] == [None, "submitted"]


def test_a_team_named_by_a_workflow_lets_its_members_act_on_another_teams_ticket() -> None:
    flow = built({**CHANGE, "transitions": [
        {"action": "pend", "from": ["in_progress"], "to": "awaiting_cab", "who": ["assignee"]},
        {"action": "resume", "from": ["awaiting_cab"], "to": "in_progress",
         "who": ["team:network"]}]})[0]["cab_change"]
    org = Organisation(
        teams={"it": Team("it", "IT", leads=frozenset({"dave"}), members=frozenset({"bob"})),
               "network": Team("network", "Net", leads=frozenset(), members=frozenset({"frank"}))},
        queues={"IT": Queue("IT", "IT", default_team="it")},
        workflows={TicketType.CHANGE_REQUEST: flow})
    frank = Person(6, "frank", "Frank")
    ticket = change_ticket(status=Status.PENDING, workflow_status="awaiting_cab")
    with pytest.raises(NotAllowed):
        ticket.resume(Actor.of(DAVE, ticket, org, NOW, Source.CONSOLE))
    ticket.resume(Actor.of(frank, ticket, org, NOW, Source.CONSOLE))
    assert ticket.status is Status.IN_PROGRESS
