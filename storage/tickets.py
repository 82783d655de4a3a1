"""Tickets in and out of rows. Saving writes the ticket, its new audit lines, comments, links and
collaborators in the caller's transaction; the version column catches lost updates."""

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Row,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from commands.ports import CommentLine, HistoryLine, TicketQuery
from storage.dialects import ByDialect
from storage.models import (
    AuditRow,
    CollaboratorRow,
    CommentRow,
    LinkRow,
    QueueRow,
    TicketMessageRow,
    TicketRow,
)
from storage.numbers import NEXT_NUMBER, NEXT_NUMBERS, QueueNumbers
from storage.people import SqlPeople
from storage.sla import sla_state, sla_values
from workflows.checklist import CheckItem
from workflows.confidential import Shield
from workflows.errors import Conflict, NotFound
from workflows.kinds import Source, TicketType
from workflows.priority import Priority
from workflows.status import Status
from workflows.ticket import Ticket

_COPIED = ("title", "description", "category", "team", "created_at", "updated_at",
           "response_due_at", "resolution_due_at", "first_response_at", "resolved_at",
           "closed_at", "resolution", "pending_reason", "last_urged_at", "duplicate_of",
           "origin_channel", "origin_ts", "csat_score", "workflow_status")


# The hot writes are built once: a statement object memoises its cache key, so executing it
# again costs only its parameters (building one per call was most of a creation's CPU). They
# run on the session's connection, in its transaction, without the ORM session's layer.
_TICKETS = TicketRow.__table__
_INSERT_TICKET = insert(_TICKETS).returning(_TICKETS.c.id)
# Many new tickets in one statement (insertmanyvalues): each id comes back with its key (asking
# for them in parameter order makes SQLite insert row by row).
_INSERT_TICKETS = insert(_TICKETS).returning(_TICKETS.c.key, _TICKETS.c.id)
_UPDATE_TICKET = update(_TICKETS).where(_TICKETS.c.id == bindparam("_id"),
                                        _TICKETS.c.version == bindparam("_version"))
_INSERT_AUDIT = insert(AuditRow.__table__)
_INSERT_COMMENTS = insert(CommentRow.__table__)
_CREATE_QUEUE = ByDialect(lambda insert: insert(QueueRow.__table__).on_conflict_do_nothing(),
                          ("key", "next_number"))
_COLLABORATOR_IDS = select(CollaboratorRow.person_id).where(
    CollaboratorRow.ticket_id == bindparam("_ticket"))
# Loading a ticket to change it: its row, its collaborators, its links (both directions: a link
# is shown on both tickets).
_TICKET = select(_TICKETS).where(_TICKETS.c.key == bindparam("_key"))
_TICKET_FOR_UPDATE = _TICKET.with_for_update()
# A batch of tickets locked in one statement, in id order (two batches never wait on each other
# in a cycle).
_TICKETS_FOR_UPDATE = (select(_TICKETS).where(_TICKETS.c.key.in_(bindparam("_keys", expanding=True)))
                       .order_by(_TICKETS.c.id).with_for_update())
_INSERT_COLLABORATORS = insert(CollaboratorRow.__table__)
_IDS = bindparam("_ids", expanding=True)
_C = CollaboratorRow.__table__
_COLLABORATORS_OF = (select(_C.c.ticket_id, _C.c.person_id).where(_C.c.ticket_id.in_(_IDS))
                     .order_by(_C.c.added_at, _C.c.person_id))
_L, _OTHER = LinkRow.__table__, _TICKETS.alias("other")
_LINKS_OF = union_all(
    select(_L.c.ticket_id.label("ticket"), _OTHER.c.key.label("other"),
           literal(0).label("side"), _L.c.created_at.label("at"))
    .join(_OTHER, _OTHER.c.id == _L.c.other_id).where(_L.c.ticket_id.in_(_IDS)),
    select(_L.c.other_id.label("ticket"), _OTHER.c.key.label("other"),
           literal(1).label("side"), _L.c.created_at.label("at"))
    .join(_OTHER, _OTHER.c.id == _L.c.ticket_id).where(_L.c.other_id.in_(_IDS)),
).order_by("side", "at", "other")


