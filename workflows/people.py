from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Person:
    """One human, whichever messengers they use. `handle` is the stable, human-typed name."""

    id: int
    handle: str
    name: str
    slack_id: str | None = None
    dingtalk_id: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.handle
