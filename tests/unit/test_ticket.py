"""The Ticket entity's methods, with a fixed `now` and an organisation like the sample one."""

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from workflows.audit import AuditEntry
from workflows.errors import Conflict, DomainError, InvalidInput, NotAllowed
from workflows.kinds import Source, TicketType
from workflows.organisation import DEFAULT_TARGETS, Organisation, Policies, Queue, Team
from workflows.people import Person
from workflows.priority import Priority
from workflows.sla import settle, start
from workflows.sla_policy import ClockTargets, SlaBook
from workflows.status import Status
from workflows.ticket import Actor, NewComment, Ticket

CREATED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

ALICE = Person(1, "alice", "Alice")  # the requester
BOB = Person(2, "bob", "Bob")  # it member
CAROL = Person(3, "carol", "Carol")  # it member
DAVE = Person(4, "dave", "Dave")  # it lead
ERIN = Person(5, "erin", "Erin")  # network lead
FRANK = Person(6, "frank", "Frank")  # network member
ADMIN = Person(7, "admin", "Admin")
ZOE = Person(8, "zoe", "Zoe")  # on no team: not an agent

ORG = Organisation(
    teams={
        "it": Team("it", "IT Support", leads=frozenset({"dave"}), members=frozenset({"bob", "carol"})),
        "network": Team("network", "Network", leads=frozenset({"erin"}), members=frozenset({"frank"})),
    },
    queues={"IT": Queue("IT", "IT Help Desk", default_team="it")},
    admins=frozenset({"admin"}),
)
POLICIES = Policies()


def make_ticket(**overrides: object) -> Ticket:
    fields: dict[str, object] = {
        "key": "IT-1",
        "queue": "IT",
        "number": 1,
        "title": "VPN down",
        "description": "VPN down on floor 3",
        "type": TicketType.INCIDENT,
        "priority": Priority.P3,
        "status": Status.NEW,
        "requester": ALICE,
        "team": "it",
        "source": Source.CONSOLE,
        "created_at": CREATED,
        "updated_at": CREATED,
        "response_due_at": CREATED + timedelta(hours=4),
        "resolution_due_at": CREATED + timedelta(days=3),
    }
    fields.update(overrides)
    return Ticket(**fields)  # type: ignore[arg-type]


def other_ticket(key: str = "IT-2", status: Status = Status.IN_PROGRESS) -> Ticket:
    number = int(key.split("-")[1])
    return make_ticket(key=key, number=number, status=status, title="VPN slow")


def act(person: Person, ticket: Ticket, now: datetime = NOW) -> Actor:
    return Actor.of(person, ticket, ORG, now, Source.CONSOLE)


def working(status: Status = Status.IN_PROGRESS, assignee: Person = BOB, **more: object) -> Ticket:
    """A ticket of team it, claimed by `assignee` an hour ago."""
    return make_ticket(status=status, assignee=assignee, first_response_at=CREATED, **more)


def resolved(resolved_at: datetime, **more: object) -> Ticket:
    return working(Status.RESOLVED, resolution="replaced the cable", resolved_at=resolved_at, **more)


def assert_error(caught: pytest.ExceptionInfo[DomainError], message_key: str, /, **params: object) -> None:
    assert caught.value.message_key == message_key
    assert caught.value.params == params


# -- claim -----------------------------------------------------------------------------------


def test_claim_takes_a_new_ticket_and_records_it() -> None:
    ticket = make_ticket()
    ticket.claim(act(BOB, ticket))
    assert ticket.assignee == BOB
    assert ticket.status is Status.IN_PROGRESS
    assert ticket.first_response_at == NOW
    assert ticket.updated_at == NOW
    assert ticket.new_audit == [
        AuditEntry(
            action="claim", actor_id=BOB.id, at=NOW, source=Source.CONSOLE,
            from_status=Status.NEW, to_status=Status.IN_PROGRESS,
            changes={"assignee": [None, "bob"]}, reason=None, internal=False,
        )
    ]


def test_claim_keeps_an_earlier_first_response() -> None:
    earlier = NOW - timedelta(minutes=20)
    ticket = make_ticket(first_response_at=earlier)
    ticket.claim(act(DAVE, ticket))
    assert ticket.first_response_at == earlier


