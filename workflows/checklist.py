"""Checklist items on a ticket (an inspection round's steps): required or optional, each tick
recorded with who and when. A ticket with required items open cannot be resolved."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class CheckItem:
    text: str
    required: bool = True
    done_by: str | None = None  # the label of whoever ticked it
    done_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "required": self.required, "by": self.done_by,
                "at": self.done_at.isoformat() if self.done_at else None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CheckItem":
        at = data.get("at")
        return cls(data["text"], bool(data.get("required", True)), data.get("by"),
                   datetime.fromisoformat(at) if at else None)


def open_required(items: list[CheckItem]) -> list[dict[str, Any]]:
    """The required items not ticked yet, numbered from 1 as people see them."""
    return [{"n": n, "text": i.text} for n, i in enumerate(items, 1) if i.required and not i.done]


def summary(items: Sequence[CheckItem]) -> str:
    """One cell of an export: "1/3 done; open: Battery test | Note the temperature (optional)";
    "" for a ticket without a checklist. Plain field words, like the file's yes/no."""
    if not items:
        return ""
    done = sum(1 for item in items if item.done)
    left = [item.text + ("" if item.required else " (optional)") for item in items if not item.done]
    return f"{done}/{len(items)} done" + (f"; open: {' | '.join(left)}" if left else "")
