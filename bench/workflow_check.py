"""CPU per permission check: Actor.of + the card's buttons + a check (bounded: 100,000 rounds).

Run: python bench/workflow_check.py; A/B against older code with PYTHONPATH=<its checkout>.
"""
import resource
from datetime import UTC, datetime

from workflows.actions import Action
from workflows.kinds import Source, TicketType
from workflows.organisation import Organisation, Queue, Team
from workflows.people import Person
from workflows.priority import Priority
from workflows.status import Status
from workflows.ticket import Actor, Ticket

NOW = datetime(2026, 3, 2, tzinfo=UTC)
org = Organisation(teams={"it": Team("it", "IT", frozenset({"dave"}), frozenset({"bob", "carol"})),
                          "net": Team("net", "Net", frozenset({"erin"}), frozenset({"frank"}))},
                   queues={"IT": Queue("IT", "IT", "it")}, groups={"cab": frozenset({"erin"})})
bob = Person(2, "bob", "Bob")
ticket = Ticket(key="IT-1", queue="IT", number=1, title="t", description="d",
                type=TicketType.INCIDENT, priority=Priority.P3, status=Status.IN_PROGRESS,
                requester=Person(1, "alice", "Alice"), team="it", source=Source.CONSOLE,
                created_at=NOW, updated_at=NOW, assignee=bob)
N = 100_000
start = resource.getrusage(resource.RUSAGE_SELF).ru_utime
for _ in range(N):
    actor = Actor.of(bob, ticket, org, NOW, Source.CONSOLE)
    ticket.allowed_actions(actor.roles)
    ticket._check(Action.RESOLVE, actor)
used = resource.getrusage(resource.RUSAGE_SELF).ru_utime - start
print(f"{used / N * 1e6:.2f} us CPU per (Actor.of + allowed_actions + check)")