def test_the_assignee_claims_an_assigned_ticket_to_start_work() -> None:
    ticket = working(Status.ASSIGNED)
    ticket.claim(act(BOB, ticket))
    assert ticket.status is Status.IN_PROGRESS
    assert ticket.assignee == BOB
    entry = ticket.new_audit[-1]
    assert (entry.from_status, entry.to_status) == (Status.ASSIGNED, Status.IN_PROGRESS)
    assert entry.changes == {}  # accepting is not a change of hands


def test_the_requester_claiming_a_claimed_ticket_is_told_about_roles_not_a_race() -> None:
    ticket = working()
    with pytest.raises(NotAllowed) as caught:
        ticket.claim(act(ALICE, ticket))
    # She may never claim: who may is the reason, whatever the status.
    assert_error(caught, "error.wrong_role", action="claim",
                 roles=["assignee", "member", "lead", "admin"])


def test_a_refused_transfer_does_not_move_the_team() -> None:
    # Frank (network) still holds an IT ticket, e.g. after moving teams; transferring it to him
    # again is refused and must leave the team as it was.
    ticket = working(assignee=FRANK)
    with pytest.raises(InvalidInput) as caught:
        ticket.transfer(act(DAVE, ticket), FRANK, ORG, "network issue")
    assert_error(caught, "error.already_assigned", key="IT-1", person="Frank")
    assert ticket.team == "it"


def test_a_second_member_cannot_claim_a_claimed_ticket() -> None:
    ticket = make_ticket()
    ticket.claim(act(BOB, ticket))
    before = copy.deepcopy(ticket)
    with pytest.raises(Conflict) as caught:
        ticket.claim(act(CAROL, ticket))
    assert_error(caught, "error.already_claimed", key="IT-1", by=BOB.label)
    assert ticket == before


def test_claiming_your_own_ticket_in_progress_is_refused() -> None:
    ticket = working()
    with pytest.raises(InvalidInput) as caught:
        ticket.claim(act(BOB, ticket))
    assert_error(caught, "error.already_yours", key="IT-1")
    assert ticket.new_audit == []


def test_the_requester_may_not_claim() -> None:
    ticket = make_ticket()
    with pytest.raises(NotAllowed) as caught:
        ticket.claim(act(ALICE, ticket))
    assert_error(caught, "error.wrong_role", action="claim", roles=["member", "lead", "admin"])


# -- assign ----------------------------------------------------------------------------------


def test_a_lead_assigns_a_new_ticket_to_a_member() -> None:
    ticket = make_ticket()
    ticket.assign(act(DAVE, ticket), CAROL, ORG, "knows the printers")
    assert ticket.assignee == CAROL
    assert ticket.status is Status.ASSIGNED
    assert ticket.first_response_at is None  # handing it over tells the requester nothing yet
    assert ticket.new_audit == [
        AuditEntry(
            action="assign", actor_id=DAVE.id, at=NOW, source=Source.CONSOLE,
            from_status=Status.NEW, to_status=Status.ASSIGNED,
            changes={"assignee": [None, "carol"]}, reason="knows the printers",
        )
    ]


def test_the_assignee_hands_over_within_the_team() -> None:
    ticket = working()
    ticket.assign(act(BOB, ticket), CAROL, ORG, None)
    assert ticket.assignee == CAROL
    assert ticket.status is Status.ASSIGNED
    assert ticket.new_audit[-1].changes == {"assignee": ["bob", "carol"]}


def test_assign_to_someone_outside_the_team_is_refused() -> None:
    ticket = make_ticket()
    before = copy.deepcopy(ticket)
    with pytest.raises(InvalidInput) as caught:
        ticket.assign(act(DAVE, ticket), FRANK, ORG, None)
    assert_error(caught, "error.not_in_team", person=FRANK.label, team="it")
    assert ticket == before


def test_assign_to_the_current_assignee_is_refused() -> None:
    ticket = working()
    with pytest.raises(InvalidInput) as caught:
        ticket.assign(act(DAVE, ticket), BOB, ORG, None)
    assert_error(caught, "error.already_assigned", key="IT-1", person=BOB.label)
    assert ticket.new_audit == []


# -- transfer --------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_transfer_requires_a_reason(reason: str | None) -> None:
    ticket = working()
    before = copy.deepcopy(ticket)
    with pytest.raises(InvalidInput) as caught:
        ticket.transfer(act(BOB, ticket), CAROL, ORG, reason)
    assert_error(caught, "error.text_required", what="reason")
    assert ticket == before


