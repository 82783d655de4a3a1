"""The confidential-queue rule (workflows/confidential.py): who may see a ticket, who hears of it
instead of a channel, and what a query leaves out."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from workflows.confidential import (
    insider_handles,
    is_confidential,
    may_see,
    shield_for,
)
from workflows.kinds import Source, TicketType
from workflows.knowledge import SimilarTicket, may_hint
from workflows.organisation import Organisation, Queue, Team
from workflows.people import Person
from workflows.priority import Priority
from workflows.status import Status
from workflows.ticket import Ticket

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ORG = Organisation(
    teams={"it": Team("it", "IT", frozenset({"dave"}), frozenset({"bob"})),
           "hr": Team("hr", "HR", frozenset({"heidi"}), frozenset({"ivan"})),
           "sec": Team("sec", "Security", frozenset({"sam"}), frozenset(), confidential=True)},
    queues={"IT": Queue("IT", "IT", "it"), "HR": Queue("HR", "HR", "hr", confidential=True)},
    admins=frozenset({"admin"}))
PEOPLE = {h: Person(i, h, h.title()) for i, h in enumerate(
    ("alice", "bob", "dave", "heidi", "ivan", "admin", "erin", "sam"), start=1)}


def ticket(queue: str = "HR", team: str = "hr", assignee: str | None = None,
           collaborators: tuple[str, ...] = ()) -> Ticket:
    return Ticket(key=f"{queue}-1", queue=queue, number=1, title="private", description="",
                  type=TicketType.INCIDENT, priority=Priority.P3, status=Status.NEW,
                  requester=PEOPLE["alice"], team=team, source=Source.CONSOLE, created_at=NOW,
                  updated_at=NOW, assignee=PEOPLE[assignee] if assignee else None,
                  collaborators=[PEOPLE[c] for c in collaborators])


@pytest.mark.parametrize(("who", "sees"), [
    ("alice", True), ("heidi", True), ("ivan", True), ("erin", True),  # erin: added
    ("bob", False), ("dave", False), ("admin", False), ("sam", False),
])
def test_a_confidential_queues_ticket_is_seen_by_its_insiders_only(who: str, sees: bool) -> None:
    assert may_see(ORG, PEOPLE[who], ticket(collaborators=("erin",))) is sees


def test_an_ordinary_ticket_keeps_the_old_rule() -> None:
    it = ticket("IT", "it")
    assert may_see(ORG, PEOPLE["admin"], it) and may_see(ORG, PEOPLE["heidi"], it)
    assert may_see(ORG, PEOPLE["alice"], it) and not may_see(ORG, PEOPLE["erin"], it)


def test_a_confidential_team_makes_its_tickets_confidential_in_any_queue() -> None:
    moved = ticket("IT", "sec")
    assert is_confidential(ORG, "IT", "sec") and not is_confidential(ORG, "IT", "it")
    assert may_see(ORG, PEOPLE["sam"], moved) and not may_see(ORG, PEOPLE["bob"], moved)


def test_a_ticket_moved_to_another_team_is_that_teams() -> None:
    moved = ticket("HR", "it", assignee="bob")
    assert may_see(ORG, PEOPLE["bob"], moved) and may_see(ORG, PEOPLE["dave"], moved)
    assert not may_see(ORG, PEOPLE["heidi"], moved)


def test_insiders_in_order_requester_assignee_added_then_the_team() -> None:
    assert insider_handles(ORG, ticket(assignee="ivan", collaborators=("erin",))) == (
        "alice", "ivan", "erin", "heidi")


def test_the_shield_names_what_to_leave_out_and_who_is_inside() -> None:
    shield = shield_for(ORG, PEOPLE["heidi"])
    assert shield is not None
    assert (shield.queues, shield.teams, shield.viewer_id, shield.viewer_teams) == (
        {"HR"}, {"sec"}, PEOPLE["heidi"].id, {"hr"})
    assert shield_for(Organisation(teams={}, queues={"IT": Queue("IT", "IT", "it")}),
                      PEOPLE["bob"]) is None


@pytest.mark.parametrize(("who", "hinted"), [("alice", True), ("heidi", True), ("bob", False),
                                             ("admin", False)])
def test_similar_ticket_hints(who: str, hinted: bool) -> None:
    similar = SimilarTicket("HR-1", "private", "new", None, PEOPLE["alice"].id, None, "HR", NOW,
                            0.9, team="hr")
    assert may_hint(ORG, PEOPLE[who], similar) is hinted
    ordinary = SimilarTicket("IT-1", "x", "new", None, 99, None, "IT", NOW, 0.9, team="it")
    assert may_hint(ORG, PEOPLE[who], ordinary)


def test_the_sample_organisation_has_a_confidential_hr_queue() -> None:
    from bot.orgfile import load_org

    org = load_org().org
    assert org.queues["HR"].confidential and org.teams["hr"].confidential
    assert not org.queues["IT"].confidential and not org.teams["it"].confidential


def test_confidential_must_be_true_or_false(tmp_path: Path) -> None:
    from bot.orgfile import OrgFileError, load_org

    path = tmp_path / "org.yaml"
    path.write_text("default_queue: HR\nteams:\n  - {key: hr, name: HR}\nqueues:\n"
                    "  - {key: HR, name: HR, default_team: hr, confidential: maybe}\n",
                    encoding="utf-8")
    with pytest.raises(OrgFileError) as caught:
        load_org(path)
    assert any(":5: queues[0].confidential:" in p for p in caught.value.problems)
