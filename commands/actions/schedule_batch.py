"""Many due work orders in one transaction, set-based: what makes a thousand occurrences due at
the same minute cost about as many statements as one.

One batch: lock the due schedules (one statement, `SKIP LOCKED`: a schedule another replica
holds is its), decide every occurrence each has due, save their progress (one executemany),
claim the occurrence keys (one `INSERT … ON CONFLICT DO NOTHING RETURNING`: only the keys this
transaction recorded are made), then build each work order as a person's `new` would (routing,
SLA clocks, history naming the schedule), assign them team by team from one read of each
team's state, take each queue's numbers in one statement, and write the tickets, their audit
lines and their messages in three statements. People and preferences are read once per batch.
It all commits together, so a crash leaves nothing half made: the occurrences are still due.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, cast

from commands.actions.create import draft_ticket
from commands.assigning import needs_state, team_state
from commands.context import Context, may_hear, subscriptions_of
from commands.lookups import BatchLookups
from commands.messages import Create, Planned
from commands.notify import NotifyConfig, plan
from commands.ports import Clock, OutboxMessage, UnitOfWork
from commands.webhooks import plan_webhooks
from workflows.assets import Asset, asset_key
from workflows.assignment import TeamState, choose
from workflows.errors import DomainError, InvalidInput
from workflows.kinds import Source
from workflows.organisation import Organisation
from workflows.people import Person
from workflows.schedule import Due
from workflows.sla import settle
from workflows.ticket import Actor, Ticket
from workflows.work_order import Schedule


class _Assets:
    """Assets read once per name and per type for the batch."""

    def __init__(self, assets: Any) -> None:
        self._assets = assets
        self._by_key: dict[str, Asset | None] = {}
        self._by_type: dict[str, list[Asset]] = {}

    async def get(self, name: str) -> Asset | None:
        key = asset_key(name)
        if key not in self._by_key:
            self._by_key[key] = await self._assets.get(name)
        return self._by_key[key]

    async def of_type(self, type_: str) -> list[Asset]:
        if type_ not in self._by_type:
            self._by_type[type_] = await self._assets.of_type(type_)
            self._by_key.update({a.key: a for a in self._by_type[type_]})
        return self._by_type[type_]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._assets, name)


class _Lookups(BatchLookups):
    """The batch's unit of work with its look-ups (people, preferences, assets) remembered,
    usable where a unit-of-work factory is expected; everything else passes through."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__(uow)
        self.assets = _Assets(uow.assets)

    def __call__(self) -> "_Lookups":
        return self

    async def __aenter__(self) -> "_Lookups":
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

@dataclass(slots=True)
class Made:
    schedule: Schedule
    due: Due
    ticket: Ticket
    owner: Person


@dataclass(slots=True)
class Batch:
    due: int = 0  # schedules this batch locked
    held: int = 0  # ids another replica held or moved on
    passed_over: int = 0
    refused: int = 0  # occurrences whose work order the organisation no longer allows
    made: tuple[Made, ...] = ()


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


async def make_batch(uow: UnitOfWork, org: Organisation, clock: Clock, notify: NotifyConfig,
                     ids: list[int]) -> Batch:
    """Everything due of the schedules `ids`, in the caller's (open) unit of work; the caller
    commits."""
    now = clock.now()
    result = Batch()
    schedules = await uow.schedules.lock_due_many(ids, now)
    result.due, result.held = len(schedules), len(ids) - len(schedules)
    wanted: list[tuple[Schedule, Due]] = []
    for schedule in schedules:
        whole = schedule.plan(org.sla.calendars, now)
        result.passed_over += whole.passed_over
        wanted += [(schedule, due) for due in whole.create]
    await uow.schedules.save_many(schedules, now)
    claimed = await uow.schedules.occurred_many(
        [(s.id, d.at, d.late) for s, d in wanted if s.id is not None], now)
    lookups = _Lookups(uow)
    work = cast(UnitOfWork, lookups)
    made: list[Made] = []
    for schedule, due in wanted:
        if (schedule.id, _utc(due.at)) not in claimed:
            continue  # recorded before: made already
        try:
            made += await _drafts(work, lookups, org, clock, notify, schedule, due, now)
        except DomainError:  # the organisation changed under the schedule: passed over
            result.refused += 1
    await assign_batch(work, org, [m.ticket for m in made], now)
    tickets = [m.ticket for m in made]
    await uow.tickets.add_many(tickets)  # numbered last, once nothing can be refused
    messages: list[OutboxMessage] = []
    subscriptions = await subscriptions_of(uow, org) if made else ()
    for m in made:
        settle(m.ticket, org, now)
        messages += await plan(work, m.ticket, m.ticket.new_audit, org, notify, m.owner, now)
        messages += plan_webhooks(m.ticket, m.ticket.new_audit,
                                  may_hear(org, m.ticket, subscriptions), m.owner, now)
    await uow.tickets.insert_many(tickets)
    ids_by_key = {t.key: t.id for t in tickets}
    await uow.outbox.add([replace(m, ticket_id=ids_by_key.get(m.ticket_key or ""))
                          if m.ticket_id is None and m.ticket_key in ids_by_key else m
                          for m in messages])
    result.made = tuple(made)
    return result