def test_transfer_within_the_team_keeps_the_team() -> None:
    ticket = working()
    ticket.transfer(act(BOB, ticket), CAROL, ORG, "  going on leave ")
    assert ticket.assignee == CAROL
    assert ticket.team == "it"
    assert ticket.status is Status.ASSIGNED
    assert ticket.new_audit == [
        AuditEntry(
            action="transfer", actor_id=BOB.id, at=NOW, source=Source.CONSOLE,
            from_status=Status.IN_PROGRESS, to_status=Status.ASSIGNED,
            changes={"assignee": ["bob", "carol"]}, reason="going on leave",
        )
    ]


def test_transfer_to_an_agent_of_another_team_moves_the_team() -> None:
    ticket = working()
    ticket.transfer(act(BOB, ticket), FRANK, ORG, "needs the network team")
    assert ticket.assignee == FRANK
    assert ticket.team == "network"
    assert ticket.status is Status.ASSIGNED
    assert ticket.new_audit[-1].changes == {"team": ["it", "network"], "assignee": ["bob", "frank"]}


def test_transfer_from_pending_clears_the_pending_reason() -> None:
    ticket = working(Status.PENDING, pending_reason="waiting for alice")
    ticket.transfer(act(DAVE, ticket), CAROL, ORG, "bob is away")
    assert ticket.status is Status.ASSIGNED
    assert ticket.pending_reason is None


@pytest.mark.parametrize("person", [ZOE, ALICE])
def test_transfer_to_a_non_agent_is_refused(person: Person) -> None:
    ticket = working()
    before = copy.deepcopy(ticket)
    with pytest.raises(InvalidInput) as caught:
        ticket.transfer(act(BOB, ticket), person, ORG, "not mine")
    assert_error(caught, "error.not_an_agent", person=person.label)
    assert ticket == before


# -- transfer_team ---------------------------------------------------------------------------


def test_transfer_team_clears_the_assignee_and_returns_to_new() -> None:
    ticket = working()
    ticket.transfer_team(act(BOB, ticket), "network", ORG, "a switch problem")
    assert ticket.team == "network"
    assert ticket.assignee is None
    assert ticket.status is Status.NEW
    assert ticket.new_audit == [
        AuditEntry(
            action="transfer_team", actor_id=BOB.id, at=NOW, source=Source.CONSOLE,
            from_status=Status.IN_PROGRESS, to_status=Status.NEW,
            changes={"team": ["it", "network"], "assignee": ["bob", None]},
            reason="a switch problem",
        )
    ]


def test_transfer_team_from_pending_clears_the_pending_reason() -> None:
    ticket = working(Status.PENDING, pending_reason="waiting for alice")
    ticket.transfer_team(act(DAVE, ticket), "network", ORG, "a switch problem")
    assert ticket.pending_reason is None
    assert ticket.status is Status.NEW


def test_transfer_team_requires_a_reason() -> None:
    ticket = working()
    with pytest.raises(InvalidInput) as caught:
        ticket.transfer_team(act(BOB, ticket), "network", ORG, " ")
    assert_error(caught, "error.text_required", what="reason")


def test_transfer_team_to_an_unknown_team_is_refused() -> None:
    ticket = working()
    before = copy.deepcopy(ticket)
    with pytest.raises(InvalidInput) as caught:
        ticket.transfer_team(act(BOB, ticket), "hr", ORG, "payroll question")
    assert_error(caught, "error.unknown_team", team="hr", teams="it, network")
    assert ticket == before


def test_transfer_team_to_the_same_team_is_refused() -> None:
    ticket = working()
    before = copy.deepcopy(ticket)
    with pytest.raises(InvalidInput) as caught:
        ticket.transfer_team(act(BOB, ticket), "it", ORG, "wrong team")
    assert_error(caught, "error.same_team", key="IT-1", team="it")
    assert ticket == before


# -- pend / resume -----------------------------------------------------------------------------


def test_pend_requires_a_reason() -> None:
    ticket = working()
    with pytest.raises(InvalidInput) as caught:
        ticket.pend(act(BOB, ticket), None)
    assert_error(caught, "error.text_required", what="reason")
    assert ticket.status is Status.IN_PROGRESS
    assert ticket.pending_reason is None


