"""The built-in lifecycle, written in the organisation file's `workflows:` format.

This is data, not code: `workflows.workflow_spec.build_workflows` reads it exactly as it reads an
organisation's own `workflows:` list, so the default and a custom workflow cannot drift apart.
Its statuses are the built-in phases themselves; their words come from the catalogs.
"""

from typing import Any

LIVE = ["new", "assigned", "in_progress", "pending", "suspended"]
WORKING = ["assigned", "in_progress", "pending"]
PARTICIPANTS = ["requester", "assignee", "collaborator", "member", "lead", "admin"]
AGENTS = ["assignee", "member", "lead", "admin"]
OWNERS = ["assignee", "lead", "admin"]
MANAGERS = ["lead", "admin"]

DEFAULT_WORKFLOWS: list[dict[str, Any]] = [
    {
        "name": "standard",
        "types": ["incident", "service_request"],
        "statuses": [{"id": s} for s in (*LIVE, "resolved", "closed", "cancelled")],
        "transitions": [
            {"action": "claim", "from": ["new"], "to": "in_progress", "who": ["member", "lead", "admin"]},
            {"action": "claim", "from": ["assigned"], "to": "in_progress", "who": ["assignee"]},
            # system: automatic assignment at creation (routing)
            {"action": "assign", "from": ["new"], "to": "assigned",
             "who": ["member", "lead", "admin", "system"]},
            {"action": "assign", "from": ["assigned", "in_progress"], "to": "assigned", "who": OWNERS},
            {"action": "transfer", "from": ["new"], "to": "assigned", "who": ["member", "lead", "admin"],
             "requires": ["reason"]},
            {"action": "transfer", "from": WORKING, "to": "assigned", "who": OWNERS,
             "requires": ["reason"]},
            {"action": "transfer_team", "from": ["new"], "to": "new", "who": ["member", "lead", "admin"],
             "requires": ["reason"]},
            {"action": "transfer_team", "from": WORKING, "to": "new", "who": OWNERS,
             "requires": ["reason"]},
            {"action": "cc", "from": [*LIVE, "resolved"], "who": PARTICIPANTS},
            {"action": "reply", "from": [*LIVE, "resolved"], "who": PARTICIPANTS},
            {"action": "note", "from": [*LIVE, "resolved"], "who": [*AGENTS, "collaborator"]},
            {"action": "pend", "from": ["assigned", "in_progress"], "to": "pending", "who": OWNERS},
            {"action": "resume", "from": ["pending"], "to": "in_progress", "who": [*OWNERS, "requester"]},
            {"action": "resume", "from": ["suspended"], "to": "in_progress", "who": MANAGERS},
            {"action": "priority", "from": LIVE, "who": [*AGENTS, "system"]},
            {"action": "resolve", "from": WORKING, "to": "resolved", "who": OWNERS,
             "requires": ["resolution"]},
            {"action": "reopen", "from": ["resolved"], "to": "in_progress",
             "who": ["requester", "lead", "admin"]},
            {"action": "close", "from": ["resolved"], "to": "closed",
             "who": ["requester", "lead", "admin", "system"]},
            {"action": "cancel", "from": LIVE, "to": "cancelled", "who": ["requester", "lead", "admin"]},
            {"action": "suspend", "from": WORKING, "to": "suspended", "who": ["lead", "admin", "system"]},
            {"action": "urge", "from": LIVE, "who": ["requester", "collaborator"]},
            {"action": "link", "from": [*LIVE, "resolved", "closed"], "who": AGENTS},
            {"action": "merge", "from": ["new", "assigned", "in_progress", "pending"], "to": "closed",
             "who": AGENTS},
            {"action": "rate", "from": ["resolved", "closed"], "who": ["requester"]},
            # An SLA escalation step hands the ticket to the lead or the person on duty.
            {"action": "escalate", "from": ["new", "assigned", "in_progress"], "to": "assigned",
             "who": ["system"]},
        ],
    },
    # A change, once resolved, is reopened only by its approvers; the requester may withdraw it
    # only before work starts. Rows of an action listed here replace the base's rows for it.
    {
        "name": "change",
        "base": "standard",
        "types": ["change_request"],
        "transitions": [
            {"action": "reopen", "from": ["resolved"], "to": "in_progress", "who": MANAGERS},
            {"action": "cancel", "from": ["new", "assigned"], "to": "cancelled", "who": ["requester"]},
            {"action": "cancel", "from": LIVE, "to": "cancelled", "who": MANAGERS},
        ],
    },
    # Tasks are internal work: whoever did it may close it without waiting for a confirmation.
    {
        "name": "task",
        "base": "standard",
        "types": ["task"],
        "transitions": [
            {"action": "close", "from": ["resolved"], "to": "closed",
             "who": ["requester", "assignee", "lead", "admin", "system"]},
        ],
    },
]
