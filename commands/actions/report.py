"""`report`: a period's figures for the scope the reader may see, beside the previous period's.

Who sees what: a requester their own requests; an agent their own work and their teams'; a lead
the teams they lead (they are members of them); an admin everything. Anything else is refused,
saying why. Nothing is written: a report only reads.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from types import SimpleNamespace

from commands.answer import Answer
from commands.context import Context
from commands.messages import Report
from commands.people import resolve_mention
from commands.ports import ReportQuery
from workflows.confidential import shield_for
from workflows.errors import InvalidInput, NotAllowed
from workflows.organisation import Organisation
from workflows.people import Person
from workflows.reports.metrics import Report as ReportFigures
from workflows.reports.metrics import Scope, build_report
from workflows.reports.period import Period, parse_period, report_zone

# Business durations never fold hours into days (the `duration` filter reads `business`).
BUSINESS = SimpleNamespace(business=True)


@dataclass(frozen=True, slots=True)
class Asked:
    scope: Scope
    requester_id: int | None
    label: dict[str, str | None]  # what the answer says the report covers


def _agents(org: Organisation) -> frozenset[str]:
    return frozenset(org.admins | {h for t in org.teams.values() for h in t.members | t.leads})


def team_scope(ctx: Context, team: str | None) -> Asked:
    """The teams `ctx.person` may see (shared with `export`)."""
    org, me = ctx.org, ctx.person.handle
    admin = me in org.admins
    mine = frozenset(t.key for t in org.teams_of(me))
    if team is not None:
        if org.team(team) is None:
            raise InvalidInput("error.unknown_team", team=team, teams=", ".join(sorted(org.teams)))
        if not admin and team not in mine:
            raise NotAllowed("error.report_team", team=team)
        return Asked(Scope(teams=frozenset({team})), None, {"team": team})
    if admin:
        return Asked(Scope(), None, {"everyone": "1"})
    return Asked(Scope(teams=mine), None, {"team": ", ".join(sorted(mine))})


def _person_scope(ctx: Context, person: Person, team: str | None) -> Asked:
    org, me = ctx.org, ctx.person.handle
    admin = me in org.admins
    if not org.is_agent(person.handle):  # someone who only asks: their requests
        if person.id != ctx.person.id and not admin:
            raise NotAllowed("error.report_requests", person=person.label)
        return Asked(Scope(requester=person.handle), person.id, {"requests": person.label})
    shared = {t.key for t in org.teams_of(person.handle)} & {t.key for t in org.teams_of(me)}
    if not admin and person.id != ctx.person.id and not shared:
        raise NotAllowed("error.report_person", person=person.label)
    teams = frozenset({team}) if team else None
    if team is not None and org.team(team) is None:
        raise InvalidInput("error.unknown_team", team=team, teams=", ".join(sorted(org.teams)))
    return Asked(Scope(teams=teams, agent=person.handle), None,
                 {"agent": person.label, "team": team})


async def report(cmd: Report, ctx: Context) -> Answer:
    org, now = ctx.org, ctx.clock.now()
    # Periods are the organisation's months and weeks, whoever asks: one answer per question.
    tz = report_zone(org.tz, ctx.notify.tz)
    period = parse_period(cmd.period or "this month", now, tz)
    if period is None:
        raise InvalidInput("error.report_period", period=cmd.period[:40])
    if period.is_future(now):
        raise InvalidInput("error.report_future", period=period.label)
    async with ctx.uow() as uow:
        if cmd.who is not None:
            asked = _person_scope(ctx, await resolve_mention(uow, cmd.who, now), cmd.team)
        elif org.is_agent(ctx.person.handle):
            asked = team_scope(ctx, cmd.team)
        elif cmd.team is not None:
            raise NotAllowed("error.report_team", team=cmd.team)
        else:
            asked = Asked(Scope(requester=ctx.person.handle), ctx.person.id,
                          {"requests": ctx.person.label})
        facts = await uow.reports.facts(
            replace(_query(period, asked), shield=shield_for(org, ctx.person)))
    built = build_report(facts, period, asked.scope, now, _agents(org))
    return report_answer(built, now, asked.label, cmd.by)


def report_answer(built: ReportFigures, now: datetime, label: dict[str, str | None],
                  by: str | None = None) -> Answer:
    """The answer that shows `built` (shared with the weekly digest, which posts the same
    words): `report.show`, or `report.empty` when nothing happened."""
    period = built.period
    params = {"r": built, "period": period.label, "previous": period.previous().label,
              "running": now < period.end, "by": by, "biz": BUSINESS, **label}
    return Answer("report.empty" if built.empty else "report.show", params, public=False)


def _query(period: Period, asked: Asked) -> ReportQuery:
    teams = tuple(sorted(asked.scope.teams)) if asked.scope.teams is not None else None
    return ReportQuery(period.previous().start, period.end, teams, asked.requester_id)
