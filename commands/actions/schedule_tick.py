"""The scheduler's job for planned work: open each due occurrence's work order, once.

A tick reads the ids whose stored `next_due` has come (an index; nothing is evaluated for the
others), then makes their work orders in batches, one transaction each (`schedule_batch`):
lock the schedules still due (a replica holding one makes the others skip it), decide what is
due by now (catch-up rule, count, pause), record each occurrence's key (schedule, instant;
unique), and open the work orders as a person's `new` would: routing, SLA clocks, assignment,
announcements and a history line naming the schedule, all committed with the schedules' new
`next_due`.

A batch that fails as a whole is retried one schedule at a time (batches of one), so a broken
schedule fails alone. `run_schedule` below is the path before batches (one transaction per work
order, through the creation use case itself; no asset-type fan-out), kept for A/B runs
(`bench.schedules --alone`).
"""

import asyncio
import logging
from dataclasses import dataclass, field
from types import TracebackType

from commands.actions.create import create
from commands.actions.schedule_batch import Batch, make_batch
from commands.context import Context
from commands.messages import Create, Planned
from commands.notify import NotifyConfig
from commands.ports import Clock, UnitOfWork, UnitOfWorkFactory
from workflows.errors import DomainError, InvalidInput
from workflows.kinds import Source
from workflows.organisation import Organisation
from workflows.schedule import Due
from workflows.work_order import Schedule

log = logging.getLogger(__name__)


@dataclass
class TickReport:
    due: int = 0  # schedules found due
    made: list[str] = field(default_factory=list)  # ticket keys
    late: int = 0
    passed_over: int = 0  # missed occurrences the catch-up rule did not make
    skipped: int = 0  # held by another replica, or already moved on
    failed: int = 0


class _Shared:
    """A factory handing out one open unit of work, so the creation use case commits the
    schedule's progress and the occurrence key with its ticket."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def __call__(self) -> "_Shared":
        return self

    async def __aenter__(self) -> UnitOfWork:
        return self._uow

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        return None


async def _open(uow: UnitOfWork, org: Organisation, clock: Clock, notify: NotifyConfig,
                schedule: Schedule, due: Due) -> str:
    now = clock.now()
    if org.team(schedule.template.team) is None:  # removed from the organisation file since
        raise InvalidInput("error.unknown_team", team=schedule.template.team,
                           teams=", ".join(org.teams))
    owner = await uow.people.by_handle(schedule.owner)
    if owner is None:
        owner, _ = await uow.people.add(schedule.owner, schedule.owner, now)
    local_day = due.at.astimezone(schedule.when.tz).date()
    title, description = schedule.template.render(local_day)
    t = schedule.template
    cmd = Create(title=title, description=description, priority=t.priority, type=t.type,
                 category=t.category, team=t.team,
                 checklist=tuple((i.text, i.required) for i in t.checklist),
                 planned=Planned(schedule.name, due.at, due.late), asset=t.asset)
    ctx = Context(_Shared(uow), org, clock, owner, Source.SYSTEM, notify)
    answer = await create(cmd, ctx)
    return str(answer.params["key"])


async def run_schedule(uow: UnitOfWorkFactory, org: Organisation, clock: Clock,
                       notify: NotifyConfig, schedule_id: int, report: TickReport) -> None:
    """One work order per transaction until the schedule has nothing more due."""
    first = True
    while True:
        async with uow() as work:
            now = clock.now()
            schedule = await work.schedules.lock_due(schedule_id, now)
            if schedule is None:  # held by another replica, or moved on meanwhile
                report.skipped += first
                return
            report.due += first
            first = False
            step = schedule.step(org.sla.calendars, now)
            report.passed_over += step.passed_over
            await work.schedules.save(schedule, now)
            due = step.make
            if due is None or not await work.schedules.occurred(schedule_id, due.at, now,
                                                                 due.late):
                await work.commit()  # nothing to make, or made before: only progress moves
                if due is None:
                    return
                continue
            try:
                report.made.append(await _open(work, org, clock, notify, schedule, due))
            except DomainError as refused:  # the organisation changed under the schedule
                await work.rollback()
                log.warning("schedule %s: work order of %s refused (%s); occurrence passed over",
                            schedule.name, due.at.isoformat(), refused.message_key)
                report.failed += 1
                await _pass_over(uow, org, schedule_id, clock)
                continue
            report.late += due.late


async def _pass_over(uow: UnitOfWorkFactory, org: Organisation, schedule_id: int,
                     clock: Clock) -> None:
    """Move a schedule past an occurrence whose work order cannot be created (rather than
    retrying it every tick); its key is recorded, so no replica makes it later either."""
    async with uow() as work:
        now = clock.now()
        schedule = await work.schedules.lock_due(schedule_id, now)
        if schedule is None:
            return
        step = schedule.step(org.sla.calendars, now)
        await work.schedules.save(schedule, now)
        if step.make is not None:
            await work.schedules.occurred(schedule_id, step.make.at, now, step.make.late)
        await work.commit()


async def tick(uow: UnitOfWorkFactory, org: Organisation, clock: Clock,
               notify: NotifyConfig | None = None, batch: int = 2000,
               chunk: int = 500, concurrency: int = 2) -> TickReport:
    """One pass over the schedules due now (at most `batch`; the next tick takes the rest),
    `chunk` schedules per transaction, made set-based (`schedule_batch`), `concurrency` chunks
    at once (one drafts its work orders while the database writes the other's). A chunk that
    fails as a whole is retried one schedule at a time, so one broken schedule cannot stop the
    others."""
    report = TickReport()
    async with uow() as work:
        ids = await work.schedules.due(clock.now(), batch)
    config = notify or NotifyConfig()
    parts = iter([ids[start:start + chunk] for start in range(0, len(ids), chunk)])

    async def worker() -> None:
        for part in parts:  # shared: each chunk is taken by one worker
            try:
                async with uow() as work:
                    found = await make_batch(work, org, clock, config, part)
                    await work.commit()
            except Exception:
                log.exception("a batch of %d schedules failed; each is retried alone",
                              len(part))
                for schedule_id in part:
                    await _alone(uow, org, clock, config, schedule_id, report)
                continue
            _count(report, found)

    await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))
    return report


async def _alone(uow: UnitOfWorkFactory, org: Organisation, clock: Clock, notify: NotifyConfig,
                 schedule_id: int, report: TickReport) -> None:
    """A batch of one: a broken schedule fails alone, the others are made."""
    try:
        async with uow() as work:
            found = await make_batch(work, org, clock, notify, [schedule_id])
            await work.commit()
    except Exception:
        report.failed += 1
        log.exception("schedule %s failed to open its work order", schedule_id)
        return
    _count(report, found)


def _count(report: TickReport, found: Batch) -> None:
    report.due += found.due
    report.skipped += found.held
    report.passed_over += found.passed_over
    report.failed += found.refused
    report.made += [m.ticket.key for m in found.made]
    report.late += len({(m.schedule.id, m.due.at) for m in found.made if m.due.late})
    if found.refused:
        log.warning("%d planned occurrences refused by the organisation; passed over",
                    found.refused)
