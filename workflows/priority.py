from enum import StrEnum


class Priority(StrEnum):
    """P1 is the most urgent. P3 is the default."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"

    @property
    def rank(self) -> int:
        return int(self.value[1])

    @classmethod
    def parse(cls, text: str) -> "Priority | None":
        token = text.strip().upper()
        if len(token) == 1 and token in "12345":
            token = "P" + token
        try:
            return cls(token)
        except ValueError:
            return None


DEFAULT_PRIORITY = Priority.P3