def test_pend_then_resume_by_the_requester() -> None:
    ticket = working()
    ticket.pend(act(BOB, ticket), " waiting for alice to reboot ")
    assert ticket.status is Status.PENDING
    assert ticket.pending_reason == "waiting for alice to reboot"
    assert ticket.new_audit[-1].reason == "waiting for alice to reboot"

    later = NOW + timedelta(hours=1)
    ticket.resume(act(ALICE, ticket, later), "rebooted")
    assert ticket.status is Status.IN_PROGRESS
    assert ticket.pending_reason is None
    assert ticket.updated_at == later
    assert ticket.new_audit[-1] == AuditEntry(
        action="resume", actor_id=ALICE.id, at=later, source=Source.CONSOLE,
        from_status=Status.PENDING, to_status=Status.IN_PROGRESS, reason="rebooted",
    )


def test_resume_from_suspended_needs_a_manager() -> None:
    ticket = working(Status.SUSPENDED)
    with pytest.raises(NotAllowed) as caught:
        ticket.resume(act(BOB, ticket))
    assert_error(caught, "error.wrong_role", action="resume", roles=["lead", "admin"])
    ticket.resume(act(DAVE, ticket))
    assert ticket.status is Status.IN_PROGRESS


# -- resolve / reopen / close / cancel / suspend -------------------------------------------------


@pytest.mark.parametrize("resolution", [None, "", "  "])
def test_resolve_requires_a_resolution(resolution: str | None) -> None:
    ticket = working()
    before = copy.deepcopy(ticket)
    with pytest.raises(InvalidInput) as caught:
        ticket.resolve(act(BOB, ticket), resolution)
    assert_error(caught, "error.text_required", what="resolution")
    assert ticket == before


def test_resolve_records_the_resolution() -> None:
    ticket = working(Status.PENDING, pending_reason="waiting")
    ticket.resolve(act(BOB, ticket), "replaced the cable")
    assert ticket.status is Status.RESOLVED
    assert ticket.resolution == "replaced the cable"
    assert ticket.resolved_at == NOW
    assert ticket.pending_reason is None
    assert ticket.new_audit[-1].reason == "replaced the cable"


@pytest.mark.parametrize("ago", [timedelta(days=1), timedelta(days=6, hours=23), timedelta(days=7)])
def test_the_requester_reopens_inside_the_window(ago: timedelta) -> None:
    ticket = resolved(NOW - ago)
    ticket.reopen(act(ALICE, ticket), POLICIES, "still flaky")
    assert ticket.status is Status.IN_PROGRESS
    assert ticket.resolution is None
    assert ticket.resolved_at is None
    assert ticket.new_audit[-1] == AuditEntry(
        action="reopen", actor_id=ALICE.id, at=NOW, source=Source.CONSOLE,
        from_status=Status.RESOLVED, to_status=Status.IN_PROGRESS, reason="still flaky",
    )


@pytest.mark.parametrize("ago", [timedelta(days=7, seconds=1), timedelta(days=30)])
def test_the_requester_cannot_reopen_outside_the_window(ago: timedelta) -> None:
    ticket = resolved(NOW - ago)
    before = copy.deepcopy(ticket)
    with pytest.raises(NotAllowed) as caught:
        ticket.reopen(act(ALICE, ticket), POLICIES, "still flaky")
    assert_error(caught, "error.reopen_window", key="IT-1", days=7, title=ticket.title)
    assert ticket == before


def test_the_reopen_window_comes_from_the_policies() -> None:
    ticket = resolved(NOW - timedelta(days=3))
    with pytest.raises(NotAllowed) as caught:
        ticket.reopen(act(ALICE, ticket), Policies(reopen_window=timedelta(days=2)), None)
    assert_error(caught, "error.reopen_window", key="IT-1", days=2, title=ticket.title)


def test_only_a_ticket_that_closed_itself_reopens_from_closed() -> None:
    ticket = working(Status.CLOSED, resolved_at=NOW - timedelta(days=4), closed_at=NOW)
    with pytest.raises(NotAllowed) as caught:  # closed by a person: it stays closed
        ticket.reopen(act(ALICE, ticket), POLICIES, None)
    assert caught.value.message_key == "error.wrong_status"
    ticket.reopen(act(ALICE, ticket), POLICIES, "failing again", auto_closed=True)
    assert ticket.status is Status.IN_PROGRESS and ticket.closed_at is None


