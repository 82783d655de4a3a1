"""The organisation file's `webhooks:` (outgoing subscriptions) and `intake:` (monitoring
alerts) sections. Secrets are given inline or, better, named by an environment variable."""

import os
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from workflows.alerts import IntakeRules
from workflows.priority import Priority
from workflows.webhooks import EVENTS, Subscription

_NAME = r"^[a-z0-9][a-z0-9._-]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Secret(_Strict):
    secret: str | None = Field(default=None, min_length=16)
    secret_env: str | None = None

    def secret_value(self) -> str | None:
        if self.secret_env is not None:
            return os.environ.get(self.secret_env) or None
        return self.secret


class WebhookFilters(_Strict):
    queues: list[str] = []
    teams: list[str] = []
    priorities: list[Priority] = []


class WebhookSpec(_Secret):
    name: str = Field(pattern=_NAME)
    url: str = Field(pattern=r"^https?://")
    events: list[str] = Field(min_length=1)
    filters: WebhookFilters = WebhookFilters()
    # Confidential queues' tickets are sent only to a subscription that says so.
    confidential: StrictBool = False

    @model_validator(mode="after")
    def _check(self) -> "WebhookSpec":
        unknown = sorted(set(self.events) - set(EVENTS))
        if unknown:
            raise ValueError(f"unknown events {unknown}; known: {', '.join(EVENTS)}")
        if self.secret is None and self.secret_env is None:
            raise ValueError("a webhook needs a secret or secret_env to sign its deliveries")
        return self


class GenericSpec(_Secret):
    """A JSON body of some other system, mapped field by field (dotted paths)."""

    name: str = Field(pattern=_NAME)
    fingerprint: str
    title: str
    status: str | None = None  # no status: every call is a firing
    resolved_values: list[str] = ["resolved", "ok", "up", "recovered"]
    description: str | None = None
    severity: str | None = None
    group: str | None = None  # alerts sharing a value share a ticket; default: the fingerprint
    started: str | None = None  # a new value is a new firing of the same alert
    labels: str | None = None  # an object of labels, routed on like Alertmanager's
    url: str | None = None


class IntakeSpec(_Secret):
    requester: str = Field(default="monitoring", pattern=_NAME)
    severity_label: str = "severity"
    severities: dict[str, Priority] = {}
    default_priority: Priority = Priority.P3
    resolve: bool = True
    reopen: bool = False
    generic: list[GenericSpec] = []


@dataclass(frozen=True, slots=True)
class IntakeConfig:
    rules: IntakeRules = field(default_factory=IntakeRules)
    secret: str | None = None  # Bearer (Alertmanager, Grafana) and HMAC (generic) credential
    generic: dict[str, GenericSpec] = field(default_factory=dict)
    generic_secrets: dict[str, str] = field(default_factory=dict)


def subscriptions(specs: list[WebhookSpec]) -> tuple[Subscription, ...]:
    return tuple(Subscription(s.name, s.url, frozenset(s.events), frozenset(s.filters.queues),
                              frozenset(s.filters.teams),
                              frozenset(p.value for p in s.filters.priorities),
                              confidential=s.confidential) for s in specs)


def webhook_secrets(specs: list[WebhookSpec]) -> dict[str, str]:
    return {s.name: secret for s in specs if (secret := s.secret_value())}


def intake_config(spec: IntakeSpec) -> IntakeConfig:
    defaults = IntakeRules()
    rules = IntakeRules(spec.requester, spec.severity_label,
                        {**defaults.severities, **{k.casefold(): v
                                                   for k, v in spec.severities.items()}},
                        spec.default_priority, spec.resolve, spec.reopen)
    secret = spec.secret_value()
    return IntakeConfig(rules, secret, {g.name: g for g in spec.generic},
                        {g.name: s for g in spec.generic if (s := g.secret_value() or secret)})


def hook_problems(webhooks: list[WebhookSpec], intake: IntakeSpec) -> list[tuple[tuple, str]]:
    """Secrets named by a variable that is not set, and names used twice."""
    problems: list[tuple[tuple, str]] = []
    seen: set[str] = set()
    for i, w in enumerate(webhooks):
        if w.name in seen:
            problems.append((("webhooks", i, "name"), f"webhook {w.name} is declared twice"))
        seen.add(w.name)
        if w.secret_value() is None:
            problems.append((("webhooks", i, "secret_env"), f"{w.secret_env} is not set"))
    if intake.secret_env is not None and intake.secret_value() is None:
        problems.append((("intake", "secret_env"), f"{intake.secret_env} is not set"))
    return problems
