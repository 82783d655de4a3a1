"""Monitoring alerts as the intake sees them, whatever system sent them, and what the
organisation wants done with them.

A notification carries a whole group of alerts (Alertmanager sends the group every time, not
what changed), so an alert is known by its fingerprint and the time it started firing: the same
pair again is a repeat, a new start time is a new firing of the same alert.
"""

import hashlib
import json
from dataclasses import dataclass, field

from workflows.priority import Priority

FIRING, RESOLVED = "firing", "resolved"


@dataclass(frozen=True, slots=True)
class Alert:
    fingerprint: str
    status: str  # firing or resolved
    starts_at: str  # as the sender wrote it: compared, never computed with
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    url: str | None = None  # the generator's link (a graph, a panel)

    @property
    def name(self) -> str:
        return self.labels.get("alertname") or self.fingerprint

    @property
    def summary(self) -> str:
        return (self.annotations.get("summary") or self.annotations.get("title")
                or self.annotations.get("description") or self.name)

    def digest(self) -> str:
        """What a repeat is compared on: the labels and annotations, in a stable form."""
        text = json.dumps([self.labels, self.annotations], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class AlertBatch:
    """One notification: a group of alerts from one sender."""

    source: str  # alertmanager, grafana, or the generic intake's name
    group_key: str
    alerts: tuple[Alert, ...]
    link: str | None = None  # the sender's own page (Alertmanager's externalURL)
    truncated: int = 0  # alerts of the group the sender left out (Alertmanager's max_alerts)
    all_resolved: bool = False  # the sender says every alert of the group has resolved
    # The sender gives each firing a start time of its own (Alertmanager, Grafana): a firing
    # with the start time of one already seen resolved is a late copy (the other half of an
    # HA pair), not news.
    own_start_times: bool = False


@dataclass(frozen=True, slots=True)
class IntakeRules:
    requester: str = "monitoring"  # the handle tickets are filed as
    severity_label: str = "severity"
    severities: dict[str, Priority] = field(default_factory=lambda: {
        "critical": Priority.P1, "page": Priority.P1, "high": Priority.P2, "error": Priority.P2,
        "warning": Priority.P3, "info": Priority.P4})
    default_priority: Priority = Priority.P3
    resolve: bool = True  # the ticket is resolved once every alert in it has resolved
    reopen: bool = False  # a repeat of a still-firing alert reopens a ticket someone finished

    def priority(self, alerts: tuple[Alert, ...]) -> Priority:
        """The most urgent severity among the alerts."""
        found = [self.severities.get(a.labels.get(self.severity_label, "").casefold())
                 for a in alerts]
        known = [p for p in found if p is not None]
        return min(known, key=lambda p: p.value) if known else self.default_priority


def title_of(alerts: tuple[Alert, ...]) -> str:
    first = alerts[0]
    more = f" (+{len(alerts) - 1})" if len(alerts) > 1 else ""
    return f"{first.summary}{more}"


def describe(alert: Alert) -> str:
    """An alert as lines of text: the summary, its labels and annotations as `key=value` (the
    routing rules' keywords and patterns read them), and its links."""
    lines = [f"{alert.status.upper()}: {alert.summary}"]
    lines += [f"{k}={v}" for k, v in sorted(alert.labels.items())]
    lines += [f"{k}: {v}" for k, v in sorted(alert.annotations.items()) if k != "summary"]
    if alert.url:
        lines.append(alert.url)
    return "\n".join(lines)


def description_of(batch: AlertBatch, alerts: tuple[Alert, ...]) -> str:
    parts = [describe(a) for a in alerts]
    if batch.link:
        parts.append(batch.link)
    return "\n\n".join(parts)
