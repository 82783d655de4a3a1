"""Workflows from their written form (the organisation file's `workflows:` list, or the built-in
`default_workflows.py`): pure, and every problem names where it is.

A problem is `(path, sentence)`; the path is relative to the list (`(2, "transitions", 0, "to")`)
so the organisation file loader can turn it into file:line.

Shape of one entry:
    name: change                     # required, unique
    types: [change_request]          # the ticket types it serves
    base: standard                   # optional: start from another workflow (built-in or earlier)
    without: [pending]               # base statuses to leave out (rows lose them as sources)
    statuses:                        # added to the base's (same id: replaced)
      - {id: awaiting_cab, phase: pending, like: pending, name: {en: Awaiting CAB, zh-CN: …}}
                                     # like: takes the base's rows that start from that status
    transitions:                     # an action listed here replaces the base's rows for it
      - {action: pend, from: [assigned, in_progress], to: awaiting_cab, who: [assignee, lead]}
    fields: [{name: risk}]           # fields `requires` may name beyond the built-in ones
"""

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from workflows.actions import Action
from workflows.approval import ApprovalStep, read_step, step_problems
from workflows.fields import BUILT_IN_FIELDS
from workflows.kinds import TicketType
from workflows.roles import Role
from workflows.status import Status
from workflows.transitions import Transition, Workflow
from workflows.workflow_status import BUILT_IN, WorkflowStatus, status_id

Path = tuple[Any, ...]
Problem = tuple[Path, str]

LOCALES = ("en", "zh-CN")
_PRINCIPALS = ("team", "person", "group")
PAUSED = frozenset({Status.PENDING, Status.SUSPENDED})


def parse_who(word: str) -> tuple[Role | None, str | None]:
    """`lead` is a role; `team:network`, `person:alice` (or `@alice`), `group:cab` are others."""
    if word.startswith("@"):
        return None, f"person:{word[1:]}"
    kind, _, name = word.partition(":")
    if name and kind in _PRINCIPALS:
        return None, f"{kind}:{name}"
    try:
        return Role(word), None
    except ValueError:
        return None, None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _statuses(entry: Mapping[str, Any], at: Path, base: Workflow | None,
              problems: list[Problem]) -> dict[str, WorkflowStatus]:
    statuses = dict(base.statuses) if base is not None else {}
    for k, sid in enumerate(_list(entry.get("without"))):
        if statuses.pop(str(sid), None) is None:
            problems.append(((*at, "without", k), f"{sid!r} is not a status of the base workflow"))
    seen: set[str] = set()
    for j, raw in enumerate(_list(entry.get("statuses"))):
        where = (*at, "statuses", j)
        sid = str(raw.get("id", ""))
        approval = raw.get("approval")
        # An approval step without a phase: its clocks say it (pause: pending, run: in progress).
        step_phase = None if not isinstance(approval, Mapping) else (
            "in_progress" if approval.get("clocks") == "run" else "pending")
        phase_word = str(raw.get("phase") or step_phase or sid)
        if not sid:
            problems.append(((*where, "id"), "a status needs an id"))
            continue
        if sid in seen:
            problems.append(((*where, "id"), f"status {sid!r} is declared twice"))
        seen.add(sid)
        if phase_word not in BUILT_IN:
            problems.append(((*where, "phase"), f"{phase_word!r} is not a phase; a status maps "
                             f"onto one of {', '.join(sorted(BUILT_IN))}"))
            continue
        if sid in BUILT_IN and phase_word != sid:
            problems.append(((*where, "phase"), f"status {sid!r} is a built-in phase and cannot "
                             f"map onto {phase_word!r}; give the custom status another id"))
            continue
        names = {str(k): str(v) for k, v in (raw.get("name") or {}).items()}
        for locale in names:
            if locale not in LOCALES:
                problems.append(((*where, "name", locale),
                                 f"{locale!r} is not a language; say {' or '.join(LOCALES)}"))
        if sid not in BUILT_IN:
            for locale in LOCALES:
                if locale not in names:
                    problems.append(((*where, "name"),
                                     f"status {sid!r} needs its name in {locale}"))
        statuses[sid] = WorkflowStatus(status_id(sid), Status(phase_word), names)
    return statuses


