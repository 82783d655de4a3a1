"""Where a new ticket goes: the requester's choices, then the first matching rule, then defaults.

What the requester wrote explicitly (`P1`, `type:change`, `category:x`, `queue:HR`) wins over a
rule; a rule fills in the rest. The team comes from the rule, else the queue's default team.
"""

from dataclasses import dataclass, field
from typing import Any

from workflows.errors import InvalidInput
from workflows.kinds import TicketType
from workflows.organisation import Organisation
from workflows.priority import DEFAULT_PRIORITY, Priority
from workflows.routing import Decision, Facts, Outcome, first_match, fold
from workflows.ticket_types import TypeChoice


@dataclass(frozen=True, slots=True)
class Requested:
    """What the requester chose explicitly; None means "not said"."""

    title: str
    description: str = ""
    channel: str | None = None
    queue: str | None = None
    type: TicketType | None = None
    category: str | None = None
    priority: Priority | None = None
    custom_type: str | None = None  # with `type`: the organisation's own type asked for


@dataclass(frozen=True, slots=True)
class Placement:
    queue: str
    team: str
    type: TicketType
    category: str | None
    priority: Priority
    skills: frozenset[str]
    decision: Decision
    changes: dict[str, list[Any]] = field(default_factory=dict)  # what the rule changed
    custom_type: str | None = None  # an organisation's own type, like `type`

    def reason(self) -> str | None:
        """The audit line's reason, e.g. `routed to network by rule vpn: keyword "vpn" in the
        title`; None when no rule matched."""
        rule = self.decision.rule
        if rule is None:
            return None
        return f"routed to {self.team} by rule {rule.name}: {self.decision.because()}"


def skills_for(org: Organisation, category: str | None) -> frozenset[str]:
    return org.category_skills.get(fold(category), frozenset()) if category else frozenset()


def place(org: Organisation, asked: Requested, department: str | None) -> Placement:
    if asked.queue is not None and org.queue(asked.queue) is None:
        raise InvalidInput("error.unknown_queue", queue=asked.queue,
                           queues=", ".join(sorted(org.queues)))
    facts = Facts(asked.title, asked.description, asked.channel, department,
                  asked.type or TicketType.INCIDENT, asked.category,
                  asked.custom_type if asked.type else None)
    decision = first_match(org.routing, facts)
    rule = decision.rule.outcome if decision.rule else Outcome()
    before = _settle(org, asked, Outcome())
    after = _settle(org, asked, rule)
    queue, team, chosen, category, priority, skills = after
    changes = {
        name: [_plain(old), _plain(new)]
        for name, old, new in zip(("queue", "team", "type", "category", "priority", "skills"),
                                  before, after, strict=True)
        if old != new
    }
    return Placement(queue, team, chosen.type, category, priority, skills, decision, changes,
                     chosen.own)


def _settle(org: Organisation, asked: Requested, rule: Outcome) -> tuple[Any, ...]:
    queue = org.queue(asked.queue or rule.queue or org.default_queue)
    assert queue is not None  # checked above, and rule queues are checked when the file loads
    category = asked.category or rule.category
    return (queue.key, rule.team or queue.default_team,
            _type_choice(asked, rule), category,
            asked.priority or rule.priority or DEFAULT_PRIORITY,
            rule.skills | skills_for(org, category))


def _type_choice(asked: Requested, rule: Outcome) -> TypeChoice:
    if asked.type is not None:
        return TypeChoice(asked.type, asked.custom_type)
    if rule.type is not None:
        return TypeChoice(rule.type, rule.custom_type)
    return TypeChoice(TicketType.INCIDENT)


def _plain(value: Any) -> Any:
    if isinstance(value, frozenset):  # shown in the history as "vpn, wifi"
        return ", ".join(sorted(value)) or None
    if isinstance(value, TypeChoice):
        return value.id
    return value.value if isinstance(value, TicketType | Priority) else value