async def _drafts(work: UnitOfWork, lookups: _Lookups, org: Organisation, clock: Clock,
                  notify: NotifyConfig, schedule: Schedule, due: Due, now: datetime
                  ) -> list[Made]:
    """The occurrence's work orders: one, or one per asset of the schedule's asset type. All
    or none: a refusal of one refuses the occurrence."""
    t = schedule.template
    if org.team(t.team) is None:  # removed from the organisation file since
        raise InvalidInput("error.unknown_team", team=t.team, teams=", ".join(org.teams))
    assets: list[str | None] = [t.asset]
    if t.asset_type:
        assets = [a.name for a in await lookups.assets.of_type(t.asset_type)]
        if not assets:
            raise InvalidInput("error.unknown_asset", asset=t.asset_type)
    owner = await lookups.people.by_handle(schedule.owner)
    if owner is None:
        owner, _ = await lookups.people.add(schedule.owner, schedule.owner, now)
    ctx = Context(lookups, org, clock, owner, Source.SYSTEM, notify)
    day = due.at.astimezone(schedule.when.tz).date()
    made = []
    for asset in assets:
        title, description = t.render(day, asset)
        cmd = Create(title=title, description=description, priority=t.priority, type=t.type,
                     category=t.category, team=t.team,
                     checklist=tuple((i.text, i.required) for i in t.checklist),
                     planned=Planned(schedule.name, due.at, due.late), asset=asset)
        made.append(Made(schedule, due, await draft_ticket(work, ctx, cmd, owner, now), owner))
    return made


async def assign_batch(uow: UnitOfWork, org: Organisation, tickets: list[Ticket],
                       now: datetime) -> None:
    """`auto_assign` for a batch: each team's state read (and its cursor locked) once, then
    each ticket assigned in turn, the state moved on in memory as the team's would be."""
    states: dict[str, TeamState] = {}
    last: dict[str, str] = {}
    weights = org.policies.load_weights
    waiting = []
    for ticket in tickets:
        team = org.team(ticket.team)
        if team is not None and ticket.assignee is None and needs_state(team, ticket.priority):
            waiting.append((ticket, team))
    # Cursors locked in team order: two batches at once never wait on each other in a cycle.
    for team in sorted({team.key: team for _, team in waiting}.values(), key=lambda t: t.key):
        states[team.key] = await team_state(uow, org, team, now, lock=True)
    for ticket, team in waiting:
        state = states[team.key]
        choice = choose(team.assignment, state, ticket.priority, frozenset(ticket.skills), now)
        person = await uow.people.by_handle(choice.handle) if choice.handle else None
        if person is not None:
            ticket.assign(Actor.system(now), person, org, choice.reason(), how=choice.how.value)
            loads = {**state.loads, person.handle: state.loads.get(person.handle, 0)
                     + weights[ticket.priority]}
            if person.handle in team.takers:  # a lead taking a P1 uses up nobody's turn
                state = replace(state, last=person.handle, loads=loads)
                last[team.key] = person.handle
            else:
                state = replace(state, loads=loads)
        states[team.key] = state
    for team_key, handle in last.items():
        await uow.assignment.advance(team_key, handle, now)
