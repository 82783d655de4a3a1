"""What a strategy decided and why: who (or nobody), how, and the facts behind it.

The reason is written to the audit trail in English, like every reason the system gives; replies
show the short label of `how` in the reader's language.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from workflows.roster import Duty


class How(StrEnum):
    """How a choice was made; also the short label the requester sees."""

    MANUAL = "manual"
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"
    SKILL = "skill"
    ON_DUTY = "on_duty"
    P1_ON_DUTY = "p1_on_duty"
    P1_LEAD = "p1_lead"
    NO_MEMBERS = "no_members"
    ALL_AWAY = "all_away"
    NO_SKILL = "no_skill"
    NOBODY_ON_DUTY = "nobody_on_duty"
    PICKED = "picked"  # chosen by the agent who created the ticket



@dataclass(frozen=True, slots=True)
class Choice:
    handle: str | None  # None: nobody; the ticket waits in triage
    how: How
    compared: tuple[tuple[str, int], ...] = ()  # the people weighed, with their load
    skipped: tuple[tuple[str, datetime], ...] = ()  # passed over because away
    after: str | None = None  # round robin: who had the last turn
    has: tuple[str, ...] = ()  # skill: required skills the chosen person has
    lacks: tuple[str, ...] = ()  # ... and those nobody available had
    duty: Duty | None = None
    zone: str = "UTC"
    at: datetime | None = None  # nobody on duty: when that was checked

    @classmethod
    def manual_pick(cls) -> "Choice":
        return cls(None, How.PICKED)

    def reason(self) -> str:
        """The explanation written to the audit trail (English, like every system reason)."""
        text = _REASONS[self.how](self)
        if self.skipped:
            away = ", ".join(f"{h} until {_local(t, self.zone)}" for h, t in self.skipped)
            text += f"; skipped (away): {away}"
        return text


def _local(moment: datetime, zone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"


def _loads(choice: Choice) -> str:
    return ", ".join(f"{h} {load}" for h, load in choice.compared)


def _duty(choice: Choice) -> str:
    duty = choice.duty
    return f"{duty.shift.name} shift {duty.shift.hours} {choice.zone}" if duty else ""


_REASONS = {
    How.PICKED: lambda c: "picked by the agent who created it",
    How.MANUAL: lambda c: "manual assignment: waits in triage for someone to claim it",
    How.ROUND_ROBIN: lambda c: f"round robin: next after {c.after}" if c.after
    else "round robin: first in turn",
    How.LEAST_LOADED: lambda c: f"least loaded (open tickets weighted by priority): {_loads(c)}",
    How.SKILL: lambda c: (f"skill match: has {', '.join(c.has)}" if c.has
                          else "skill match: no particular skill needed")
    + (f" (nobody available has {', '.join(c.lacks)})" if c.lacks else "")
    + f"; least loaded: {_loads(c)}",
    How.ON_DUTY: lambda c: f"on duty: {_duty(c)}",
    How.P1_ON_DUTY: lambda c: f"P1 goes straight to the person on duty: {_duty(c)}",
    How.P1_LEAD: lambda c: "P1 goes straight to the team lead",
    How.NO_MEMBERS: lambda c: "the team has nobody to assign to",
    How.ALL_AWAY: lambda c: "everyone who could take it is away",
    How.NO_SKILL: lambda c: f"nobody available has {', '.join(c.lacks)}",
    How.NOBODY_ON_DUTY: lambda c: f"nobody is on duty at {_local(c.at, c.zone)}" if c.at
    else "nobody is on duty",
}
