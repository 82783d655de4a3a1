"""What a team's weekly digest says and shows: the week's full report, worded exactly as the
`report` command answers it for that team and week (`report.show`), under the digest's title,
with the report's charts (the created-vs-resolved trend over four weeks rather than one, SLA
attainment by priority, how long resolutions took)."""

from datetime import timedelta

from bot.bootstrap import App
from bot.jobs_digest import DigestPost
from commands.actions.report import report_answer
from commands.ports import ReportQuery
from notifications.catalogs import Catalogs
from workflows.confidential import shield_for
from workflows.digest import DigestWeek
from workflows.organisation import Organisation, Team
from workflows.reports.metrics import Report, Scope, build_report
from workflows.reports.period import Period, report_zone

TREND_WEEKS = 4


def agents_of(org: Organisation) -> frozenset[str]:
    return frozenset(h for team in org.teams.values() for h in (*team.members, *team.leads))


async def week_reports(app: App, team: Team, week: DigestWeek, weeks: int = TREND_WEEKS
                       ) -> list[Report]:
    """The digest's week and the `weeks - 1` before it, oldest first, from one query."""
    # The organisation's weeks, as `report` in chat counts them (the team's zone only says
    # when the digest is posted).
    tz = report_zone(app.loaded.org.tz, app.settings.tz)
    periods = [Period("week", week.first - timedelta(days=7 * back), tz)
               for back in reversed(range(weeks))]
    # Posted to a channel: no confidential ticket is counted in it.
    query = ReportQuery(periods[0].previous().start, periods[-1].end, teams=(team.key,),
                        shield=shield_for(app.loaded.org, None))
    async with app.uow() as uow:
        facts = await uow.reports.facts(query)
    now, agents = app.clock.now(), agents_of(app.loaded.org)
    scope = Scope(teams=frozenset({team.key}))
    return [build_report(facts, period, scope, now, agents) for period in periods]


async def compose_digest(app: App, team: Team, week: DigestWeek, locale: str,
                         platform: str) -> DigestPost:
    from notifications.charts.render import (  # matplotlib: loaded by the first digest
        resolution_distribution,
        sla_by_priority,
        weekly_trend,
    )

    reports = await week_reports(app, team, week)
    catalogs = Catalogs(app.settings.tz, app.settings.templates_dir, app.clock.now)
    words, plain = catalogs.get(locale, platform), catalogs.get(locale, "plain")
    week_report = reports[-1]
    title = plain.text("report_files.digest.title", team=team.name,
                       start=week.first.isoformat(), end=week.last.isoformat())
    shown = report_answer(week_report, app.clock.now(), {"team": team.key})
    text = "\n".join((words.text("report_files.digest.title", team=team.name,
                                 start=week.first.isoformat(), end=week.last.isoformat()),
                      words.text(shown.key, **shown.params)))
    trend = weekly_trend([r.period.first.strftime("%m-%d") for r in reports],
                         [r.current.created for r in reports],
                         [r.current.resolved for r in reports], plain)
    rows = week_report.by_priority
    sla = sla_by_priority([row.name for row in rows], [row.response_sla for row in rows],
                          [row.resolution_sla for row in rows], plain)
    spread = resolution_distribution([s / 3600 for s in week_report.resolution_times], plain)
    return DigestPost(title, text, (trend, sla, spread))
