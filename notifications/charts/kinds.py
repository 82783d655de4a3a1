"""What a chart is, without matplotlib: importing this costs nothing; drawing one
(notifications/charts/render.py) loads matplotlib, on first use."""

from dataclasses import dataclass
from typing import Protocol


class Labels(Protocol):
    def text(self, name: str, /, **params: object) -> str: ...


@dataclass(frozen=True, slots=True)
class Chart:
    name: str  # file name without extension, e.g. "trend"
    title: str
    png: bytes
