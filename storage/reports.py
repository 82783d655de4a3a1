"""The facts a report reads, for a period: found through indexes, never by reading every ticket.

A ticket belongs to the window [start, end) if something happened to it then (the index on
`audit_events.at`), if it was resolved, closed, cancelled or merged after `end` (it may have
been open at the end: the same index, only those actions), or if it is open now (the status
indexes). The cost follows the tickets active in the window, not the table.
"""

from typing import Any

from sqlalchemy import and_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from commands.ports import ReportQuery
from storage.models import AuditRow, PersonRow, TicketRow
from workflows.reports.facts import Event, TicketFacts
from workflows.status import OPEN_STATUSES, Status

_T, _A, _P = TicketRow.__table__, AuditRow.__table__, PersonRow.__table__
# The lines a metric reads (docs/reports.md); warnings, reminders and notes of urging are not.
ACTIONS = ("create", "claim", "assign", "transfer", "transfer_team", "escalate", "reply", "note",
           "pend", "resume", "resolve", "reopen", "close", "cancel", "suspend", "merge", "rate",
           "sla_response", "sla_stop", "sla_breach")
_ENDING = ("resolve", "close", "cancel", "merge")


def _candidates(query: ReportQuery) -> Any:
    active = select(_A.c.ticket_id.label("id")).where(_A.c.at >= query.start, _A.c.at < query.end)
    ended_later = select(_A.c.ticket_id.label("id")).where(_A.c.at >= query.end,
                                                          _A.c.action.in_(_ENDING))
    still_open = select(_T.c.id.label("id")).where(
        _T.c.status.in_([s.value for s in OPEN_STATUSES]), _T.c.created_at < query.end)
    if query.teams is not None:
        still_open = still_open.where(_T.c.team.in_(query.teams))
    if query.requester_id is not None:
        still_open = still_open.where(_T.c.requester_id == query.requester_id)
    return union(active, ended_later, still_open).subquery("candidates")


class SqlReports:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def facts(self, query: ReportQuery) -> list[TicketFacts]:
        found = _candidates(query)
        requester, actor = _P.alias("requester"), _P.alias("actor")
        statement = (
            select(_T.c.id, _T.c.key, _T.c.team, _T.c.priority, _T.c.category, _T.c.created_at,
                   _T.c.sla_calendar, requester.c.handle, _A.c.at, _A.c.action,
                   actor.c.handle, _A.c.to_status, _A.c.changes, _A.c.reason)
            .select_from(_T.join(found, found.c.id == _T.c.id)
                         .join(requester, requester.c.id == _T.c.requester_id)
                         .outerjoin(_A, and_(_A.c.ticket_id == _T.c.id, _A.c.at < query.end,
                                             _A.c.action.in_(ACTIONS)))
                         .outerjoin(actor, actor.c.id == _A.c.actor_id))
            .where(_T.c.created_at < query.end)
            .order_by(_T.c.id, _A.c.at, _A.c.id))
        if query.teams is not None:
            statement = statement.where(_T.c.team.in_(query.teams))
        if query.requester_id is not None:
            statement = statement.where(_T.c.requester_id == query.requester_id)
        result = await self.session.execute(statement)
        return _assemble(result.all())


def _assemble(rows: list[Any]) -> list[TicketFacts]:
    tickets: list[TicketFacts] = []
    head: Any = None
    events: list[Event] = []

    def flush() -> None:
        if head is not None:
            _, key, team, priority, category, created_at, calendar, requester = head
            tickets.append(TicketFacts(key, team, priority, category, requester, created_at,
                                       calendar, tuple(events)))

    for row in rows:
        if head is None or row[0] != head[0]:
            flush()
            head, events = row[:8], []
        at, action, who, to_status, changes, reason = row[8:]
        if action is not None:
            events.append(Event(at, action, who, Status(to_status) if to_status else None,
                                changes or {}, reason))
    flush()
    return tickets