def test_a_change_its_requester_may_not_reopen_stays_closed() -> None:
    ticket = working(Status.CLOSED, resolved_at=NOW - timedelta(days=4), closed_at=NOW,
                     type=TicketType.CHANGE_REQUEST)
    with pytest.raises(NotAllowed) as caught:
        ticket.reopen(act(ALICE, ticket), POLICIES, None, auto_closed=True)
    assert_error(caught, "error.wrong_role", action="reopen", roles=["lead", "admin"])


@pytest.mark.parametrize("manager", [DAVE, ADMIN])
def test_a_lead_or_admin_may_reopen_outside_the_window(manager: Person) -> None:
    ticket = resolved(NOW - timedelta(days=30))
    ticket.reopen(act(manager, ticket), POLICIES, None)
    assert ticket.status is Status.IN_PROGRESS
    assert ticket.new_audit[-1].reason is None


def test_the_requester_closes_a_resolved_ticket() -> None:
    ticket = resolved(NOW - timedelta(hours=1))
    ticket.close(act(ALICE, ticket))
    assert ticket.status is Status.CLOSED
    assert ticket.closed_at == NOW


def test_the_system_closes_a_resolved_ticket() -> None:
    ticket = resolved(NOW - timedelta(days=3))
    ticket.close(Actor.system(NOW), "auto-closed")
    assert ticket.status is Status.CLOSED
    assert ticket.new_audit[-1] == AuditEntry(
        action="close", actor_id=None, at=NOW, source=Source.SYSTEM,
        from_status=Status.RESOLVED, to_status=Status.CLOSED, reason="auto-closed",
    )


def test_the_requester_cancels() -> None:
    ticket = make_ticket()
    ticket.cancel(act(ALICE, ticket), "fixed itself")
    assert ticket.status is Status.CANCELLED
    assert ticket.closed_at == NOW
    assert ticket.new_audit[-1].reason == "fixed itself"


def test_suspend_requires_a_reason() -> None:
    ticket = working()
    with pytest.raises(InvalidInput) as caught:
        ticket.suspend(act(DAVE, ticket), "")
    assert_error(caught, "error.text_required", what="reason")
    ticket.suspend(act(DAVE, ticket), "vendor outage")
    assert ticket.status is Status.SUSPENDED


# -- urge ------------------------------------------------------------------------------------


def test_urge_is_recorded() -> None:
    ticket = working()
    ticket.urge(act(ALICE, ticket), POLICIES, " please hurry ")
    assert ticket.last_urged_at == NOW
    assert ticket.status is Status.IN_PROGRESS
    assert ticket.new_audit == [
        AuditEntry(action="urge", actor_id=ALICE.id, at=NOW, source=Source.CONSOLE,
                   reason="please hurry")
    ]


@pytest.mark.parametrize(
    ("after", "minutes"),
    [
        (timedelta(seconds=0), 30),
        (timedelta(seconds=30), 30),  # 29 min 30 s left: rounds up to 30
        (timedelta(minutes=1), 29),  # exactly 29 min left
        (timedelta(minutes=10, seconds=1), 20),  # 19 min 59 s left
        (timedelta(minutes=29, seconds=59), 1),  # 1 s left
    ],
)
def test_urging_again_too_soon_says_how_many_minutes_to_wait(after: timedelta, minutes: int) -> None:
    ticket = working()
    ticket.urge(act(ALICE, ticket), POLICIES, None)
    before = copy.deepcopy(ticket)
    with pytest.raises(Conflict) as caught:
        ticket.urge(act(ALICE, ticket, NOW + after), POLICIES, None)
    assert_error(caught, "error.urge_too_soon", key="IT-1", minutes=minutes)
    assert ticket == before


@pytest.mark.parametrize("after", [timedelta(minutes=30), timedelta(hours=2)])
def test_urging_works_again_after_the_interval(after: timedelta) -> None:
    ticket = working()
    ticket.urge(act(ALICE, ticket), POLICIES, None)
    ticket.urge(act(ALICE, ticket, NOW + after), POLICIES, None)
    assert ticket.last_urged_at == NOW + after
    assert [e.action for e in ticket.new_audit] == ["urge", "urge"]


