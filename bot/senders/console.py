import tempfile
from collections.abc import Callable
from pathlib import Path

from notifications.senders import Outgoing, OutgoingFile


class ConsoleSender:
    """Shows, in the console, each message the bot would send and to whom; files are written
    to `files_dir` and their path is shown."""

    def __init__(self, write: Callable[[str], None], files_dir: Path | None = None) -> None:
        self.write = write
        self.count = 0
        self.files_dir = files_dir or Path(tempfile.gettempdir()) / "ticketbot-files"

    async def send(self, message: Outgoing, *, check_duplicate: bool) -> str | None:
        self.count += 1
        lines = message.text.splitlines() or [""]
        self.write(f"  📣 to {message.address}: {lines[0]}")
        for line in lines[1:]:
            self.write(f"     {line}")
        return f"console-{self.count}"

    async def send_file(self, file: OutgoingFile) -> str | None:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / Path(file.filename).name  # never a path the name could steer
        path.write_bytes(file.content)
        if file.comment:
            self.write(f"  📣 to {file.address}: {file.comment}")
        self.write(f"  📎 {file.title}: {path}")
        return str(path)