def _approvals(entry: Mapping[str, Any], at: Path, base: Workflow | None,
               statuses: Mapping[str, WorkflowStatus],
               problems: list[Problem]) -> dict[str, ApprovalStep]:
    """The approval steps: the base's (for statuses kept) and those this entry declares."""
    steps = {k: v for k, v in (base.approvals if base is not None else {}).items()
             if k in statuses}
    for j, raw in enumerate(_list(entry.get("statuses"))):
        approval = raw.get("approval")
        if approval is None:
            continue
        where = (*at, "statuses", j, "approval")
        sid = str(raw.get("id", ""))
        if not isinstance(approval, Mapping):
            problems.append((where, "an approval is {approvers, mode, on_approve, on_reject}"))
            continue
        found = [((*where, *p), m) for p, m in step_problems(approval)]
        for name in ("on_approve", "on_reject"):
            dest = approval.get(name)
            if dest and str(dest) not in statuses:
                found.append(((*where, name), f"the approval goes to {dest!r}, which is not a "
                              "status of this workflow"))
        phase = statuses[sid].phase if sid in statuses else None
        clocks = str(approval.get("clocks", "pause"))
        if phase is not None and (clocks == "pause") != (phase in PAUSED):
            found.append(((*where, "clocks"), f"clocks: {clocks} does not fit phase "
                          f"{phase.value!r}: a step that pauses the clocks is in the pending "
                          "phase, one that keeps them is in new, assigned or in_progress"))
        problems.extend(found)
        if not found and sid in statuses:
            steps[sid] = read_step(approval)
    return steps


def _transition(raw: Mapping[str, Any], where: Path, statuses: Mapping[str, WorkflowStatus],
                fields: frozenset[str], problems: list[Problem]) -> Transition | None:
    before = len(problems)
    try:
        action = Action(str(raw.get("action")))
    except ValueError:
        problems.append(((*where, "action"), f"{raw.get('action')!r} is not an action; actions: "
                         f"{', '.join(a.value for a in Action)}"))
        return None
    sources = _list(raw.get("from"))
    if not sources:
        problems.append(((*where, "from"), "a transition needs the statuses it starts from"))
    for k, s in enumerate(sources):
        if str(s) not in statuses:
            problems.append(((*where, "from", k), f"{s!r} is not a status of this workflow"))
    dest = raw.get("to")
    if dest is not None and str(dest) not in statuses:
        problems.append(((*where, "to"), f"the transition goes to {dest!r}, which is not a "
                         "status of this workflow"))
    roles: set[Role] = set()
    principals: set[str] = set()
    who = _list(raw.get("who"))
    if not who:
        problems.append(((*where, "who"), "a transition needs who may take it"))
    for k, word in enumerate(who):
        role, other = parse_who(str(word))
        if role is None and other is None:
            problems.append(((*where, "who", k), f"{word!r} is neither a role "
                             f"({', '.join(r.value for r in Role)}) nor team:…, person:… or "
                             "group:…"))
        if role is not None:
            roles.add(role)
        if other is not None:
            principals.add(other)
    requires = tuple(str(f) for f in _list(raw.get("requires")))
    for k, name in enumerate(requires):
        if name not in BUILT_IN_FIELDS and name not in fields:
            problems.append(((*where, "requires", k), f"the transition requires field {name!r}, "
                             "which is not defined: add it to the workflow's fields"))
    if len(problems) > before:
        return None
    return Transition(action, frozenset(status_id(str(s)) for s in sources),
                      None if dest is None else status_id(str(dest)), frozenset(roles),
                      frozenset(principals), requires)


def _kept(base: Workflow, statuses: Mapping[str, WorkflowStatus],
          likes: Mapping[str, str]) -> tuple[Transition, ...]:
    """The base's rows without the statuses this workflow left out, and starting also from the
    statuses declared `like` one of theirs. (A kept row still going to a left-out status is
    reported by `_dangling`.)"""
    kept = []
    for t in base.transitions:
        sources = frozenset({s for s in t.sources if s in statuses}
                            | {status_id(new) for new, like in likes.items() if like in t.sources})
        if not sources:
            continue
        kept.append(Transition(t.action, sources, t.dest, t.roles, t.principals, t.requires))
    return tuple(kept)


def _merge(base: tuple[Transition, ...], rows: list[Transition]) -> tuple[Transition, ...]:
    """The base's table with each listed action's rows swapped for the new ones, in the base's
    place (buttons keep their order); actions the base lacks go last."""
    replaced = {t.action for t in rows}
    out: list[Transition] = []
    placed: set[Action] = set()
    for t in base:
        if t.action not in replaced:
            out.append(t)
        elif t.action not in placed:
            out.extend(r for r in rows if r.action is t.action)
            placed.add(t.action)
    out.extend(r for r in rows if r.action not in placed)
    return tuple(out)


