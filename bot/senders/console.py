from collections.abc import Callable

from notifications.senders import Outgoing


class ConsoleSender:
    """Shows, in the console, each message the bot would send and to whom."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.count = 0

    async def send(self, message: Outgoing, *, check_duplicate: bool) -> str | None:
        self.count += 1
        lines = message.text.splitlines() or [""]
        self.write(f"  📣 to {message.address}: {lines[0]}")
        for line in lines[1:]:
            self.write(f"     {line}")
        return f"console-{self.count}"
