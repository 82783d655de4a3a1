"""/api/v1/reports: the chat `report` command over HTTP. It runs the same use case as the token's
person (so the same people may see the same scopes), and answers its very figures: JSON, or a
CSV / XLSX sheet of them with `?format=` or an Accept header."""

import dataclasses
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.responses import Response

from bot.api.auth import Caller
from bot.api.convert import plain, text
from bot.api.endpoint import Endpoint, run_command
from commands import messages as m
from notifications.export_files import CSV_MIME, XLSX_MIME, Value, to_csv, to_xlsx
from workflows.reports.metrics import Figures
from workflows.reports.metrics import Report as Figured

READ = "tickets:read"
COLUMNS = ("section", "name", "metric", "current", "previous")


class ReportQueryParams(BaseModel):
    model_config = {"extra": "forbid"}

    period: str | None = Field(default=None, min_length=1, max_length=40,
                               description="as in chat: `this month`, `last week`, `2026-11`, "
                                           "`2026-W48` (default: this month)")
    team: str | None = Field(default=None, min_length=1, max_length=64)
    person: str | None = Field(default=None, min_length=1, max_length=64,
                               pattern=r"^@?[\w.\-]+$",
                               description="one agent's work or one requester's requests")
    by: Literal["category", "agent", "priority"] | None = None
    format: Literal["json", "csv", "xlsx"] | None = Field(
        default=None, description="default: from the Accept header, else json")


class ReportOut(BaseModel):
    period: str
    previous_period: str
    running: bool = Field(description="the period is not over: its figures are as of now")
    empty: bool
    scope: dict[str, str | None] = Field(description="what the report covers (team, agent, "
                                                     "requests or everyone)")
    by: str | None
    current: dict[str, Any] = Field(description="the period's figures; times in seconds")
    previous: dict[str, Any] = Field(description="the previous period's, for comparison")
    agents: list[dict[str, Any]]
    by_priority: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    weekly: list[dict[str, Any]]
    message: str = Field(description="the chat report, in the reader's language")


def _wanted(query: ReportQueryParams, accept: str) -> str:
    if query.format is not None:
        return query.format
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media == CSV_MIME:
            return "csv"
        if media == XLSX_MIME:
            return "xlsx"
        if media in ("application/json", "*/*", "application/*"):
            return "json"
    return "json"


_SCOPE_KEYS = ("team", "agent", "requests", "everyone")


async def report(caller: Caller, query: ReportQueryParams, _: dict[str, str]
                 ) -> tuple[int, BaseModel | Response]:
    who = m.Mention(None, query.person.lstrip("@")) if query.person else None
    team = query.team.lower() if query.team else None
    answer = await run_command(caller, m.Report(query.period or "", team, who, query.by))
    params = answer.params
    built: Figured = params["r"]
    scope = {k: params.get(k) for k in _SCOPE_KEYS if params.get(k) is not None}
    wanted = _wanted(query, caller.accept)
    if wanted != "json":
        rows = file_rows(built)
        name = f"report-{built.period.label}" + (f"-{team}" if team else "")
        tz = built.period.tz
        if wanted == "csv":
            content, media = to_csv(COLUMNS, rows, tz), CSV_MIME
        else:
            content, media = to_xlsx(COLUMNS, rows, tz, sheet=built.period.label), XLSX_MIME
        return 200, Response(content, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="{name}.{wanted}"'})
    return 200, ReportOut(
        period=built.period.label, previous_period=params["previous"],
        running=bool(params["running"]), empty=built.empty, scope=scope, by=query.by,
        current=_figures(built.current), previous=_figures(built.previous),
        agents=plain(list(built.agents)), by_priority=plain(list(built.by_priority)),
        by_category=plain(list(built.by_category)), weekly=plain(list(built.weekly)),
        message=text(caller, answer))


def _figures(figures: Figures) -> dict[str, Any]:
    out: dict[str, Any] = plain(figures)
    return out


def _flat(prefix: str, value: Any) -> list[tuple[str, Value]]:
    """A figure's leaves as (dotted name, value); lists (ticket keys, comments) are counted
    or joined, so each cell is one value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found: list[tuple[str, Value]] = []
        for f in dataclasses.fields(value):
            found += _flat(f"{prefix}.{f.name}" if prefix else f.name, getattr(value, f.name))
        return found
    if isinstance(value, tuple | list):
        if all(isinstance(v, str | int | float) for v in value):
            return [(prefix, " ".join(str(v) for v in value))]
        return [(prefix, len(value))]
    if value is None or isinstance(value, str | int | float | bool | datetime):
        return [(prefix, value)]
    return [(prefix, str(value))]


def file_rows(built: Figured) -> list[dict[str, Value]]:
    """The report as rows of (section, name, metric, current, previous)."""
    rows: list[dict[str, Value]] = []
    previous = dict(_flat("", built.previous))
    for metric, value in _flat("", built.current):
        rows.append({"section": "summary", "name": built.period.label, "metric": metric,
                     "current": value, "previous": previous.get(metric)})
    for agent in built.agents:
        before = built.agents_previous.get(agent.handle)
        earlier = dict(_flat("", before)) if before is not None else {}
        for metric, value in _flat("", agent):
            if metric != "handle":
                rows.append({"section": "agent", "name": agent.handle, "metric": metric,
                             "current": value, "previous": earlier.get(metric)})
    for section, groups in (("priority", built.by_priority), ("category", built.by_category)):
        for group in groups:
            for metric, value in _flat("", group):
                if metric != "name":
                    rows.append({"section": section, "name": group.name, "metric": metric,
                                 "current": value, "previous": None})
    for week in built.weekly:
        for metric in ("created", "resolved"):
            rows.append({"section": "week", "name": week.monday.isoformat(), "metric": metric,
                         "current": getattr(week, metric), "previous": None})
    return rows


ENDPOINT = Endpoint(
    "GET", "/reports", "getReport", "the period's service report (the chat `report`), as "
    "JSON, CSV or XLSX", READ, report, ReportOut, query=ReportQueryParams, refusals=(403, 422),
    media=(CSV_MIME, XLSX_MIME))
