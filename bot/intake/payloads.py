"""The senders' JSON, validated, as workflows.alerts batches.

Alertmanager (webhook version 4) and Grafana alerting send the same shape (Grafana adds
`orgId`, `title`, `message`, `state` and per-alert links and values); keys a later version adds
are ignored rather than refused, so an upgrade of the monitoring never stops its alerts. The
keys ticketbot reads are required and typed.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from workflows.alerts import Alert, AlertBatch

_TEXT = 4000  # per label or annotation value: more is cut, not refused


class _Open(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class AlertIn(_Open):
    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = {}
    startsAt: str = Field(min_length=1, max_length=40)
    endsAt: str | None = None
    generatorURL: str = ""
    fingerprint: str = Field(min_length=1, max_length=128)
    # Grafana's links
    dashboardURL: str = ""
    panelURL: str = ""
    silenceURL: str = ""


class AlertmanagerIn(_Open):
    version: Literal["4"]
    status: Literal["firing", "resolved"]
    receiver: str
    groupKey: str = Field(min_length=1, max_length=4000)
    alerts: list[AlertIn] = Field(min_length=1, max_length=1000)
    groupLabels: dict[str, str] = {}
    commonLabels: dict[str, str] = {}
    commonAnnotations: dict[str, str] = {}
    externalURL: str = ""
    truncatedAlerts: int = 0


class GrafanaIn(AlertmanagerIn):
    """Grafana's webhook body: Alertmanager's, version "1", with a few more keys."""

    version: str  # type: ignore[assignment]  # "1" today
    orgId: int = 0
    title: str = ""
    message: str = ""


def _cut(values: dict[str, str]) -> dict[str, str]:
    return {k[:200]: v[:_TEXT] for k, v in values.items()}


def _alert(a: AlertIn) -> Alert:
    links = [u for u in (a.generatorURL, a.dashboardURL, a.panelURL) if u]
    return Alert(a.fingerprint, a.status, a.startsAt, _cut(a.labels), _cut(a.annotations),
                 "\n".join(links) or None)


def alertmanager_batch(body: AlertmanagerIn, source: str) -> AlertBatch:
    return AlertBatch(source, body.groupKey, tuple(_alert(a) for a in body.alerts),
                      body.externalURL or None, truncated=max(0, body.truncatedAlerts),
                      all_resolved=body.status == "resolved", own_start_times=True)


def pick(document: Any, path: str) -> Any:
    """`a.b.0.c` in nested objects and lists; None when any step is missing."""
    here = document
    for step in path.split(".") if path else []:
        if isinstance(here, dict):
            here = here.get(step)
        elif isinstance(here, list) and step.isdigit() and int(step) < len(here):
            here = here[int(step)]
        else:
            return None
    return here
