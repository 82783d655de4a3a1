from enum import StrEnum


class Action(StrEnum):
    """Everything that can be done to an existing ticket. Creation is not an action on a ticket."""

    CLAIM = "claim"
    ASSIGN = "assign"
    TRANSFER = "transfer"  # to a person; reason required
    TRANSFER_TEAM = "transfer_team"  # to another team's queue; reason required
    CC = "cc"
    REPLY = "reply"  # public, seen by the requester
    NOTE = "note"  # internal, agents only
    PEND = "pend"
    RESUME = "resume"
    PRIORITY = "priority"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CLOSE = "close"
    CANCEL = "cancel"
    SUSPEND = "suspend"
    URGE = "urge"
    LINK = "link"
    MERGE = "merge"  # close this ticket as a duplicate of another
    RATE = "rate"  # the requester's satisfaction score (CSAT), once the work is done
    ESCALATE = "escalate"  # an SLA escalation step reassigns the ticket (the system only)
