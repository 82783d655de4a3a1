"""The organisation file's `workflows:` list: its shape (pydantic), then the domain's own reading
(`workflows.workflow_spec`, the same code that reads the built-in lifecycle), then what only the
whole file can tell: the people, teams and groups a `who` names, the types offered."""

from collections.abc import Collection
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workflows.approval import approver_field, principal
from workflows.fields import Form
from workflows.form_spec import build_form
from workflows.kinds import TicketType
from workflows.transitions import DEFAULTS, Workflow, by_type
from workflows.workflow_spec import build_workflows, parse_who

Problems = list[tuple[tuple[Any, ...], str]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class StatusSpec(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    phase: str | None = None  # a built-in status; default: the id itself (a built-in one)
    like: str | None = None  # takes the base's rows that start from this status
    name: dict[str, str] = {}  # {en: …, zh-CN: …}
    approval: "ApprovalSpec | None" = None  # an approval step (审批)


class ApprovalSpec(_Strict):
    approvers: list[str] | str
    mode: str = "any"  # any | all
    on_approve: str
    on_reject: str
    clocks: str = "pause"  # pause | run
    remind_after: str | None = None  # 30m, 4h, 1d


StatusSpec.model_rebuild()


class TransitionSpec(_Strict):
    action: str
    from_: list[str] | str = Field(alias="from")
    to: str | None = None  # none: the status does not change (reply, note, …)
    who: list[str] | str
    requires: list[str] = []


class FieldSpec(_Strict):
    """A field of the type's form (and one a transition may require); `workflows.form_spec`
    reads it."""

    name: str
    kind: str = "text"  # text long_text number date choice multi_choice person yes_no
    label: dict[str, str] = {}  # {en: …, zh-CN: …}
    required: bool = False
    default: Any = None
    card: bool = False  # shown on the ticket's card
    choices: list[str | int | float] = []


class TemplateSpec(_Strict):
    """The type's ticket template (工单模板): `{title}` and field names are filled in."""

    title: str | None = None
    description: str | None = None


class WorkflowSpec(_Strict):
    name: str
    types: list[str] = []
    base: str | None = None  # standard, change, task (built in) or an earlier entry
    without: list[str] = []
    statuses: list[StatusSpec] = []
    transitions: list[TransitionSpec] = []
    fields: list[FieldSpec] = []
    template: TemplateSpec | None = None


def _written(spec: WorkflowSpec) -> dict[str, Any]:
    data = spec.model_dump(by_alias=True, exclude_none=True)
    data["fields"] = [{"name": f.name} for f in spec.fields]
    data.pop("template", None)
    return data


def build_org_forms(specs: list[WorkflowSpec], own_types: Collection[str] = ()
                    ) -> tuple[dict[str, Form], Problems]:
    """Each type's form (fields and templates) from its workflow entry, and the problems."""
    forms: dict[str, Form] = {}
    problems: Problems = []
    for i, spec in enumerate(specs):
        form, found = build_form(spec.model_dump(exclude_none=True), ("workflows", i))
        problems += found
        for word in spec.types:
            if word in {t.value for t in TicketType}:
                forms.setdefault(TicketType(word), form)
            elif word in own_types:
                forms.setdefault(word, form)
    return forms, problems


def build_org_workflows(specs: list[WorkflowSpec], own_types: Collection[str] = ()
                        ) -> tuple[dict[str, Workflow], Problems]:
    """The organisation's workflows by type (types it does not name keep the built-in ones;
    an own type without one has its built-in type's), and the problems, with paths from the
    top of the file."""
    built, problems = build_workflows([_written(s) for s in specs], known=DEFAULTS,
                                      own_types=own_types)
    return by_type(built.values()), [(("workflows", *p), m) for p, m in problems]


def workflow_problems(specs: list[WorkflowSpec], people: set[str], teams: set[str],
                      groups: set[str], offered: list[TicketType]) -> Problems:
    problems: Problems = []
    known = {"person": people, "team": teams, "group": groups}
    for i, spec in enumerate(specs):
        if not spec.types:
            problems.append((("workflows", i, "name"), f"workflow {spec.name!r} serves no ticket "
                             "type: name them in its types"))
        for k, word in enumerate(spec.types):
            if word in {t.value for t in TicketType} and TicketType(word) not in offered:
                problems.append((("workflows", i, "types", k), f"workflow {spec.name!r} is for "
                                 f"type {word!r}, which ticket_types does not offer"))
        for j, row in enumerate(spec.transitions):
            for k, word in enumerate([row.who] if isinstance(row.who, str) else row.who):
                _, other = parse_who(word)
                if other is None:
                    continue
                kind, name = other.split(":", 1)
                if name not in known[kind]:
                    problems.append((("workflows", i, "transitions", j, "who", k),
                                     f"{word!r} names a {kind} that does not exist"))
        for j, status in enumerate(spec.statuses):
            approvers = status.approval.approvers if status.approval else []
            for k, word in enumerate([approvers] if isinstance(approvers, str) else approvers):
                if (field := approver_field(word)) is not None:
                    declared = next((f for f in spec.fields if f.name == field), None)
                    if declared is None or declared.kind != "person":
                        problems.append((("workflows", i, "statuses", j, "approval", "approvers",
                                          k), f"approver {word!r} names no field of kind person "
                                         f"of workflow {spec.name!r}: declare it under fields "
                                         "with kind: person"))
                    continue
                named = principal(word)
                if named is None:
                    continue
                kind, name = named
                pool = teams if kind == "leads" else known[kind]
                if name not in pool:
                    what = "team" if kind == "leads" else kind
                    problems.append((("workflows", i, "statuses", j, "approval", "approvers", k),
                                     f"approver {word!r} names a {what} that does not exist"))
    return problems
