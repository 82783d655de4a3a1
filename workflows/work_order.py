"""A schedule of planned work: the work order it opens (a template) and when (its recurrence).

The entity keeps its next due instant, so a scheduler tick only reads schedules whose instant
has come (an index), never evaluates every rule.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from workflows.calendar import BusinessCalendar
from workflows.kinds import TicketType
from workflows.priority import Priority
from workflows.schedule import (
    CatchUp,
    Limits,
    OffDays,
    Plan,
    Progress,
    Recurrence,
    Step,
    next_due,
    resumed,
    step,
)
from workflows.schedule import plan as plan_due

GRACE = timedelta(minutes=10)  # an occurrence created this long after its instant is still on time


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    text: str
    required: bool = True


@dataclass(frozen=True, slots=True)
class Template:
    """What each occurrence opens. `{date}` in the title or description becomes the
    occurrence's local date, `{asset}` the asset's name (preventive maintenance)."""

    title: str
    team: str
    priority: Priority
    description: str = ""
    type: TicketType | None = None
    category: str | None = None
    checklist: tuple[ChecklistItem, ...] = ()
    asset: str | None = None  # each work order names this registered asset
    asset_type: str | None = None  # or: one work order per asset of this type, each occurrence

    def render(self, local_day: date, asset: str | None = None) -> tuple[str, str]:
        """`{date}` becomes the local date, `{asset}` the asset's name."""
        stamp, named = local_day.isoformat(), asset or self.asset or ""

        def fill(text: str) -> str:
            return text.replace("{date}", stamp).replace("{asset}", named)

        return fill(self.title), fill(self.description)


@dataclass(frozen=True, slots=True)
class When:
    """The recurrence as stored: the RRULE body, local time and zone, start and end dates,
    and the calendar whose days off it respects."""

    rrule: str
    at: time
    tz: ZoneInfo
    start: date
    until: date | None = None
    off_days: OffDays = OffDays.KEEP
    calendar: str | None = None

    def recurrence(self, calendars: dict[str, BusinessCalendar]) -> Recurrence:
        cal = calendars.get(self.calendar) if self.calendar else None
        return Recurrence(self.rrule, self.at, self.tz, self.start, self.off_days, cal,
                          self.until)


@dataclass(slots=True)
class Schedule:
    name: str
    template: Template
    when: When
    owner: str  # handle of the person the work orders are filed for
    catch_up: CatchUp = CatchUp.LATEST
    limits: Limits = field(default_factory=Limits)
    progress: Progress = field(default_factory=Progress)
    next_due: datetime | None = None
    origin: str = "chat"  # or "orgfile"
    id: int | None = None

    def first_due(self, calendars: dict[str, BusinessCalendar], now: datetime) -> datetime | None:
        self.next_due = next_due(self.when.recurrence(calendars), self.limits, self.progress, now)
        return self.next_due

    def upcoming(self, calendars: dict[str, BusinessCalendar], now: datetime, n: int
                 ) -> list[datetime]:
        found: list[datetime] = []
        rec, state = self.when.recurrence(calendars), self.progress
        after = now
        while len(found) < n:
            due = next_due(rec, self.limits, replace(state, paused=False), after)
            if due is None:
                break
            found.append(due)
            state = replace(state, made=state.made + 1, last=due)
            after = due
        return found

    def step(self, calendars: dict[str, BusinessCalendar], now: datetime) -> Step:
        """The next work order due by `now`, and the schedule's state once it is made."""
        assert self.next_due is not None
        found = step(self.when.recurrence(calendars), self.limits, self.progress, self.next_due,
                     now, self.catch_up, GRACE)
        self.progress, self.next_due = found.progress, found.next_due
        return found

    def plan(self, calendars: dict[str, BusinessCalendar], now: datetime) -> Plan:
        """Every work order due by `now` at once, and the schedule's state once they are all
        made: for a tick that makes them in one transaction."""
        assert self.next_due is not None
        found = plan_due(self.when.recurrence(calendars), self.limits, self.progress,
                         self.next_due, now, self.catch_up, GRACE)
        self.progress, self.next_due = found.progress, found.next_due
        return found

    def pause(self) -> None:
        self.progress = replace(self.progress, paused=True)
        self.next_due = None

    def resume(self, calendars: dict[str, BusinessCalendar], now: datetime) -> None:
        self.progress = resumed(self.progress)
        self.first_due(calendars, now)
