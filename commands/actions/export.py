"""`export 2026-11 [team X]` (导出): the period's tickets with every SLA, CSAT and assignment
field, as files. Who may: agents and leads for their teams, admins for every team (the same
rules as `report`'s team scope); a requester has no export. Nothing is written.
"""

from commands.actions.report import team_scope
from commands.answer import Answer, AnswerFile
from commands.context import Context
from commands.messages import Export
from commands.ports import ReportQuery
from workflows.confidential import shield_for
from workflows.errors import InvalidInput, NotAllowed
from workflows.report_export import COLUMNS, export_lives, export_row
from workflows.reports.period import parse_period


async def export(cmd: Export, ctx: Context) -> Answer:
    org, now = ctx.org, ctx.clock.now()
    tz = org.tz if str(org.tz) != "UTC" else ctx.notify.tz
    period = parse_period(cmd.period, now, tz)
    if period is None:
        raise InvalidInput("report_files.export.bad_period", given=cmd.period[:40])
    if period.is_future(now):
        raise InvalidInput("report_files.export.future", period=period.label)
    if not org.is_agent(ctx.person.handle):
        raise NotAllowed("report_files.export.not_agent")
    asked = team_scope(ctx, cmd.team)
    teams = tuple(sorted(asked.scope.teams)) if asked.scope.teams is not None else None
    async with ctx.uow() as uow:
        facts = await uow.reports.facts(ReportQuery(period.start, period.end, teams, details=True,
                                                    shield=shield_for(org, ctx.person)))
    agents = frozenset(org.admins | {h for t in org.teams.values() for h in t.members | t.leads})
    rows = tuple(export_row(life) for life in export_lives(facts, period, asked.scope, agents))
    if not rows:
        return Answer("report_files.export.empty", {"period": period.label, "team": cmd.team},
                      public=False)
    name = f"tickets-{period.label}" + (f"-{cmd.team}" if cmd.team else "")
    return Answer("report_files.export.caption",
                  {"period": period.label, "team": cmd.team, "count": len(rows)}, public=False,
                  files=(AnswerFile(name, COLUMNS, rows),))