def test_the_urge_interval_comes_from_the_policies() -> None:
    ticket = working(last_urged_at=NOW - timedelta(minutes=50))
    with pytest.raises(Conflict) as caught:
        ticket.urge(act(ALICE, ticket), Policies(urge_interval=timedelta(hours=1)), None)
    assert_error(caught, "error.urge_too_soon", key="IT-1", minutes=10)


def test_an_agent_may_not_urge() -> None:
    ticket = working()
    with pytest.raises(NotAllowed) as caught:
        ticket.urge(act(BOB, ticket), POLICIES, None)
    assert_error(caught, "error.wrong_role", action="urge", roles=["requester", "collaborator"])


# -- priority --------------------------------------------------------------------------------


def test_setting_the_same_priority_is_refused() -> None:
    ticket = working()
    before = copy.deepcopy(ticket)
    with pytest.raises(InvalidInput) as caught:
        ticket.set_priority(act(BOB, ticket), Priority.P3, None)
    assert_error(caught, "error.same_priority", key="IT-1", priority="P3")
    assert ticket == before


def test_changing_the_priority_recomputes_the_due_dates_from_creation() -> None:
    # Re-targeting happens when the change is settled (in the same transaction), and is audited.
    ticket = working()
    start(ticket, ORG, CREATED)
    ticket.set_priority(act(BOB, ticket), Priority.P1, " outage ")
    assert ticket.priority is Priority.P1
    settle(ticket, ORG, NOW)
    assert ticket.response_due_at == CREATED + timedelta(minutes=15)
    assert ticket.resolution_due_at == CREATED + timedelta(hours=4)
    assert ticket.new_audit[0] == AuditEntry(
        action="priority", actor_id=BOB.id, at=NOW, source=Source.CONSOLE,
        changes={"priority": ["P3", "P1"]}, reason="outage")
    assert [e.action for e in ticket.new_audit[1:]] == ["sla_retarget", "sla_response"]
    assert ticket.new_audit[1].actor_id == BOB.id and ticket.new_audit[1].internal


def test_the_due_dates_follow_the_policy_targets() -> None:
    targets = {**DEFAULT_TARGETS, Priority.P5: ClockTargets(timedelta(days=5), timedelta(days=60))}
    org = Organisation(ORG.teams, ORG.queues, ORG.admins, sla=SlaBook.wall_clock(targets))
    ticket = make_ticket()
    ticket.set_priority(Actor.system(NOW), Priority.P5, None)
    settle(ticket, org, NOW)
    assert ticket.response_due_at == CREATED + timedelta(days=5)
    assert ticket.resolution_due_at == CREATED + timedelta(days=60)
    assert ticket.new_audit[-1].actor_id is None


# -- collaborators ---------------------------------------------------------------------------


def test_add_collaborators_skips_people_already_there() -> None:
    ticket = working(collaborators=[CAROL])
    added = ticket.add_collaborators(act(ALICE, ticket), [CAROL, FRANK, FRANK, ERIN])
    assert added == [FRANK, ERIN]
    assert ticket.collaborators == [CAROL, FRANK, ERIN]
    assert ticket.new_audit == [
        AuditEntry(action="cc", actor_id=ALICE.id, at=NOW, source=Source.CONSOLE,
                   changes={"collaborators": [["carol"], ["carol", "frank", "erin"]]})
    ]


def test_add_collaborators_with_nobody_new_is_refused() -> None:
    ticket = working(collaborators=[CAROL, FRANK])
    before = copy.deepcopy(ticket)
    with pytest.raises(InvalidInput) as caught:
        ticket.add_collaborators(act(ALICE, ticket), [FRANK, CAROL])
    assert_error(caught, "error.already_collaborators", key="IT-1")
    assert ticket == before


def test_add_collaborators_needs_someone() -> None:
    ticket = working()
    with pytest.raises(InvalidInput) as caught:
        ticket.add_collaborators(act(ALICE, ticket), [])
    assert_error(caught, "error.mention_required", action="cc")


# -- links and merges --------------------------------------------------------------------------


