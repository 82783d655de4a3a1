"""Answers and domain objects as API bodies; refusals as problem documents."""

import dataclasses
import enum
from datetime import date, datetime, timedelta
from typing import Any

from bot.api.auth import Caller, problem
from bot.api.problems import Problem
from bot.api.schemas import HistoryEntry, PersonOut, TicketOut, TicketResult
from commands.answer import Answer
from workflows.people import Person
from workflows.ticket import Ticket

# A refusal's kind -> HTTP status. Permission and lifecycle refusals are 403 with the reason.
STATUS_OF_REFUSAL = {"not_found": 404, "not_allowed": 403, "invalid_input": 422,
                     "conflict": 409, "generic": 422}


def person_out(person: Person) -> PersonOut:
    return PersonOut(handle=person.handle, name=person.label)


def ticket_out(ticket: Ticket) -> TicketOut:
    return TicketOut(
        key=ticket.key, queue=ticket.queue, title=ticket.title, description=ticket.description,
        type=ticket.type, priority=ticket.priority, status=ticket.status, team=ticket.team,
        category=ticket.category, requester=person_out(ticket.requester),
        assignee=person_out(ticket.assignee) if ticket.assignee else None,
        collaborators=[person_out(p) for p in ticket.collaborators], source=str(ticket.source),
        created_at=ticket.created_at, updated_at=ticket.updated_at,
        response_due_at=ticket.response_due_at, resolution_due_at=ticket.resolution_due_at,
        first_response_at=ticket.first_response_at, resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at, resolution=ticket.resolution,
        pending_reason=ticket.pending_reason, duplicate_of=ticket.duplicate_of,
        links=list(ticket.links), version=ticket.version)


def refusal(caller: Caller, answer: Answer) -> Problem:
    """A problem document for an answer that is not ok, with chat's words as its detail."""
    detail = text(caller, answer)
    if answer.key.startswith("error.storage"):
        return problem(caller.catalog, 503, "unavailable", {"Retry-After": "1"}, detail,
                       key=answer.key)
    if answer.key.startswith("error.internal"):
        return problem(caller.catalog, 500, "internal", None, detail, key=answer.key,
                       ref=answer.params.get("ref"))
    kind = answer.refusal or "generic"
    return problem(caller.catalog, STATUS_OF_REFUSAL[kind], kind.replace("_", "-"), None, detail,
                   key=answer.key)


def text(caller: Caller, answer: Answer) -> str:
    return caller.catalog.answer(answer)


def result(caller: Caller, answer: Answer) -> TicketResult:
    return TicketResult(ticket=ticket_out(answer.ticket) if answer.ticket else None,
                        message=text(caller, answer),
                        actions=[action.value for action in answer.actions])


def history_entry(line: Any) -> HistoryEntry:
    return HistoryEntry(at=line.at, actor=line.actor, action=line.action,
                        from_status=line.from_status, to_status=line.to_status,
                        changes=plain(line.changes), reason=line.reason, source=line.source,
                        internal=line.internal)


def plain(value: Any) -> Any:
    """Dataclasses, enums, times and spans as JSON values (spans in seconds)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