def _skills_in(skills: tuple[str, ...]) -> str | None:
    return ",".join(skills) or None


def _skills_out(text: str | None) -> tuple[str, ...]:
    return tuple(s for s in (text or "").split(",") if s)


def _overdue(now: datetime) -> ColumnElement[bool]:
    """Ticket.late_clocks in SQL: an unanswered first response or the resolution past due."""
    unanswered = TicketRow.first_response_at.is_(None)
    return and_(TicketRow.status != Status.PENDING.value,
                or_(TicketRow.resolution_due_at < now,
                    and_(unanswered, TicketRow.response_due_at < now)))


def _at_risk(now: datetime) -> ColumnElement[bool]:
    """Ticket.at_risk_clocks in SQL: a clock the sweep has warned about (its stage moved past
    the first step) that is neither breached nor answered."""
    response = and_(TicketRow.first_response_at.is_(None), TicketRow.sla_response_stage >= 1,
                    TicketRow.sla_response_breached_at.is_(None),
                    TicketRow.response_due_at >= now)
    resolution = and_(TicketRow.sla_resolution_stage >= 1,
                      TicketRow.sla_resolution_breached_at.is_(None),
                      TicketRow.resolution_due_at >= now)
    return and_(TicketRow.status != Status.PENDING.value, or_(response, resolution))


def _audit_rows(ticket: Ticket) -> list[dict[str, Any]]:
    return [{"ticket_id": ticket.id, "at": a.at, "actor_id": a.actor_id, "action": a.action,
             "from_status": a.from_status.value if a.from_status else None,
             "to_status": a.to_status.value if a.to_status else None,
             "changes": a.changes, "reason": a.reason, "source": a.source.value,
             "internal": a.internal}
            for a in ticket.new_audit]


