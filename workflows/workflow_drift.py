"""Tickets a workflow change left behind: open tickets in a status their type's workflow no
longer has. They are not broken (a ticket then acts from its phase's status, see
`Workflow.here`); `config check` reports them with that mapping so the change is deliberate."""

from collections.abc import Iterable
from dataclasses import dataclass

from workflows.kinds import TicketType
from workflows.organisation import Organisation
from workflows.status import Status


@dataclass(frozen=True, slots=True)
class StatusCount:
    """Open tickets of one type in one status (`workflow_status` None: the phase itself)."""

    type: str  # a built-in type, or an organisation's own type's id
    phase: str
    workflow_status: str | None
    tickets: int
    example: str  # one ticket's key


@dataclass(frozen=True, slots=True)
class Stale:
    workflow: str
    type: str  # a built-in type, or an organisation's own type's id
    status: str  # what the tickets say they are in
    phase: Status
    suggested: str  # the workflow's status of that phase: where they act from now
    tickets: int
    example: str

    def sentence(self) -> str:
        many = "tickets are" if self.tickets != 1 else "ticket is"
        return (f"{self.tickets} open {self.type} {many} in status {self.status!r} "
                f"(e.g. {self.example}), which workflow {self.workflow!r} no longer has; they "
                f"act as {self.suggested!r}, its status of the {self.phase.value} phase — add "
                f"{self.status!r} back to keep them where they were, or leave them mapped so")


def stale_statuses(counts: Iterable[StatusCount], org: Organisation) -> list[Stale]:
    found = []
    for count in counts:
        try:
            kind: str = (count.type if org.own_type(count.type) is not None
                         else TicketType(count.type))
            phase = Status(count.phase)
        except ValueError:
            continue  # a type or phase this version does not know is not a workflow's doing
        flow = org.workflow_for(kind)
        status = count.workflow_status or phase.value
        if status in flow.statuses:
            continue
        found.append(Stale(flow.name, kind, status, phase, str(flow.status_in(phase)),
                           count.tickets, count.example))
    return found
