"""`schedules:` in the organisation file: planned work orders declared with the setup.

Each entry is read by the same rules as `schedule add` in chat (commands/actions/schedules.py),
so a file and a chat command cannot disagree on what a phrase means; problems name the file's
line. At start-up, schedules of the file that the database lacks are added (origin `orgfile`);
one already there keeps its progress, and its definition follows the file.
"""

from dataclasses import replace
from datetime import datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict

from commands.actions.schedules import build
from commands.messages import ScheduleAdd
from commands.ports import UnitOfWorkFactory
from commands.schedule_grammar import CATCH_UP_WORDS, OFF_DAY_WORDS
from commands.schedule_words import parse_rule
from workflows.errors import DomainError
from workflows.kinds import TicketType
from workflows.organisation import Organisation
from workflows.priority import Priority
from workflows.work_order import ChecklistItem, Schedule


class ChecklistSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str
    required: bool = True


class ScheduleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    every: str  # the recurrence in words: "every monday", "每月最后一个工作日"
    at: str  # HH:MM, local
    team: str
    priority: Priority = Priority.P4
    type: TicketType | None = None
    description: str = ""
    calendar: str | None = None
    timezone: str | None = None
    holiday: str | None = None  # skip / next / previous / keep
    catchup: str | None = None  # all / latest / none
    count: int | None = None
    pause_after: int | None = None
    start: str | None = None
    until: str | None = None
    owner: str | None = None  # whom the work orders are filed for; default the team's lead
    checklist: list[ChecklistSpec | str] = []


def _owner(spec: ScheduleSpec, org: Organisation) -> str:
    team = org.team(spec.team)
    candidates = [*([spec.owner] if spec.owner else []), *(team.lead_list if team else ()),
                  *sorted(org.admins)]
    return candidates[0] if candidates else "system"


def build_schedules(specs: list[ScheduleSpec], org: Organisation, now: datetime
                    ) -> tuple[list[Schedule], list[tuple[tuple[Any, ...], str]]]:
    """The file's schedules, and its problems by location (a start in the past is fine here)."""
    found: list[Schedule] = []
    problems: list[tuple[tuple[Any, ...], str]] = []
    for i, spec in enumerate(specs):
        where = ("schedules", i)
        if parse_rule(spec.every) is None:
            problems.append(((*where, "every"), f"cannot read {spec.every!r} as a recurrence"))
            continue
        try:
            at = time.fromisoformat(spec.at)
        except ValueError:
            problems.append(((*where, "at"), f"{spec.at!r} is not a time like 09:00"))
            continue
        if spec.holiday and spec.holiday not in OFF_DAY_WORDS:
            problems.append(((*where, "holiday"), "holiday is one of skip, next, previous, keep"))
            continue
        if spec.catchup and spec.catchup not in CATCH_UP_WORDS:
            problems.append(((*where, "catchup"), "catchup is one of all, latest, none"))
            continue
        cmd = ScheduleAdd(spec.name, spec.every, at, spec.team, spec.priority, spec.type,
                          spec.calendar, spec.timezone, spec.start, spec.until, spec.count,
                          spec.pause_after, OFF_DAY_WORDS.get(spec.holiday or ""),
                          CATCH_UP_WORDS.get(spec.catchup or ""), spec.description)
        try:
            schedule, _, wrong = build(cmd, org, _owner(spec, org), now)
        except DomainError as error:
            problems.append((where, str(error)))
            continue
        wrong = [p for p in wrong if p["code"] != "past"]
        problems += [((*where,), f"{p['code'].replace('_', ' ')} {p['value']}".strip())
                     for p in wrong]
        if not wrong:
            items = tuple(ChecklistItem(c) if isinstance(c, str)
                          else ChecklistItem(c.text, c.required) for c in spec.checklist)
            schedule.template = replace(schedule.template, checklist=items)
            schedule.origin = "orgfile"
            found.append(schedule)
    return found, problems


async def sync_schedules(uow: UnitOfWorkFactory, schedules: list[Schedule], org: Organisation,
                         now: datetime, floating: frozenset[str] = frozenset()) -> int:
    """Add the file's schedules the database lacks; those it has follow the file's definition
    and keep their progress. How many were added.

    A schedule in `floating` has no `start:` in the file: it starts on the day it is first
    added (by `now`, in its zone) and keeps that start on every restart, so an "every other
    week" rule does not shift its anchor to the day the process last started."""
    added = 0
    async with uow() as work:
        for schedule in schedules:
            stored = await work.schedules.get(schedule.name, for_update=True)
            if schedule.name in floating:
                start = (stored.when.start if stored is not None
                         else now.astimezone(schedule.when.tz).date())
                schedule.when = replace(schedule.when, start=start)
            if stored is None:
                schedule.first_due(org.sla.calendars, now)
                added += await work.schedules.add(schedule, now)
            elif stored.origin == "orgfile" and (stored.when, stored.template, stored.limits) != (
                    schedule.when, schedule.template, schedule.limits):
                stored.when, stored.template = schedule.when, schedule.template
                stored.limits, stored.catch_up = schedule.limits, schedule.catch_up
                if not stored.progress.paused:
                    stored.first_due(org.sla.calendars, now)
                await work.schedules.save(stored, now)
        await work.commit()
    return added
