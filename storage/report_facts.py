"""The report facts job: each ticket's audit trail summed up once (workflows/reports/summary.py)
into `report_facts`, stamped with the ticket's version, so that a report reads one narrow row
per ticket instead of every line of its trail.

Every change that writes audit lines raises the ticket's version in the same transaction
(storage/tickets.py), so a row whose version is not the ticket's is stale, and a report reads
that ticket's lines instead (storage/reports.py): a row may lag, a report never does. The job
follows the trail from a mark (the last audit line id it has read) and reads again the tickets
of the lines after it; the first time, it reads every ticket in id order.

Audit ids are handed out when a line is written, not when it commits, so a line can commit
behind the mark (its transaction began first and ended after the job read a later one). Its
ticket's row is then stale, which costs that ticket's reading in every report until the ticket
changes again. So once the job has nothing newer to read, it checks a slice of `REPAIR`
tickets per step, in id order round the table, and reads again those whose row is missing or
stale (`repair_id` keeps its place).
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from commands.ports import ReportQuery
from storage.dialects import insert_for
from storage.models import AuditRow, ReportFactRow, ReportFactsMarkRow, TicketRow
from workflows.reports.summary import Summary, summarize

_T, _A = TicketRow.__table__, AuditRow.__table__
_F, _M = ReportFactRow.__table__, ReportFactsMarkRow.__table__
_EVER = ReportQuery(datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))
BATCH = 5000  # tickets read per step
REPAIR = 5000  # tickets checked per step of the repair pass

# The summary's fields, in the order of the table's columns after ticket_id, version, plain.
FIELDS = ("status_from", "left_open_at", "assigned_at", "assignee", "work_by", "work_at",
          "response_at", "response_used", "response_met", "resolved_at", "resolver_id",
          "self_service", "stop_at", "stop_used", "stop_met", "rated_at", "csat", "comment",
          "rated_after_resolution")


def _row(ticket_id: int, version: int, summary: Summary | None, ids: dict[str, int]
         ) -> dict[str, Any]:
    """The row of a summary; `ids`: people's ids by handle (the row names people by id)."""
    row: dict[str, Any] = dict.fromkeys(FIELDS)
    row.update(ticket_id=ticket_id, version=version, plain=summary is not None)
    if summary is not None:
        for name in FIELDS:
            if hasattr(summary, name):
                row[name] = getattr(summary, name)
        row["work_by"] = [ids[who] for who, _ in summary.work]
        row["work_at"] = [at for _, at in summary.work]
        row["resolver_id"] = ids.get(summary.resolved_by) if summary.resolved_by else None
    return row


def summary_of(values: Any, handles: dict[int, str]) -> Summary:
    """A summary from a row's FIELDS, in order (storage/reports.py reads them so); `handles`:
    people's handles by id."""
    (status_from, left_open_at, assigned_at, assignee, by, at, response_at, response_used,
     response_met, resolved_at, resolver_id, self_service, stop_at, stop_used, stop_met,
     rated_at, csat, comment, rated_after) = values
    return Summary(status_from, left_open_at, assigned_at, assignee,
                   tuple(zip([handles[i] for i in by], at, strict=True)) if by else (),
                   response_at, response_used, response_met, resolved_at,
                   handles[resolver_id] if resolver_id is not None else None,
                   bool(self_service), stop_at, stop_used, stop_met, rated_at, csat, comment,
                   bool(rated_after))


def _mark_statement() -> Select[Any]:
    return (select(_M.c.audit_id, _M.c.backfill_id, _M.c.repair_id).where(_M.c.id == 1)
            .with_for_update())


async def _repair(connection: AsyncConnection, after: int, size: int) -> tuple[int, int]:
    """Read again the tickets of the slice after ticket `after` whose row is missing or
    stale: how many, and where the next slice starts (0: the table's end, start again)."""
    slice_ = (await connection.execute(
        select(_T.c.id, _T.c.version, _F.c.version)
        .select_from(_T.outerjoin(_F, _F.c.ticket_id == _T.c.id))
        .where(_T.c.id > after).order_by(_T.c.id).limit(size))).tuples().all()
    stale = [ticket_id for ticket_id, version, summed in slice_ if summed != version]
    return (await refresh(connection, stale),
            slice_[-1][0] if len(slice_) == size else 0)


async def refresh(connection: AsyncConnection, ids: list[int]) -> int:
    """Read tickets `ids` again from their trails and write their rows; how many."""
    from storage.reports import read_trails  # the report's own reading of the lines

    if not ids:
        return 0
    # The versions first: lines read after them are at least as new, so a row can only be
    # stamped older than what it sums up (then it is stale and not used), never newer.
    versions = dict((await connection.execute(
        select(_T.c.id, _T.c.version).where(_T.c.id.in_(bindparam("ids", expanding=True))),
        {"ids": ids})).tuples().all())
    trails, handles = await read_trails(connection, _EVER, sorted(versions))
    ids = {handle: person for person, handle in handles.items()}  # handles are unique
    rows = [_row(ticket_id, versions[ticket_id], summarize(facts.events), ids)
            for ticket_id, facts in trails]
    if rows:
        insert = insert_for(connection)(_F)
        columns = {name: insert.excluded[name] for name in ("version", "plain", *FIELDS)}
        await connection.execute(insert.on_conflict_do_update(index_elements=["ticket_id"],
                                                              set_=columns), rows)
    return len(rows)


async def catch_up(connection: AsyncConnection, batch: int = BATCH) -> int:
    """One step of the job in the caller's transaction: the tickets of up to `batch` audit
    lines after the mark, then up to `batch` tickets of the first reading. How many tickets
    were read; 0: nothing was left."""
    mark = (await connection.execute(_mark_statement())).first()
    if mark is None:  # a table emptied by hand: start again from the beginning
        # Another replica may be putting the row back at the same moment: whichever insert
        # loses does nothing, and both then wait on the one row.
        await connection.execute(insert_for(connection)(_M).values(
            id=1, audit_id=0, backfill_id=0, repair_id=0).on_conflict_do_nothing())
        mark = (await connection.execute(_mark_statement())).one()
    audit_id, backfill_id, repair_id = mark
    lines = (await connection.execute(
        select(_A.c.id, _A.c.ticket_id).where(_A.c.id > audit_id).order_by(_A.c.id)
        .limit(batch))).tuples().all()
    done = 0
    if lines:
        done += await refresh(connection, sorted({ticket_id for _, ticket_id in lines}))
        audit_id = lines[-1][0]
    if backfill_id is not None:
        ids = list((await connection.execute(
            select(_T.c.id).where(_T.c.id > backfill_id).order_by(_T.c.id).limit(batch)
        )).scalars())
        done += await refresh(connection, ids)
        backfill_id = ids[-1] if len(ids) == batch else None
    elif not lines:  # nothing newer to read: one slice of the repair pass
        done, repair_id = await _repair(connection, repair_id, min(batch, REPAIR))
    await connection.execute(update(_M).where(_M.c.id == 1).values(
        audit_id=audit_id, backfill_id=backfill_id, repair_id=repair_id))
    return done


async def forget(connection: AsyncConnection) -> None:
    """Drop every row and read everything again from the start (after a change to how trails
    are summed up)."""
    await connection.execute(delete(_F))
    top = (await connection.execute(select(func.coalesce(func.max(_A.c.id), 0)))).scalar()
    await connection.execute(update(_M).where(_M.c.id == 1)
                             .values(audit_id=top, backfill_id=0))
