"""A period's tickets as rows of a file, one per ticket, read exactly as the report reads them.

The rows come from the report's own per-ticket reading (`workflows.reports.lifecycle.read`)
over the same tickets and scope (`Scope.admits`), so a file's figures are the report's: count
the `resolved_in_period` rows and you have the report's "resolved", take the median of
`resolution_business_seconds` and you have its median. Durations are seconds, as the report
keeps them; times are instants (the file renders them in the reader's zone).
"""

from collections.abc import Iterable
from datetime import datetime

from workflows.checklist import summary
from workflows.reports.facts import TicketFacts
from workflows.reports.lifecycle import Clock, Life, read
from workflows.reports.metrics import Scope
from workflows.reports.period import Period

Value = str | int | float | bool | datetime | None

COLUMNS = (
    "key", "title", "team", "priority", "category", "requester", "created_at", "created_in_period",
    "assignee_at_end", "handlers", "open_at_end",
    "first_response_business_seconds", "first_response_wall_seconds", "first_response_sla_met",
    "resolved_in_period", "resolved_at", "resolved_by",
    "resolution_business_seconds", "resolution_wall_seconds", "resolution_sla_met",
    "reopened_in_period", "one_touch", "csat_score", "csat_comment", "csat_rated_at",
    "csat_for", "sla_calendar", "checklist",
)


def export_lives(facts: Iterable[TicketFacts], period: Period, scope: Scope,
                 agents: frozenset[str]) -> list[Life]:
    """The tickets of `period` for `scope`, as the report selects them, oldest first."""
    lives = []
    for ticket in facts:
        if ticket.created_at >= period.end:
            continue
        life = read(ticket, period.start, period.end, agents)
        if scope.admits(ticket, life):
            lives.append(life)
    return sorted(lives, key=lambda life: (life.facts.created_at, life.facts.key))


def _clock(clock: Clock | None) -> tuple[float | None, float | None, bool | None]:
    if clock is None:
        return None, None, None
    return clock.business, clock.wall, clock.met


def export_row(life: Life) -> dict[str, Value]:
    facts = life.facts
    response, resolution = _clock(life.response), _clock(life.resolution)
    score, comment, rated_at = life.rating if life.rating else (None, None, None)
    return {
        "key": facts.key, "title": facts.title, "team": facts.team, "priority": facts.priority,
        "category": facts.category, "requester": facts.requester,
        "created_at": facts.created_at, "created_in_period": life.created,
        "assignee_at_end": life.assignee_at_end, "handlers": ",".join(sorted(life.handlers)),
        "open_at_end": life.open_at_end,
        "first_response_business_seconds": response[0],
        "first_response_wall_seconds": response[1], "first_response_sla_met": response[2],
        "resolved_in_period": life.resolution is not None, "resolved_at": life.resolved_at,
        "resolved_by": life.resolved_by,
        "resolution_business_seconds": resolution[0], "resolution_wall_seconds": resolution[1],
        "resolution_sla_met": resolution[2],
        "reopened_in_period": life.reopened, "one_touch": life.one_touch,
        "csat_score": score, "csat_comment": comment, "csat_rated_at": rated_at,
        "csat_for": life.rated_for, "sla_calendar": facts.calendar,
        "checklist": summary(facts.checklist),
    }
