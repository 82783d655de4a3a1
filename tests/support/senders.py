"""An in-memory platform sender whose failures a test scripts."""

from notifications.senders import DeliveryError, Outgoing


class RecordingSender:
    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.failures: list[DeliveryError] = []  # raised by the next sends, in order
        self.checked: list[str] = []  # idempotency keys looked up before a re-send

    async def send(self, message: Outgoing, *, check_duplicate: bool) -> str | None:
        if check_duplicate:
            self.checked.append(message.idempotency_key)
            for earlier in self.sent:
                if earlier.idempotency_key == message.idempotency_key:
                    return "found"
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return f"ref-{len(self.sent)}"

    def texts(self, address: str | None = None) -> list[str]:
        return [m.text for m in self.sent if address is None or m.address == address]
