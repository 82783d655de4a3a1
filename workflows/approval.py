"""Approval steps (审批): a workflow status whose way out is its approvers' decisions.

Pure: who the approvers of a ticket are, what they have decided since the ticket entered the
step, and where that leaves it. The decisions themselves are audit lines (`approve`, `reject`)
with `changes.approval = [step, handle]`; the use cases read them from the ticket's history
under the ticket's row lock, so a second click finds the first one's line and changes nothing.

Written in a workflow's status:
    approval: {approvers: [manager, "group:cab"], mode: all, on_approve: approved,
               on_reject: rejected, clocks: pause, remind_after: 4h}
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workflows.organisation import Organisation

MODES = ("any", "all")
CLOCKS = ("pause", "run")
# Approvers named by their relation to the ticket's requester.
RELATIVE = {
    "manager": "the requester's manager (their `manager:` in people)",
    "requester_lead": "the leads of the requester's teams",
}
# `field:owner`: the person a field of kind person holds on the ticket (a system's owner).
_FIELD = re.compile(r"^field:(?P<name>[a-z][a-z0-9_]*)$")
_PRINCIPAL = re.compile(r"^(?:(?P<kind>person|group|leads):(?P<name>\S+)|@(?P<handle>\S+))$")
_SPAN = re.compile(r"^(?P<n>\d+)\s*(?P<unit>[mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True, slots=True)
class ApprovalStep:
    # manager, requester_lead, person:x / @x, group:x, leads:team, field:x (a person field)
    approvers: tuple[str, ...]
    mode: str  # any: one approval suffices; all: every approver must approve
    on_approve: str  # the status the ticket goes to once approved
    on_reject: str  # … and once someone rejects it (one rejection is enough)
    clocks: str = "pause"  # pause: the SLA clocks wait (a pending phase); run: they keep going
    remind_after: timedelta | None = None  # the awaited approvers are reminded once, after this


@dataclass(frozen=True, slots=True)
class Decision:
    handle: str
    approved: bool
    at: datetime
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    approved: tuple[str, ...]  # handles, in the order they approved
    awaited: tuple[str, ...]  # approvers who have not decided yet
    rejected_by: Decision | None  # the rejection that ends the step, if any

    @property
    def done(self) -> bool:
        return self.rejected_by is not None or not self.awaited


def parse_span(value: Any) -> timedelta | None:
    match = _SPAN.match(str(value).strip().lower())
    if match is None:
        return None
    return timedelta(**{_UNITS[match["unit"]]: int(match["n"])})


def principal(word: str) -> tuple[str, str] | None:
    """`person:alice`/`@alice`, `group:cab`, `leads:it` as (kind, name); None for others."""
    match = _PRINCIPAL.match(word)
    if match is None:
        return None
    if match["handle"]:
        return "person", match["handle"]
    return match["kind"], match["name"]


def approver_field(word: str) -> str | None:
    """The field `field:<name>` names, else None."""
    match = _FIELD.match(word)
    return match["name"] if match else None


def step_problems(raw: Mapping[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """What is wrong in a written `approval:` (statuses are checked by the workflow's reader,
    people, groups and teams by the organisation file's)."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    approvers = raw.get("approvers") or []
    if not approvers:
        problems.append((("approvers",), "an approval step needs its approvers"))
    for k, word in enumerate(approvers if isinstance(approvers, list) else [approvers]):
        if (str(word) not in RELATIVE and principal(str(word)) is None
                and approver_field(str(word)) is None):
            problems.append((("approvers", k), f"{word!r} is not an approver: say "
                             f"{', '.join(RELATIVE)}, person:<handle> (or @<handle>), "
                             "group:<name>, leads:<team> or field:<person field>"))
    if str(raw.get("mode", "any")) not in MODES:
        problems.append((("mode",), f"mode {raw.get('mode')!r} is neither any nor all"))
    if str(raw.get("clocks", "pause")) not in CLOCKS:
        problems.append((("clocks",), f"clocks {raw.get('clocks')!r} is neither pause nor run"))
    for name in ("on_approve", "on_reject"):
        if not raw.get(name):
            problems.append(((name,), f"an approval step needs {name}: the status it goes to"))
    if raw.get("remind_after") is not None and parse_span(raw["remind_after"]) is None:
        problems.append((("remind_after",), f"{raw['remind_after']!r} is not a span such as "
                         "30m, 4h or 1d"))
    return problems


def read_step(raw: Mapping[str, Any]) -> ApprovalStep:
    approvers = raw.get("approvers") or []
    return ApprovalStep(
        tuple(str(w) for w in (approvers if isinstance(approvers, list) else [approvers])),
        str(raw.get("mode", "any")), str(raw["on_approve"]), str(raw["on_reject"]),
        str(raw.get("clocks", "pause")),
        parse_span(raw["remind_after"]) if raw.get("remind_after") is not None else None)


def approvers_of(step: ApprovalStep, requester: str, org: Organisation,
                 fields: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """The handles who decide for this ticket, in the order written, each once. The requester
    never approves their own request (a manager who files one is skipped, not asked).
    `fields`: the ticket's values, for `field:<name>` (a person field left empty names nobody)."""
    found: dict[str, None] = {}
    for word in step.approvers:
        if (name := approver_field(word)) is not None:
            held = (fields or {}).get(name)
            found.update(dict.fromkeys([str(held)] if held else []))
        elif word == "manager":
            manager = org.profile(requester).manager
            found.update(dict.fromkeys([manager] if manager else []))
        elif word == "requester_lead":
            for team in org.teams_of(requester):
                found.update(dict.fromkeys(team.lead_list))
        elif (named := principal(word)) is not None:
            kind, name = named
            if kind == "person":
                found[name] = None
            elif kind == "group":
                found.update(dict.fromkeys(sorted(org.groups.get(name, ()))))
            else:
                team = org.team(name)
                found.update(dict.fromkeys(team.lead_list if team else ()))
    found.pop(requester, None)
    return tuple(found)


def decisions_since_entry(lines: Iterable[Any], step: str) -> list[Decision]:
    """The decisions of the ticket's current visit to `step`, from its history lines (anything
    with `action`, `changes`, `at`, `reason`), oldest first: a ticket sent back and submitted
    again starts the step afresh."""
    decisions: list[Decision] = []
    for line in lines:
        moved = (line.changes or {}).get("workflow_status")
        if moved and len(moved) == 2 and moved[1] == step:
            decisions = []  # (re-)entered the step: a decision on this line is another step's
        decided = (line.changes or {}).get("approval")
        if line.action in ("approve", "reject") and decided and decided[0] == step:
            decisions.append(Decision(str(decided[1]), line.action == "approve", line.at,
                                      line.reason))
    return decisions


def progress(step: ApprovalStep, approvers: Sequence[str],
             decisions: Sequence[Decision]) -> Progress:
    approved = tuple(d.handle for d in decisions if d.approved and d.handle in approvers)
    rejected = next((d for d in decisions if not d.approved), None)
    if step.mode == "any" and approved:
        return Progress(approved, (), rejected)
    awaited = tuple(h for h in approvers if h not in approved)
    return Progress(approved, awaited, rejected)


def decided(decisions: Sequence[Decision], handle: str) -> Decision | None:
    return next((d for d in decisions if d.handle == handle), None)
