"""The facts a report reads, for a period: found through indexes, never by reading every ticket.

A ticket belongs to the window [start, end) if something happened to it then (the index on
`audit_events.at`), if it was resolved, closed, cancelled or merged after `end` (it may have
been open at the end: the same index, only those actions), or if it is open now (the status
indexes). The cost follows the tickets active in the window, not the table.
"""

from typing import Any

from sqlalchemy import (
    ARRAY,
    DateTime,
    Integer,
    Select,
    Text,
    and_,
    any_,
    bindparam,
    case,
    cast,
    select,
    type_coerce,
    union,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from commands.ports import ReportQuery
from storage.models import AuditRow, PersonRow, ReportFactRow, TicketRow
from storage.report_facts import FIELDS, summary_of
from storage.tickets import shield_condition
from workflows.checklist import CheckItem
from workflows.reports.facts import Event, TicketFacts
from workflows.reports.heap import collector_paused
from workflows.status import OPEN_STATUSES, Status

_T, _A, _P = TicketRow.__table__, AuditRow.__table__, PersonRow.__table__
_F = ReportFactRow.__table__
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


# Ids per statement when a report reads its tickets and their lines by id: on SQLite well under
# its limit on bound parameters; on PostgreSQL (one array parameter per statement) few enough
# that the planner keeps to the ticket id index. Given the 35,000 tickets of a month of a
# million-ticket organisation in one array, it read all 6.3 million audit lines in a parallel
# sequential scan and sorted them on disk (docs/performance.md).
CHUNK = 5000


def _among(column: Any, ids: list[int], whole: bool) -> Any:
    """`column` is one of `ids`: one array parameter (`whole`, PostgreSQL), else `IN (…)`.
    Rendering thousands of bound parameters cost more than the look-ups they asked for."""
    if whole:
        return column == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    return column.in_(ids)


def _moment(column: Any, whole: bool) -> Any:
    """A timestamp column as the driver gives it on PostgreSQL (asyncpg's aware UTC datetimes,
    already what `UTCDateTime` makes of them), so that its rows need no conversion (see
    `_rows`); SQLite's text still goes through `UTCDateTime`."""
    return type_coerce(column, DateTime(timezone=True)) if whole else column


def _rows(result: Any, whole: bool) -> list[Any]:
    """A statement's rows: on PostgreSQL the driver's records as they are (every column the
    report reads is already the Python value it needs there), else SQLAlchemy's rows. Making
    a row object per audit line was a fifth of a large report's time."""
    if not whole:
        return result.all()
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def candidates_statement(query: ReportQuery) -> Any:
    """The ids of every ticket that may count in the window (more do no harm)."""
    return select(_candidates(query).c.id)


def tickets_statement(query: ReportQuery, ids: list[int], whole: bool = False,
                      summed: bool = True) -> Select[Any]:
    """The fields of the candidates `ids` the query keeps, one row each, in id order; `summed`:
    also whether the ticket's report facts are fresh (the row's version is the ticket's) and
    plain, then those facts (storage/report_facts.py)."""
    columns: list[Any] = [_T.c.id, _T.c.key, _T.c.team, _T.c.priority, _T.c.category,
                          _moment(_T.c.created_at, whole), _T.c.sla_calendar, _T.c.requester_id]
    if summed:
        columns.append(case((and_(_F.c.version == _T.c.version, _F.c.plain), True),
                            else_=False))
        columns += [_F.c[name] for name in FIELDS]
    statement = (
        select(*columns)
        .where(_among(_T.c.id, ids, whole), _T.c.created_at < query.end)
        .order_by(_T.c.id))
    if summed:
        statement = statement.select_from(_T.outerjoin(_F, _F.c.ticket_id == _T.c.id))
    if query.teams is not None:
        statement = statement.where(_T.c.team.in_(query.teams))
    if query.requester_id is not None:
        statement = statement.where(_T.c.requester_id == query.requester_id)
    if query.shield is not None:  # confidential tickets the reader is not inside
        statement = statement.where(shield_condition(query.shield))
    return statement


def handles_statement(ids: list[int], whole: bool = False) -> Select[Any]:
    """The handles of people `ids` (the tickets' requesters, the lines' actors): looked up once
    per report rather than joined to every line, which was a third of the lines' statement."""
    return select(_P.c.id, _P.c.handle).where(_among(_P.c.id, ids, whole))


def details_statement(ids: list[int], whole: bool = False) -> Select[Any]:
    """The title and checklist of tickets `ids`: only an export reads them."""
    return select(_T.c.id, _T.c.title, _T.c.checklist).where(_among(_T.c.id, ids, whole))


def lines_statement(query: ReportQuery, ids: list[int], whole: bool = False) -> Select[Any]:
    """The audit lines of tickets `ids` before the window's end, narrow, in ticket then time order.

    Found through the ticket id index: joining the window's tickets to their lines in one
    statement made PostgreSQL scan all of `tickets` or `audit_events` (docs/performance.md)."""
    # Only a rating's comment is read: other lines' reasons (resolutions) stay in the database.
    comment = case((_A.c.action == "rate", _A.c.reason), else_=None)
    # The few values a metric reads, taken out of `changes` by the database: decoding every
    # line's JSON in Python was most of a large report's time.
    # Each is parsed only on the lines a metric reads it from (a clock's stop, a rating; an
    # assignment wherever `changes` names one): parsing every line's JSON four times was most
    # of the database's time.
    changed, action = _A.c.changes, _A.c.action
    clock = action.in_(("sla_response", "sla_stop"))
    return (
        select(_A.c.ticket_id, _moment(_A.c.at, whole), action, _A.c.actor_id, _A.c.to_status,
               comment,
               case((cast(changed, Text).contains('"assignee"'),
                     changed[("assignee", 1)].as_string()), else_=None),
               case((clock, changed[("used", 1)].as_float()), else_=None),
               # One boolean slot for two flags never on the same line: a clock's `met`, a
               # resolution's `self_service` (resolved with a knowledge-base article).
               case((clock, changed[("met", 1)].as_boolean()),
                    (action == "resolve", changed[("self_service", 1)].as_boolean()),
                    else_=None),
               case((action == "rate", changed[("csat", 1)].as_integer()), else_=None))
        .select_from(_A)
        .where(_among(_A.c.ticket_id, ids, whole), _A.c.at < query.end, _A.c.action.in_(ACTIONS))
        .order_by(_A.c.ticket_id, _A.c.at, _A.c.id))


class SqlReports:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def facts(self, query: ReportQuery, summed: bool = True) -> list[TicketFacts]:
        """`summed` False: every ticket from its lines, its report facts unread (benchmarks)."""
        # Core on the session's connection: no ORM layer between the rows and the report.
        # Three steps, each through an index: the candidates' ids, the kept tickets' fields
        # with their report facts, the lines of those whose facts are stale, missing or not
        # plain. One row per ticket and one narrow row per line read, nothing repeated.
        connection = await self.session.connection()
        whole = connection.dialect.name == "postgresql"
        result = await connection.execute(candidates_statement(query))
        found = sorted(row[0] for row in _rows(result, whole))
        facts, _ = await _read(connection, query, found, summed)
        return facts


async def read_trails(connection: AsyncConnection, query: ReportQuery, ids: list[int]
                      ) -> tuple[list[tuple[int, TicketFacts]], dict[int, str]]:
    """Tickets `ids` with every line of their trails before the query's end, by id, and the
    handles of the people they name (by id): what the report facts job sums up."""
    facts, heads, handles = await _read(connection, query, ids, False, with_heads=True)
    return [(head[0], ticket) for head, ticket in zip(heads, facts, strict=True)], handles


async def _read(connection: AsyncConnection, query: ReportQuery, found: list[int],
                summed: bool, with_heads: bool = False) -> Any:
    whole = connection.dialect.name == "postgresql"
    heads: list[Any] = []
    for part in _chunks(found):
        result = await connection.execute(tickets_statement(query, part, whole, summed))
        with collector_paused():
            heads += _rows(result, whole)
    lines: list[Any] = []
    kept = [head[0] for head in heads]
    unsummed = [head[0] for head in heads if not summed or not head[8]]
    for part in _chunks(unsummed):
        result = await connection.execute(lines_statement(query, part, whole))
        with collector_paused():
            lines += _rows(result, whole)
    people = {head[7] for head in heads} | {line[3] for line in lines}
    if summed:
        for head in heads:
            if head[8]:  # the people the facts name: the work lines' and the resolver
                people.update(head[13] or ())
                people.add(head[19])
    handles: dict[int, str] = {}
    for part in _chunks(sorted(people - {None})):
        handles.update(_rows(await connection.execute(handles_statement(part, whole)), whole))
    details: dict[int, tuple[str, tuple[CheckItem, ...]]] | None = None
    if query.details:  # an export's extra columns, in a statement of their own
        details = {}
        for part in _chunks(kept):
            result = await connection.execute(details_statement(part, whole))
            details.update((ticket_id, (title, tuple(CheckItem.from_json(item)
                                                     for item in checklist or ())))
                           for ticket_id, title, checklist in result)
    with collector_paused():
        facts = _assemble(heads, lines, handles, details, summed)
    return (facts, heads, handles) if with_heads else (facts, handles)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _changes(action: str, assignee: str | None, used: float | None, met: bool | None,
             csat: int | None) -> dict[str, list[Any]]:
    """The `changes` of a line as the metrics read them ([before, after]; before unread)."""
    found: dict[str, list[Any]] = {}
    if assignee is not None or action == "transfer_team":  # another team: nobody has it yet
        found["assignee"] = [None, assignee]
    if used is not None:
        found["used"] = [None, used]
    if met is not None:  # the shared slot (lines_statement): a resolution's flag, else a clock's
        found["self_service" if action == "resolve" else "met"] = [None, bool(met)]
    if csat is not None:
        found["csat"] = [None, csat]
    return found


_NOTHING: dict[str, list[Any]] = {}  # shared by the many lines that change nothing read
_STATUS = {status.value: status for status in Status}


def _assemble(heads: list[Any], lines: list[Any], handles: dict[int, str],
              details: dict[int, tuple[str, tuple[CheckItem, ...]]] | None = None,
              summed: bool = False) -> list[TicketFacts]:
    """Tickets (id order) with their lines (ticket id, then time order), walked side by side;
    `handles`: people's handles by id; `details`: the tickets' titles and checklists, by id,
    when the query asked for them; `summed`: the heads carry their report facts (a ticket
    whose facts are fresh and plain has no lines and gets its summary instead)."""
    tickets: list[TicketFacts] = []
    at_line, count = 0, len(lines)
    handle = handles.get
    for head in heads:
        ticket_id, key, team, priority, category, created_at, calendar, requester_id = head[:8]
        requester = handles[requester_id]
        summary = summary_of(head[9:], handles) if summed and head[8] else None
        events: list[Event] = []
        while at_line < count and lines[at_line][0] == ticket_id:
            _, at, action, actor_id, to_status, reason, assignee, used, met, csat = lines[at_line]
            who = handle(actor_id) if actor_id is not None else None
            at_line += 1
            changes = (_NOTHING if assignee is None and used is None and met is None
                       and csat is None and action != "transfer_team"
                       else _changes(action, assignee, used, met, csat))
            events.append(Event(at, action, who, _STATUS[to_status] if to_status else None,
                                changes, reason))
        if details is None:
            tickets.append(TicketFacts(key, team, priority, category, requester, created_at,
                                       calendar, tuple(events), summary=summary))
        else:
            title, checklist = details.get(ticket_id, ("", ()))
            tickets.append(TicketFacts(key, team, priority, category, requester, created_at,
                                       calendar, tuple(events), title, checklist, summary))
    return tickets