def test_link_records_the_other_ticket() -> None:
    ticket = working()
    ticket.link(act(BOB, ticket), other_ticket())
    assert ticket.links == ["IT-2"]
    assert ticket.new_links == ["IT-2"]
    assert ticket.status is Status.IN_PROGRESS
    assert ticket.new_audit == [
        AuditEntry(action="link", actor_id=BOB.id, at=NOW, source=Source.CONSOLE,
                   changes={"links": [None, "IT-2"]})
    ]


def test_link_to_itself_is_refused() -> None:
    ticket = working()
    with pytest.raises(InvalidInput) as caught:
        ticket.link(act(BOB, ticket), other_ticket("IT-1"))
    assert_error(caught, "error.link_self", key="IT-1")
    assert ticket.links == []


def test_linking_twice_is_refused() -> None:
    ticket = working()
    ticket.link(act(BOB, ticket), other_ticket())
    before = copy.deepcopy(ticket)
    with pytest.raises(InvalidInput) as caught:
        ticket.link(act(BOB, ticket), other_ticket())
    assert_error(caught, "error.already_linked", key="IT-1", other="IT-2")
    assert ticket == before


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_merge_into_a_closed_ticket_is_refused(status: Status) -> None:
    ticket = working()
    before = copy.deepcopy(ticket)
    with pytest.raises(InvalidInput) as caught:
        ticket.merge_into(act(BOB, ticket), other_ticket(status=status))
    assert_error(caught, "error.merge_into_closed", other="IT-2", status=status.value)
    assert ticket == before


def test_merge_into_itself_is_refused() -> None:
    ticket = working()
    with pytest.raises(InvalidInput) as caught:
        ticket.merge_into(act(BOB, ticket), other_ticket("IT-1"))
    assert_error(caught, "error.link_self", key="IT-1")


def test_merge_into_closes_as_a_duplicate() -> None:
    ticket = working()
    ticket.merge_into(act(BOB, ticket), other_ticket())
    assert ticket.status is Status.CLOSED
    assert ticket.duplicate_of == "IT-2"
    assert ticket.resolution == "duplicate of IT-2"
    assert ticket.closed_at == NOW
    assert ticket.links == ["IT-2"]
    assert ticket.new_links == ["IT-2"]
    assert ticket.new_audit == [
        AuditEntry(action="merge", actor_id=BOB.id, at=NOW, source=Source.CONSOLE,
                   from_status=Status.IN_PROGRESS, to_status=Status.CLOSED,
                   changes={"duplicate_of": [None, "IT-2"]}, reason="duplicate of IT-2")
    ]


def test_merge_into_an_already_linked_ticket_does_not_link_twice() -> None:
    ticket = working(links=["IT-2"])
    ticket.merge_into(act(BOB, ticket), other_ticket())
    assert ticket.links == ["IT-2"]
    assert ticket.new_links == []


# -- comments --------------------------------------------------------------------------------


def test_note_is_internal() -> None:
    ticket = working()
    ticket.note(act(CAROL, ticket), " checked the switch ")
    assert ticket.status is Status.IN_PROGRESS
    assert ticket.new_comments == [
        NewComment(CAROL.id, "checked the switch", True, NOW, Source.CONSOLE)
    ]
    assert ticket.new_audit == [
        AuditEntry(action="note", actor_id=CAROL.id, at=NOW, source=Source.CONSOLE, internal=True)
    ]


def test_the_requester_may_not_write_notes() -> None:
    ticket = working()
    with pytest.raises(NotAllowed) as caught:
        ticket.note(act(ALICE, ticket), "secret")
    assert_error(caught, "error.wrong_role", action="note",
                 roles=["assignee", "collaborator", "member", "lead", "admin"])
    assert ticket.new_comments == []


def test_note_requires_text() -> None:
    ticket = working()
    with pytest.raises(InvalidInput) as caught:
        ticket.note(act(CAROL, ticket), "  ")
    assert_error(caught, "error.text_required", what="note")


def test_reply_is_public_and_an_agent_reply_is_the_first_response() -> None:
    ticket = make_ticket()
    ticket.reply(act(ALICE, ticket), "any news?")
    assert ticket.first_response_at is None
    ticket.reply(act(BOB, ticket, NOW + timedelta(minutes=5)), "looking")
    assert ticket.first_response_at == NOW + timedelta(minutes=5)
    assert [(c.author_id, c.body, c.internal) for c in ticket.new_comments] == [
        (ALICE.id, "any news?", False), (BOB.id, "looking", False)
    ]
    assert [e.internal for e in ticket.new_audit] == [False, False]


