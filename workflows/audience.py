"""Who hears about what: for each kind of change, the audiences told about it.

The actor is never told about their own action. Urgent messages (P1 tickets, SLA breaches and
escalations) ignore quiet hours and mutes. SLA lines the audit trail keeps for the record only
(clock paused, resumed, re-targeted) tell nobody.
"""

from enum import StrEnum

from workflows.priority import Priority


class Audience(StrEnum):
    REQUESTER = "requester"
    ASSIGNEE = "assignee"
    PREVIOUS_ASSIGNEE = "previous_assignee"
    COLLABORATORS = "collaborators"
    AGENT_COLLABORATORS = "agent_collaborators"  # internal notes: never requester-side people
    NEW_COLLABORATORS = "new_collaborators"
    TEAM_LEAD = "team_lead"
    QUEUE_CHANNEL = "queue_channel"  # also where a ticket's thread lives
    ESCALATION_CHANNEL = "escalation_channel"  # per policy or team, from the organisation file
    CONTROL_CHANNEL = "control_channel"  # told when an escalation chain is exhausted


A = Audience

AUDIENCES: dict[str, tuple[Audience, ...]] = {
    "create": (A.QUEUE_CHANNEL, A.COLLABORATORS),
    "claim": (A.REQUESTER, A.QUEUE_CHANNEL),
    "assign": (A.ASSIGNEE, A.PREVIOUS_ASSIGNEE, A.REQUESTER, A.QUEUE_CHANNEL),
    "transfer": (A.ASSIGNEE, A.PREVIOUS_ASSIGNEE, A.REQUESTER, A.QUEUE_CHANNEL),
    "transfer_team": (A.TEAM_LEAD, A.PREVIOUS_ASSIGNEE, A.REQUESTER, A.QUEUE_CHANNEL),
    "cc": (A.NEW_COLLABORATORS,),
    "reply": (A.REQUESTER, A.ASSIGNEE, A.COLLABORATORS),
    "note": (A.ASSIGNEE, A.AGENT_COLLABORATORS),
    "pend": (A.REQUESTER, A.COLLABORATORS),
    "resume": (A.ASSIGNEE,),
    "priority": (A.ASSIGNEE, A.QUEUE_CHANNEL),
    "resolve": (A.REQUESTER, A.COLLABORATORS),
    "reopen": (A.ASSIGNEE, A.TEAM_LEAD),
    "close": (A.REQUESTER, A.ASSIGNEE),
    "cancel": (A.ASSIGNEE, A.QUEUE_CHANNEL),
    "suspend": (A.ASSIGNEE, A.REQUESTER, A.TEAM_LEAD),
    "urge": (A.ASSIGNEE,),  # the team lead when nobody has the ticket yet
    "merge": (A.REQUESTER,),
    "link": (),
    # An approval step's decisions: a rejection's reason goes to the ticket's thread too.
    "approve": (A.REQUESTER, A.ASSIGNEE),
    "reject": (A.REQUESTER, A.ASSIGNEE, A.QUEUE_CHANNEL),
    "duplicate_hint": (A.ASSIGNEE, A.TEAM_LEAD),  # a likely duplicate, flagged to the agents
    # SLA: warnings before the breach, the breach, then the escalation chain's steps.
    "sla_warning": (A.ASSIGNEE, A.QUEUE_CHANNEL),
    "sla_breach": (A.ASSIGNEE, A.TEAM_LEAD, A.QUEUE_CHANNEL),
    "escalation": (A.TEAM_LEAD,),
    "escalation_channel": (A.ESCALATION_CHANNEL,),
    "escalate": (A.ASSIGNEE, A.PREVIOUS_ASSIGNEE, A.QUEUE_CHANNEL),  # reassigned by a step
    "sla_reminder": (A.ASSIGNEE, A.TEAM_LEAD),
    "sla_exhausted": (A.CONTROL_CHANNEL,),  # the suspension it causes tells the people
}

# Nobody assigned yet: the team lead hears what the assignee would.
LEAD_STANDS_IN = frozenset({"urge", "sla_warning", "sla_breach", "sla_reminder"})

ALWAYS_URGENT = frozenset({"sla_breach", "escalation", "escalation_channel", "escalate",
                           "sla_reminder", "sla_exhausted"})


def is_urgent(event: str, priority: Priority) -> bool:
    return priority is Priority.P1 or event in ALWAYS_URGENT
