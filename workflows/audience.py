"""Who hears about what: for each kind of change, the audiences told about it.

The actor is never told about their own action. Urgent messages (P1 tickets and escalations)
ignore quiet hours.
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
    QUEUE_CHANNEL = "queue_channel"


A = Audience

AUDIENCES: dict[str, tuple[Audience, ...]] = {
    "create": (A.QUEUE_CHANNEL, A.COLLABORATORS),
    "claim": (A.REQUESTER, A.QUEUE_CHANNEL),
    "assign": (A.ASSIGNEE, A.REQUESTER, A.QUEUE_CHANNEL),
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
}

ALWAYS_URGENT = frozenset({"escalation", "breach"})


def is_urgent(event: str, priority: Priority) -> bool:
    return priority is Priority.P1 or event in ALWAYS_URGENT
