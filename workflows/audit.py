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
    # The channel or chat it was said in, as the adapter names it: read while the change's
    # messages are planned (a reply said beside a card, not in it, is repeated in its thread),
    # not kept in the history.
    said_in: str | None = None
