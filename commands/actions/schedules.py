"""`schedule add|list|next|pause|resume|remove`: planned work orders, set up in chat.

Who may: a team's leads and the admins add, pause, resume and remove the team's schedules
(a schedule makes work for the whole team, like a bulk assign); anyone may list them and see
their next occurrences. A refusal of `add` says what it understood (the rule in words, its zone
and its next occurrence) and what is wrong; nothing is saved.
"""

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands.answer import Answer
from commands.context import Context
from commands.messages import ScheduleAdd, ScheduleChange, ScheduleList, ScheduleNext
from commands.ports import UnitOfWork
from commands.schedule_words import Rule, parse_rule
from workflows.errors import InvalidInput, NotAllowed, NotFound
from workflows.organisation import Organisation
from workflows.priority import Priority
from workflows.schedule import CatchUp, Limits, OffDays
from workflows.work_order import Schedule, Template, When

Problem = dict[str, str]


def describe(rule: Rule, when: When) -> dict[str, object]:
    """The rule as the catalogs' `schedule.rule` says it."""
    return {**rule.params(), "at": when.at.strftime("%H:%M"), "zone": when.tz.key,
            "calendar": when.calendar or "", "off_days": when.off_days.value}


def _zone(cmd: ScheduleAdd, org: Organisation, calendar: str | None,
          problems: list[Problem]) -> ZoneInfo:
    if cmd.timezone:
        try:
            return ZoneInfo(cmd.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append({"code": "bad_zone", "value": cmd.timezone})
    if calendar and calendar in org.sla.calendars:
        return org.sla.calendars[calendar].tz
    return org.tz


def _day(value: str | None, what: str, problems: list[Problem]) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append({"code": "bad_date", "value": value, "what": what})
        return None


def _calendar(cmd: ScheduleAdd, rule: Rule, org: Organisation, problems: list[Problem]
              ) -> tuple[str | None, OffDays]:
    """The calendar whose days off count, and what a day off does to an occurrence."""
    wanted = rule.off_days or (OffDays(cmd.off_days) if cmd.off_days else None)
    name = cmd.calendar
    if name is None and wanted not in (None, OffDays.KEEP):
        name = org.sla.policy(org.sla.default).calendar  # the organisation's office calendar
    if name is not None and name not in org.sla.calendars:
        problems.append({"code": "unknown_calendar", "value": name})
        name = None
    off_days = wanted or (OffDays.SKIP if name else OffDays.KEEP)
    return name, off_days


def _may_change(ctx: Context, team: str) -> None:
    found = ctx.org.team(team)
    handle = ctx.person.handle
    if handle in ctx.org.admins or (found is not None and handle in found.leads):
        return
    raise NotAllowed("error.schedule_not_allowed", team=found.name if found else team)


def build(cmd: ScheduleAdd, org: Organisation, owner: str, now: datetime
          ) -> tuple[Schedule, dict[str, object], list[Problem]]:
    """The schedule the command describes, what it understood, and what is wrong with it."""
    rule = parse_rule(cmd.rule)
    if rule is None:
        raise InvalidInput("error.schedule_rule", rule=cmd.rule[:80])
    problems: list[Problem] = []
    calendar, off_days = _calendar(cmd, rule, org, problems)
    tz = _zone(cmd, org, calendar, problems)
    today = now.astimezone(tz).date()
    start = _day(cmd.start, "from", problems) or today
    until = _day(cmd.until, "until", problems)
    if start < today:
        problems.append({"code": "past", "value": start.isoformat()})
    if until is not None and until < max(start, today):
        problems.append({"code": "until_past", "value": until.isoformat()})
    if cmd.at is None:
        problems.append({"code": "no_time", "value": ""})
    if cmd.team is None:
        problems.append({"code": "no_team", "value": ""})
    elif org.team(cmd.team) is None:
        problems.append({"code": "unknown_team", "value": cmd.team})
    limits = Limits(cmd.count, cmd.pause_after)
    problems += [{"code": "bad_count", "value": p} for p in limits.problems()]
    when = When(rule.rrule(), cmd.at or time(9), tz, start, until, off_days, calendar)
    if cmd.asset and cmd.asset_type:
        problems.append({"code": "asset_and_type", "value": ""})
    title = cmd.name + (" {asset}" if cmd.asset_type else "")
    template = Template(title, cmd.team or "", cmd.priority or Priority.P4, cmd.description,
                        cmd.type, asset=cmd.asset,
                        asset_type=cmd.asset_type.casefold() if cmd.asset_type else None)
    schedule = Schedule(cmd.name, template, when, owner,
                        CatchUp(cmd.catch_up) if cmd.catch_up else CatchUp.LATEST, limits)
    understood = describe(rule, when)
    if schedule.first_due(org.sla.calendars, now) is None:
        problems.append({"code": "no_occurrence", "value": ""})
    return schedule, understood, problems


async def add(cmd: ScheduleAdd, ctx: Context) -> Answer:
    now = ctx.clock.now()
    schedule, understood, problems = build(cmd, ctx.org, ctx.person.handle, now)
    params = {"name": cmd.name, "rule": understood, "next": schedule.next_due}
    if problems:
        raise InvalidInput("error.schedule_invalid", problems=problems, **params)
    _may_change(ctx, schedule.template.team)
    async with ctx.uow() as uow:
        wrong = await asset_problems(uow, schedule.template)
        if wrong:
            raise InvalidInput("error.schedule_invalid", problems=wrong, **params)
        if schedule.template.asset:  # as registered: the work orders name it so
            found = await uow.assets.get(schedule.template.asset)
            assert found is not None
            schedule.template = replace(schedule.template, asset=found.name)
        if not await uow.schedules.add(schedule, now):
            raise InvalidInput("error.schedule_invalid", **params,
                               problems=[{"code": "exists", "value": cmd.name}])
        await uow.commit()
    return Answer("schedule.added", {**params, "team": schedule.template.team,
                                     "priority": schedule.template.priority.value},
                  public=False)


async def asset_problems(uow: UnitOfWork, template: Template) -> list[Problem]:
    """A named asset must be registered; an asset type must have assets."""
    if template.asset and await uow.assets.get(template.asset) is None:
        return [{"code": "unknown_asset", "value": template.asset}]
    if template.asset_type and not await uow.assets.of_type(template.asset_type):
        return [{"code": "unknown_asset_type", "value": template.asset_type}]
    return []


def _line(s: Schedule) -> dict[str, object]:
    return {"name": s.name, "rule": describe(Rule.of(s.when.rrule, s.when.off_days), s.when),
            "team": s.template.team, "priority": s.template.priority.value,
            "next": s.next_due, "paused": s.progress.paused, "made": s.progress.made}


async def list_schedules(cmd: ScheduleList, ctx: Context) -> Answer:
    async with ctx.uow() as uow:
        found = await uow.schedules.all()
    return Answer("schedule.list", {"schedules": [_line(s) for s in found]}, public=False)


async def next_occurrences(cmd: ScheduleNext, ctx: Context) -> Answer:
    async with ctx.uow() as uow:
        schedule = await uow.schedules.get(cmd.name)
    if schedule is None:
        raise NotFound("error.schedule_not_found", name=cmd.name[:80])
    times = schedule.upcoming(ctx.org.sla.calendars, ctx.clock.now(), cmd.count)
    return Answer("schedule.next", {**_line(schedule), "times": times}, public=False)


async def change(cmd: ScheduleChange, ctx: Context) -> Answer:
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        schedule = await uow.schedules.get(cmd.name, for_update=True)
        if schedule is None:
            raise NotFound("error.schedule_not_found", name=cmd.name[:80])
        _may_change(ctx, schedule.template.team)
        if cmd.action == "remove":
            await uow.schedules.remove(schedule.name)
        else:
            if cmd.action == "pause":
                schedule.pause()
            else:
                schedule.resume(ctx.org.sla.calendars, now)
            await uow.schedules.save(schedule, now)
        await uow.commit()
    return Answer(f"schedule.{cmd.action}d" if cmd.action != "remove" else "schedule.removed",
                  _line(schedule), public=False)
