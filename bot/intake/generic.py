"""The generic JSON intake: the organisation file maps another system's fields to an alert."""

from typing import Any

from bot.intake.payloads import pick
from bot.orgfile_hooks import GenericSpec
from workflows.alerts import FIRING, RESOLVED, Alert, AlertBatch


class Unmapped(ValueError):
    """A mapped field the body lacks, or has in the wrong type: (field, reason)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


def _text(document: Any, path: str | None, field: str, required: bool = False) -> str | None:
    if path is None:
        return None
    value = pick(document, path)
    if value is None or value == "":
        if required:
            raise Unmapped(path, f"missing (mapped as {field})")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Unmapped(path, f"expected text or a number (mapped as {field})")
    return str(value)[:4000]


def generic_batch(spec: GenericSpec, document: Any) -> AlertBatch:
    if not isinstance(document, dict):
        raise Unmapped("", "expected a JSON object")
    fingerprint = _text(document, spec.fingerprint, "fingerprint", required=True) or ""
    title = _text(document, spec.title, "title", required=True) or ""
    state = (_text(document, spec.status, "status") or "").casefold()
    status = RESOLVED if state and state in {v.casefold() for v in spec.resolved_values} \
        else FIRING
    labels: dict[str, str] = {}
    if spec.labels is not None:
        found = pick(document, spec.labels)
        if found is not None and not isinstance(found, dict):
            raise Unmapped(spec.labels, "expected an object (mapped as labels)")
        labels = {str(k)[:200]: str(v)[:4000] for k, v in (found or {}).items()}
    severity = _text(document, spec.severity, "severity")
    if severity is not None:
        labels["severity"] = severity
    annotations = {"summary": title}
    description = _text(document, spec.description, "description")
    if description:
        annotations["description"] = description
    alert = Alert(fingerprint[:128], status, (_text(document, spec.started, "started") or "-")[:40],
                  labels, annotations, _text(document, spec.url, "url"))
    group = _text(document, spec.group, "group") or fingerprint
    return AlertBatch(spec.name, group, (alert,))