class SqlTickets:
    def __init__(self, session: AsyncSession, people: SqlPeople,
                 numbers: QueueNumbers | None = None) -> None:
        self.session = session
        self.people = people
        self.numbers = numbers
        self._loaded: dict[str, set[int]] = {}  # collaborator ids of tickets get_many loaded
        self._columns: dict[str, dict[str, Any]] = {}  # and their columns, as last written

    # -- loading ---------------------------------------------------------------------------
    async def get(self, key: str, *, for_update: bool = False) -> Ticket:
        connection = await self.session.connection()
        row = (await connection.execute(_TICKET_FOR_UPDATE if for_update else _TICKET,
                                        {"_key": key.upper()})).first()
        if row is None:
            raise NotFound("error.no_ticket", key=key.upper())
        return (await self._to_tickets([row], full=True))[0]

    async def get_many(self, keys: Sequence[str]) -> list[Ticket]:
        """The tickets of `keys` that exist, locked for update in one statement (id order).
        Their collaborators are remembered so `save_many` inserts only those added since."""
        if not keys:
            return []
        connection = await self.session.connection()
        rows = (await connection.execute(_TICKETS_FOR_UPDATE,
                                         {"_keys": [k.upper() for k in keys]})).all()
        tickets = await self._to_tickets(rows, full=True)
        for ticket, row in zip(tickets, rows, strict=True):
            self._loaded[ticket.key] = {p.id for p in ticket.collaborators}
            self._columns[ticket.key] = dict(row._mapping)
        return tickets

    async def _to_tickets(self, rows: Sequence[TicketRow | Row[Any]], full: bool = False
                          ) -> list[Ticket]:
        ids = {r.requester_id for r in rows} | {r.assignee_id for r in rows if r.assignee_id}
        collaborators: dict[int, list[int]] = {}
        links: dict[int, list[str]] = {}
        if full:
            connection = await self.session.connection()
            ticket_ids = {"_ids": [r.id for r in rows]}
            for ticket_id, person_id in await connection.execute(_COLLABORATORS_OF, ticket_ids):
                collaborators.setdefault(ticket_id, []).append(person_id)
                ids.add(person_id)
            for ticket_id, other, _side, _at in await connection.execute(_LINKS_OF, ticket_ids):
                if other not in links.setdefault(ticket_id, []):
                    links[ticket_id].append(other)
        people = await self.people.many(ids)
        return [
            Ticket(
                key=r.key, queue=r.queue, number=r.number, type=TicketType(r.type),
                priority=Priority(r.priority), status=Status(r.status),
                requester=people[r.requester_id], source=Source(r.source),
                assignee=people.get(r.assignee_id) if r.assignee_id else None,
                collaborators=[people[p] for p in collaborators.get(r.id, [])],
                links=links.get(r.id, []), id=r.id, version=r.version,
                skills=_skills_out(r.skills), sla=sla_state(r),
                checklist=[CheckItem.from_json(i) for i in getattr(r, "checklist", None) or ()],
                asset=getattr(r, "asset", None),
                fields=dict(getattr(r, "fields", None) or {}),
                custom_type=getattr(r, "custom_type", None),
                **{name: getattr(r, name) for name in _COPIED},
            )
            for r in rows
        ]

    # -- writing ---------------------------------------------------------------------------
    async def _next_number(self, queue: str) -> int:
        # One atomic increment: concurrent creators never share a number. On PostgreSQL it is
        # autocommitted on its own (storage.numbers), so they do not queue on the counter row.
        if self.numbers is not None:
            number = await self.numbers.next(queue)
            if number is not None:
                return number
        number = await self.session.scalar(NEXT_NUMBER, {"_queue": queue})
        if number is None:
            await _CREATE_QUEUE.execute(self.session, {"key": queue, "next_number": 0})
            number = await self.session.scalar(NEXT_NUMBER, {"_queue": queue})
        assert number is not None
        return number

    async def _next_numbers(self, queue: str, n: int) -> int:
        """The last of `n` consecutive numbers taken in one statement."""
        if self.numbers is not None:
            last = await self.numbers.next(queue, n)
            if last is not None:
                return last
        params = {"_queue": queue, "_n": n}
        last = await self.session.scalar(NEXT_NUMBERS, params)
        if last is None:
            await _CREATE_QUEUE.execute(self.session, {"key": queue, "next_number": 0})
            last = await self.session.scalar(NEXT_NUMBERS, params)
        assert last is not None
        return last

    async def add_many(self, tickets: Sequence[Ticket]) -> None:
        """`add` for a batch: the numbers of each queue taken in one statement."""
        by_queue: dict[str, list[Ticket]] = {}
        for ticket in tickets:
            by_queue.setdefault(ticket.queue, []).append(ticket)
        for queue, batch in by_queue.items():
            first = await self._next_numbers(queue, len(batch)) - len(batch) + 1
            for number, ticket in enumerate(batch, first):
                ticket.number = number
                ticket.key = f"{queue}-{number}"

    async def insert_many(self, tickets: Sequence[Ticket]) -> None:
        """Write new tickets (numbered by `add_many`, without comments or links) and their
        audit lines: two statements for the whole batch."""
        if not tickets:
            return
        rows = []
        for ticket in tickets:
            assert ticket.id is None and not ticket.new_comments and not ticket.new_links
            rows.append({**self._values(ticket), "key": ticket.key, "queue": ticket.queue,
                         "number": ticket.number, "type": ticket.type.value,
                         "requester_id": ticket.requester.id, "source": ticket.source.value,
                         "version": ticket.version + 1})
        connection = await self.session.connection()
        ids = dict((await connection.execute(_INSERT_TICKETS, rows)).tuples().all())
        for ticket in tickets:
            ticket.id = ids[ticket.key]
            ticket.version += 1
        collaborators = [{"ticket_id": t.id, "person_id": p.id, "added_at": t.updated_at}
                         for t in tickets for p in t.collaborators]
        if collaborators:
            await connection.execute(_INSERT_COLLABORATORS, collaborators)
        audit = [line for t in tickets for line in _audit_rows(t)]
        if audit:
            await connection.execute(_INSERT_AUDIT, audit)
        for ticket in tickets:
            ticket.new_audit.clear()

    async def add(self, ticket: Ticket) -> Ticket:
        """Number a new ticket in its queue; its row is written by `save`, once, at the end of
        the creating transaction (with its assignee and SLA clocks already set)."""
        ticket.number = await self._next_number(ticket.queue)
        ticket.key = f"{ticket.queue}-{ticket.number}"
        return ticket

    @staticmethod
    def _values(ticket: Ticket) -> dict[str, Any]:
        values = {name: getattr(ticket, name) for name in _COPIED}
        values.update(
            priority=ticket.priority.value, status=ticket.status.value,
            assignee_id=ticket.assignee.id if ticket.assignee else None,
            skills=_skills_in(ticket.skills), **sla_values(ticket.sla),
            checklist=[i.to_json() for i in ticket.checklist] or None, asset=ticket.asset,
            fields=dict(ticket.fields) or None, custom_type=ticket.custom_type,
        )
        return values

    async def save(self, ticket: Ticket) -> None:
        self._columns.pop(ticket.key, None)  # written in full: what get_many read is stale
        values = self._values(ticket)
        if ticket.id is None:
            values.update(key=ticket.key, queue=ticket.queue, number=ticket.number,
                          type=ticket.type.value, requester_id=ticket.requester.id,
                          source=ticket.source.value, version=ticket.version + 1)
            ticket.id = await (await self.session.connection()).scalar(_INSERT_TICKET, values)
            ticket.version += 1
            new = True
        else:
            result = await (await self.session.connection()).execute(
                _UPDATE_TICKET, {"_id": ticket.id, "_version": ticket.version,
                                 "version": ticket.version + 1, **values})
            if result.rowcount != 1:
                raise Conflict("error.concurrent_change", key=ticket.key)
            ticket.version += 1
            new = False
        await self._save_collaborators(ticket, new)
        await self._save_children(ticket)

    async def save_many(self, tickets: Sequence[Ticket]) -> None:
        """`save` for tickets `get_many` loaded (and so locked) in this transaction, in a few
        statements for the whole batch: their rows (one per set of changed columns), their audit
        lines, collaborators added. A ticket with new comments or links is saved on its own."""
        batch = [t for t in tickets if not t.new_comments and not t.new_links
                 and t.id is not None and t.key in self._loaded]
        batched = {id(t) for t in batch}
        for ticket in tickets:
            if id(ticket) not in batched:
                await self.save(ticket)
        if not batch:
            return
        connection = await self.session.connection()
        # Only the columns a ticket's change touched (an SLA step: a few of some thirty), in
        # one executemany per set of columns: most of an update's CPU was binding the others.
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for ticket in batch:
            changed = self._changed(ticket)
            by_columns.setdefault(tuple(changed), []).append(
                {"_id": ticket.id, "_version": ticket.version, "version": ticket.version + 1,
                 **changed})
        for rows in by_columns.values():
            result = await connection.execute(_UPDATE_TICKET, rows)
            # The rows are locked since get_many, so their versions cannot have moved; a
            # driver that counts the rows of an executemany (SQLite's; not asyncpg's) confirms.
            if connection.dialect.supports_sane_multi_rowcount and result.rowcount != len(rows):
                raise Conflict("error.concurrent_change", key=batch[0].key)
        collaborators = [
            {"ticket_id": t.id, "person_id": p.id, "added_at": t.updated_at}
            for t in batch for p in t.collaborators if p.id not in self._loaded[t.key]]
        if collaborators:
            await connection.execute(_INSERT_COLLABORATORS, collaborators)
        audit = [line for t in batch for line in _audit_rows(t)]
        if audit:
            await connection.execute(_INSERT_AUDIT, audit)
        for ticket in batch:
            ticket.version += 1
            self._loaded[ticket.key] = {p.id for p in ticket.collaborators}
            ticket.new_audit.clear()

    def _changed(self, ticket: Ticket) -> dict[str, Any]:
        """The columns of `ticket` that differ from what get_many read (all of them if it did
        not), remembered as written."""
        values = self._values(ticket)
        before = self._columns.get(ticket.key)
        if before is None:
            return values
        changed = {name: value for name, value in values.items() if before.get(name) != value}
        before.update(changed)
        return changed

    async def _save_collaborators(self, ticket: Ticket, new: bool) -> None:
        if not ticket.collaborators:
            return
        existing = set() if new else set(await self.session.scalars(
            _COLLABORATOR_IDS, {"_ticket": ticket.id}))
        for person in ticket.collaborators:
            if person.id not in existing:
                self.session.add(CollaboratorRow(ticket_id=ticket.id, person_id=person.id,
                                                 added_at=ticket.updated_at))

    async def _save_children(self, ticket: Ticket) -> None:
        assert ticket.id is not None
        if ticket.new_links:
            ids = dict((await self.session.execute(
                select(TicketRow.key, TicketRow.id).where(TicketRow.key.in_(ticket.new_links))
            )).tuples().all())
            for key in ticket.new_links:
                self.session.add(LinkRow(ticket_id=ticket.id, other_id=ids[key],
                                         created_at=ticket.updated_at))
        connection = await self.session.connection()
        if ticket.new_comments:
            await connection.execute(_INSERT_COMMENTS, [
                {"ticket_id": ticket.id, "author_id": c.author_id, "body": c.body,
                 "internal": c.internal, "source": c.source.value, "created_at": c.at}
                for c in ticket.new_comments
            ])
        if ticket.new_audit:
            await connection.execute(_INSERT_AUDIT, _audit_rows(ticket))
        await self.session.flush()
        ticket.new_links.clear()
        ticket.new_comments.clear()
        ticket.new_audit.clear()

    # -- queries ---------------------------------------------------------------------------
    async def find(self, query: TicketQuery) -> tuple[list[Ticket], int]:
        conditions = []
        if query.assignee_id is not None:
            conditions.append(TicketRow.assignee_id == query.assignee_id)
        if query.requester_id is not None:
            conditions.append(TicketRow.requester_id == query.requester_id)
        if query.teams:
            conditions.append(TicketRow.team.in_(query.teams))
        if query.unassigned:
            conditions.append(TicketRow.assignee_id.is_(None))
        if query.statuses:
            conditions.append(TicketRow.status.in_([s.value for s in query.statuses]))
        if query.overdue_at is not None:
            conditions.append(_overdue(query.overdue_at))
        if query.at_risk_at is not None:
            conditions.append(_at_risk(query.at_risk_at))
        conditions += _search_conditions(query)
        if query.shield is not None:
            conditions.append(shield_condition(query.shield))
        where = and_(*conditions) if conditions else or_(True)
        total = await self.session.scalar(select(func.count()).select_from(TicketRow).where(where))
        order = [TicketRow.priority, TicketRow.created_at, TicketRow.id]
        if query.unassigned_first:  # triage: what nobody has yet comes first
            order.insert(0, case((TicketRow.assignee_id.is_(None), 0), else_=1))
        if query.newest_first:
            order = [TicketRow.created_at.desc(), TicketRow.id.desc()]
        rows = list(await self.session.scalars(
            select(TicketRow).where(where).order_by(*order).limit(query.limit)
            .offset(query.offset or None)))
        return await self._to_tickets(rows), int(total or 0)

    async def history(self, ticket: Ticket) -> list[HistoryLine]:
        rows = list(await self.session.scalars(
            select(AuditRow).where(AuditRow.ticket_id == ticket.id).order_by(AuditRow.id)))
        people = await self.people.many({r.actor_id for r in rows if r.actor_id})
        return [
            HistoryLine(r.at, people[r.actor_id].label if r.actor_id else None, r.action,
                        r.from_status, r.to_status, r.changes or {}, r.reason, r.source,
                        r.internal)
            for r in rows
        ]

    async def comments(self, ticket: Ticket) -> list[CommentLine]:
        rows = list(await self.session.scalars(
            select(CommentRow).where(CommentRow.ticket_id == ticket.id).order_by(CommentRow.id)))
        people = await self.people.many({r.author_id for r in rows if r.author_id})
        return [CommentLine(r.created_at, people[r.author_id].label if r.author_id else None,
                            r.body, r.internal) for r in rows]

    async def key_by_message(self, platform: Source, address: str, ref: str) -> str | None:
        return await self.session.scalar(
            select(TicketRow.key).join(TicketMessageRow, TicketMessageRow.ticket_id == TicketRow.id)
            .where(TicketMessageRow.platform == platform.value, TicketMessageRow.address == address,
                   TicketMessageRow.ref == ref))

    async def forget_message(self, platform: Source, address: str, ref: str) -> bool:
        result = await self.session.execute(delete(TicketMessageRow).where(
            TicketMessageRow.platform == platform.value, TicketMessageRow.address == address,
            TicketMessageRow.ref == ref))
        return bool(result.rowcount)

    async def in_workflow_statuses(self, statuses: Collection[str], limit: int) -> list[str]:
        """Open tickets standing in one of these workflow statuses (approval steps)."""
        if not statuses:
            return []
        return list(await self.session.scalars(
            select(TicketRow.key).where(TicketRow.workflow_status.in_(list(statuses)))
            .order_by(TicketRow.id).limit(limit)))

    async def resolved_before(self, cutoff: datetime, limit: int) -> list[str]:
        return list(await self.session.scalars(
            select(TicketRow.key)
            .where(TicketRow.status == Status.RESOLVED.value, TicketRow.resolved_at <= cutoff)
            .order_by(TicketRow.resolved_at).limit(limit)))


