"""The facts a report reads, for a period: found through indexes, never by reading every ticket.

A ticket belongs to the window [start, end) if something happened to it then (the index on
`audit_events.at`), if it was resolved, closed, cancelled or merged after `end` (it may have
been open at the end: the same index, only those actions), or if it is open now (the status
indexes). The cost follows the tickets active in the window, not the table.
"""

from typing import Any

from sqlalchemy import Select, and_, case, select, union
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


def facts_statement(query: ReportQuery) -> Select[Any]:
    """One statement: each candidate ticket's fields with its audit lines, in ticket order."""
    found = _candidates(query)
    requester, actor = _P.alias("requester"), _P.alias("actor")
    # Only a rating's comment is read: other lines' reasons (resolutions) stay in the database.
    comment = case((_A.c.action == "rate", _A.c.reason), else_=None)
    # The few values a metric reads, taken out of `changes` by the database: decoding every
    # line's JSON in Python was most of a large report's time.
    changed = _A.c.changes
    statement = (
        select(_T.c.id, _T.c.key, _T.c.team, _T.c.priority, _T.c.category, _T.c.created_at,
               _T.c.sla_calendar, requester.c.handle, _A.c.at, _A.c.action,
               actor.c.handle, _A.c.to_status, comment,
               changed[("assignee", 1)].as_string(), changed[("used", 1)].as_float(),
               changed[("met", 1)].as_boolean(), changed[("csat", 1)].as_integer())
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
    return statement


class SqlReports:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def facts(self, query: ReportQuery) -> list[TicketFacts]:
        result = await self.session.execute(facts_statement(query))
        return _assemble(result.all())


def _changes(action: str, assignee: str | None, used: float | None, met: bool | None,
             csat: int | None) -> dict[str, list[Any]]:
    """The `changes` of a line as the metrics read them ([before, after]; before unread)."""
    found: dict[str, list[Any]] = {}
    if assignee is not None or action == "transfer_team":  # another team: nobody has it yet
        found["assignee"] = [None, assignee]
    if used is not None:
        found["used"] = [None, used]
    if met is not None:
        found["met"] = [None, bool(met)]
    if csat is not None:
        found["csat"] = [None, csat]
    return found


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
        at, action, who, to_status, reason, assignee, used, met, csat = row[8:]
        if action is not None:
            events.append(Event(at, action, who, Status(to_status) if to_status else None,
                                _changes(action, assignee, used, met, csat), reason))
    flush()
    return tickets


