"""What the relay needs from a platform: send one text to one address. Implemented in bot/."""

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Outgoing:
    platform: str
    address: str  # channel or user id
    text: str
    title: str  # DingTalk markdown messages need one; also a notification preview
    idempotency_key: str
    thread: str | None = None  # thread parent; for a card, the message to update in place
    urgent: bool = False
    card: dict[str, Any] | None = None  # a ticket card snapshot: the sender builds its layout
    locale: str = "en"
    payload: dict[str, Any] | None = None  # a webhook's JSON body, posted as it is


class DeliveryError(Exception):
    """A failed send. `permanent`: retrying cannot help (unknown channel, bad credentials).
    `maybe_sent`: the platform may have accepted it (timeout after the request went out)."""

    def __init__(self, message: str, *, retry_after: float | None = None,
                 permanent: bool = False, maybe_sent: bool = False,
                 rate_limited: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent
        self.maybe_sent = maybe_sent
        self.rate_limited = rate_limited


class Sender(Protocol):
    async def send(self, message: Outgoing, *, check_duplicate: bool) -> str | None:
        """Deliver; return the platform's reference (Slack ts, DingTalk processQueryKey).

        With `check_duplicate`, first look for an earlier delivery of the same idempotency key
        (a relay may have died between sending and recording it) and return its reference.
        """
        ...


@dataclass(frozen=True, slots=True)
class OutgoingFile:
    """A file or image for one address: a chart (PNG) or an export (CSV, XLSX)."""

    platform: str
    address: str  # channel or user id
    filename: str  # with its extension: the platforms pick the preview from it
    content: bytes
    title: str
    comment: str | None = None  # the words posted with it
    comment_title: str | None = None  # their title where the platform shows one (DingTalk)
    thread: str | None = None  # Slack: the thread's parent ts

    @property
    def is_image(self) -> bool:
        return self.filename.lower().endswith((".png", ".jpg", ".jpeg", ".gif"))


class FileSender(Protocol):
    async def send_file(self, file: OutgoingFile) -> str | None:
        """Deliver the file; return the platform's reference (Slack file id, DingTalk media id
        or the console's path). Failures raise `DeliveryError` as `send` does."""
        ...