def build_workflows(entries: Sequence[Mapping[str, Any]],
                    known: Mapping[str, Workflow] | None = None,
                    own_types: Collection[str] = ()) -> tuple[dict[str, Workflow], list[Problem]]:
    """Workflows by name, and the problems of the written form. `known`: workflows a `base`
    may name besides the earlier entries (the built-in ones); `own_types`: the ids of the
    organisation's own ticket types, which `types` may name beside the built-in ones."""
    problems: list[Problem] = []
    built: dict[str, Workflow] = {}
    claimed: dict[str, str] = {}
    for i, entry in enumerate(entries):
        at: Path = (i,)
        name = str(entry.get("name") or "")
        if not name:
            problems.append(((*at, "name"), "a workflow needs a name"))
            continue
        if name in built:
            problems.append(((*at, "name"), f"workflow {name!r} is declared twice"))
        base = None
        if entry.get("base"):
            base = built.get(entry["base"]) or (known or {}).get(entry["base"])
            if base is None:
                problems.append(((*at, "base"), f"workflow {name!r} is based on "
                                 f"{entry['base']!r}, which is not a workflow"))
                continue
        fields = frozenset(str(f.get("name") if isinstance(f, Mapping) else f)
                           for f in _list(entry.get("fields")))
        statuses = _statuses(entry, at, base, problems)
        rows = [t for j, raw in enumerate(_list(entry.get("transitions")))
                if (t := _transition(raw, (*at, "transitions", j), statuses, fields, problems))]
        likes = {str(raw.get("id")): str(raw["like"]) for raw in _list(entry.get("statuses"))
                 if raw.get("like")}
        for j, raw in enumerate(_list(entry.get("statuses"))):
            if raw.get("like") and (base is None or str(raw["like"]) not in base.statuses):
                problems.append(((*at, "statuses", j, "like"), f"{raw['like']!r} is not a "
                                 "status of the base workflow"))
        table = _merge(_kept(base, statuses, likes), rows) if base is not None else tuple(rows)
        types: list[str] = []
        for k, word in enumerate(_list(entry.get("types"))):
            kind: str
            if str(word) in own_types:
                kind = str(word)
            else:
                try:
                    kind = TicketType(str(word))
                except ValueError:
                    known_types = [*(t.value for t in TicketType), *own_types]
                    problems.append(((*at, "types", k), f"{word!r} is not a ticket type; types: "
                                     f"{', '.join(known_types)}"))
                    continue
            if kind in claimed:
                problems.append(((*at, "types", k), f"type {str(kind)!r} already has workflow "
                                 f"{claimed[kind]!r}; a type has one workflow"))
                continue
            claimed[kind] = name
            types.append(kind)
        approvals = _approvals(entry, at, base, statuses, problems)
        workflow = Workflow(name, table, statuses, tuple(types), approvals)
        declared = [str(raw.get("id")) for raw in _list(entry.get("statuses"))]
        for sid, message in reachability(workflow):
            where = (*at, "statuses", declared.index(sid)) if sid in declared else (*at, "name")
            problems.append((where, message))
        built[name] = workflow
    return built, problems


def _dangling(workflow: Workflow) -> list[tuple[str, str]]:
    """Kept base rows still going to a status this workflow left out (once per action)."""
    found: dict[tuple[str, str], None] = {}
    for t in workflow.transitions:
        if t.dest is not None and t.dest not in workflow.statuses:
            found[(str(t.dest), f"{t.action.value} still goes to '{t.dest}', which this "
                   "workflow leaves out: list the action's transitions")] = None
    return list(found)


def reachability(workflow: Workflow) -> list[tuple[str, str]]:
    """Statuses no transition reaches (besides where tickets start) and open statuses no
    transition leaves: a ticket there would be stuck."""
    problems: list[tuple[str, str]] = _dangling(workflow)
    start = workflow.status_in(Status.NEW)
    reached = {t.dest for t in workflow.transitions if t.dest is not None} | {start}
    reached |= {d for a in workflow.approvals.values() for d in (a.on_approve, a.on_reject)}
    for sid, status in workflow.statuses.items():
        if sid not in reached:
            problems.append((sid, f"status {sid!r} cannot be reached: no transition goes to it"))
        step = workflow.approvals.get(sid)
        left = any(sid in t.sources and t.dest is not None and t.dest != sid
                   for t in workflow.transitions) or (
            step is not None and sid not in (step.on_approve, step.on_reject))
        if not status.phase.is_terminal and not left:
            problems.append((sid, f"status {sid!r} cannot be left: no transition goes from it "
                             "to another status"))
    return problems
