"""A workflow's own statuses: a name per language, each on one built-in phase.

The ticket row keeps the phase (`Status`), which the SLA clocks, lists, reports and open/closed
logic read; a custom status is the finer place inside a phase (`awaiting_cab` is `pending`, so
its clocks pause as a pending ticket's do).
"""

from dataclasses import dataclass, field

from workflows.status import Status

BUILT_IN = frozenset(s.value for s in Status)


class StatusWord(str):
    """A status id that carries its own names ({"en": …, "zh-CN": …}); the catalogs' `status`
    filter prefers them, and says the built-in words when there are none."""

    names: dict[str, str]

    def __new__(cls, value: str, names: dict[str, str] | None = None) -> "StatusWord":
        word = super().__new__(cls, value)
        word.names = dict(names or {})
        return word


def status_id(value: str) -> str:
    """Built-in ids become their `Status` member (tables compare them by identity in tests)."""
    return Status(value) if value in BUILT_IN else value


@dataclass(frozen=True, slots=True)
class WorkflowStatus:
    id: str
    phase: Status
    names: dict[str, str] = field(default_factory=dict)  # locale -> words; empty: the catalog's

    @property
    def word(self) -> StatusWord | str:
        return StatusWord(self.id, self.names) if self.names else self.id


BUILT_IN_STATUSES: dict[str, WorkflowStatus] = {s.value: WorkflowStatus(s, s) for s in Status}