def test_text_too_long_is_refused() -> None:
    ticket = working()
    with pytest.raises(InvalidInput) as caught:
        ticket.reply(act(ALICE, ticket), "x" * 4001)
    assert_error(caught, "error.text_too_long", what="reply", limit=4000)
    ticket.reply(act(ALICE, ticket), "x" * 4000)
    assert len(ticket.new_comments) == 1


# -- a refused action changes nothing --------------------------------------------------------


REFUSALS: dict[str, tuple[Callable[[], Ticket], Callable[[Ticket], None], type[DomainError], str]] = {
    "claim-by-requester": (
        make_ticket, lambda t: t.claim(act(ALICE, t)), NotAllowed, "error.wrong_role"),
    "resolve-new": (
        make_ticket, lambda t: t.resolve(act(DAVE, t), "done"), NotAllowed, "error.wrong_status"),
    "resolve-by-member": (
        working, lambda t: t.resolve(act(CAROL, t), "done"), NotAllowed, "error.wrong_role"),
    "assign-outside-team": (
        make_ticket, lambda t: t.assign(act(DAVE, t), ERIN, ORG, None), InvalidInput,
        "error.not_in_team"),
    "transfer-without-reason": (
        working, lambda t: t.transfer(act(BOB, t), FRANK, ORG, None), InvalidInput,
        "error.text_required"),
    "transfer-team-by-requester": (
        working, lambda t: t.transfer_team(act(ALICE, t), "network", ORG, "why"), NotAllowed,
        "error.wrong_role"),
    "pend-pending": (
        lambda: working(Status.PENDING, pending_reason="waiting"),
        lambda t: t.pend(act(BOB, t), "again"), NotAllowed, "error.wrong_status"),
    "cancel-closed": (
        lambda: working(Status.CLOSED), lambda t: t.cancel(act(ALICE, t), None), NotAllowed,
        "error.wrong_status"),
    "close-by-assignee": (
        lambda: resolved(NOW), lambda t: t.close(act(BOB, t)), NotAllowed, "error.wrong_role"),
    "reopen-late": (
        lambda: resolved(NOW - timedelta(days=8)),
        lambda t: t.reopen(act(ALICE, t), POLICIES, None), NotAllowed, "error.reopen_window"),
    "priority-by-requester": (
        working, lambda t: t.set_priority(act(ALICE, t), Priority.P1, None), NotAllowed,
        "error.wrong_role"),
    "merge-suspended": (
        lambda: working(Status.SUSPENDED), lambda t: t.merge_into(act(DAVE, t), other_ticket()),
        NotAllowed, "error.wrong_status"),
    "link-by-collaborator": (
        lambda: working(collaborators=[FRANK]), lambda t: t.link(act(FRANK, t), other_ticket()),
        NotAllowed, "error.wrong_role"),
}


@pytest.mark.parametrize(("build", "attempt", "error", "key"), REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refused_action_leaves_the_ticket_unchanged(
    build: Callable[[], Ticket], attempt: Callable[[Ticket], None], error: type[DomainError], key: str
) -> None:
    ticket = build()
    before = copy.deepcopy(ticket)
    with pytest.raises(error) as caught:
        attempt(ticket)
    assert caught.value.message_key == key
    assert ticket == before
    assert ticket.new_audit == []
    assert ticket.new_comments == []
    assert ticket.new_links == []


def test_change_request_requester_may_withdraw_only_before_work_starts() -> None:
    ticket = working(Status.IN_PROGRESS, type=TicketType.CHANGE_REQUEST)
    with pytest.raises(NotAllowed) as caught:
        ticket.cancel(act(ALICE, ticket), None)
    assert_error(caught, "error.wrong_role", action="cancel", roles=["lead", "admin"])
    ticket = working(Status.ASSIGNED, type=TicketType.CHANGE_REQUEST)
    ticket.cancel(act(ALICE, ticket), None)
    assert ticket.status is Status.CANCELLED


def test_a_task_assignee_may_close() -> None:
    ticket = resolved(NOW, type=TicketType.TASK)
    ticket.close(act(BOB, ticket))
    assert ticket.status is Status.CLOSED
