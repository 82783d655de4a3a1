from enum import StrEnum


class Status(StrEnum):
    """Where a ticket is in its lifecycle. One column; the transition table moves it."""

    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    PENDING = "pending"
    SUSPENDED = "suspended"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self not in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED)

    @property
    def is_terminal(self) -> bool:
        return self in (Status.CLOSED, Status.CANCELLED)


OPEN_STATUSES = tuple(s for s in Status if s.is_open)
