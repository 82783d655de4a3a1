from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workflows.kinds import Source
from workflows.status import Status


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One immutable line of a ticket's history: who did what, when, from what to what, and why."""

    action: str
    actor_id: int | None  # None: the system itself (scheduled jobs)
    at: datetime
    source: Source
    from_status: Status | None = None
    to_status: Status | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field -> [before, after]
    reason: str | None = None
    internal: bool = False  # visible to agents only