def _search_conditions(query: TicketQuery) -> list[Any]:
    found: list[Any] = []
    if query.queues:
        found.append(TicketRow.queue.in_(query.queues))
    if query.priorities:
        found.append(TicketRow.priority.in_([p.value for p in query.priorities]))
    if query.types:
        # A built-in type, as the API says it (own types like it included), or an
        # organisation's own type by its id.
        found.append(or_(TicketRow.type.in_(query.types), TicketRow.custom_type.in_(query.types)))
    if query.category is not None:
        found.append(TicketRow.category == query.category)
    if query.created_since is not None:
        found.append(TicketRow.created_at >= query.created_since)
    if query.updated_since is not None:
        found.append(TicketRow.updated_at >= query.updated_since)
    if query.text:
        # LIKE's own wildcards in the text are matched as themselves.
        pattern = "%" + query.text.lower().replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        found.append(or_(func.lower(TicketRow.title).like(pattern, escape="\\"),
                         func.lower(TicketRow.description).like(pattern, escape="\\")))
    return found


def shield_condition(shield: Shield) -> ColumnElement[bool]:
    """Not a confidential ticket, or one the viewer is inside (workflows.confidential)."""
    secret = or_(TicketRow.queue.in_(sorted(shield.queues)),
                 TicketRow.team.in_(sorted(shield.teams)))
    inside: list[ColumnElement[bool]] = []
    if shield.viewer_teams:
        inside.append(TicketRow.team.in_(sorted(shield.viewer_teams)))
    if shield.viewer_id is not None:
        inside += [TicketRow.requester_id == shield.viewer_id,
                   TicketRow.assignee_id == shield.viewer_id,
                   # Uncorrelated: read once per query, not once per ticket.
                   TicketRow.id.in_(select(CollaboratorRow.ticket_id).where(
                       CollaboratorRow.person_id == shield.viewer_id))]
    return or_(not_(secret), *inside)
