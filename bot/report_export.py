"""Export a month's tickets as CSV and XLSX: for the CLI (`ticketbot report export`) and the
chat command (`export 2026-11 [team …]`). Reads in one transaction; writes nothing."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.bootstrap import App
from bot.digest_compose import agents_of
from commands.ports import ReportQuery
from notifications.export_files import to_csv, to_xlsx
from workflows.confidential import shield_for
from workflows.report_export import COLUMNS, export_lives, export_row
from workflows.reports.metrics import Scope
from workflows.reports.period import Period

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class ExportRefused(Exception):
    """Bad input, said in the reader's words: a catalog key and its parameters."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True, slots=True)
class Export:
    period: str  # "2026-11"
    team: str | None
    rows: list[dict[str, Any]] = field(repr=False)
    csv: bytes = field(repr=False)
    xlsx: bytes = field(repr=False)

    @property
    def basename(self) -> str:
        return f"tickets-{self.period}" + (f"-{self.team}" if self.team else "")


def parse_month(text: str, tz: ZoneInfo) -> Period:
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ExportRefused("report_files.export.bad_period", given=text)
    return Period("month", datetime(int(match[1]), int(match[2]), 1).date(), tz)


async def export_month(app: App, month: str, team: str | None = None,
                       tz: ZoneInfo | None = None, confidential: bool = False) -> Export:
    """`confidential`: the operator asked for the confidential queues' tickets too (a file for
    HR's own records); without it they are left out, as from anyone's export outside them."""
    zone = tz or app.settings.tz
    period = parse_month(month, zone)
    now = app.clock.now()
    if period.is_future(now):
        raise ExportRefused("report_files.export.future", period=period.label)
    teams = app.loaded.org.teams
    if team is not None and team not in teams:
        by_name = {t.name.lower(): key for key, t in teams.items()}
        if team.lower() not in by_name:
            raise ExportRefused("report_files.export.unknown_team", given=team)
        team = by_name[team.lower()]
    query = ReportQuery(period.start, period.end, teams=(team,) if team else None,
                        details=True,
                        shield=None if confidential else shield_for(app.loaded.org, None))
    async with app.uow() as uow:
        facts = await uow.reports.facts(query)
    scope = Scope(teams=frozenset({team}) if team else None)
    rows = [export_row(life) for life in export_lives(facts, period, scope, agents_of(app.loaded.org))]
    if not rows:
        raise ExportRefused("report_files.export.empty", period=period.label, team=team)
    return Export(period.label, team, rows, to_csv(COLUMNS, rows, zone),
                  to_xlsx(COLUMNS, rows, zone, sheet=period.label))
