"""The files an answer carries (`Answer.files`), rendered and sent to the person who asked.

A use case returns rows; here they become a CSV and an XLSX and go through the platform's
file capability, to the asker privately (their DM with the bot, their 1:1 robot chat, the
console's folder), as a reply is. Like replies, they are sent at once rather than through the
outbox: the asker is waiting for them, and the rows are in hand (docs/architecture.md)."""

import logging
from zoneinfo import ZoneInfo

from commands.answer import Answer
from notifications.export_files import to_csv, to_xlsx
from notifications.senders import DeliveryError, FileSender, OutgoingFile

log = logging.getLogger(__name__)


def answer_files(answer: Answer, platform: str, address: str, zone: str | None,
                 caption: str | None = None) -> list[OutgoingFile]:
    tz = ZoneInfo(zone or answer.zone or "UTC")
    found = []
    for table in answer.files:
        for extension, content in (("csv", to_csv(table.columns, table.rows, tz)),
                                   ("xlsx", to_xlsx(table.columns, table.rows, tz))):
            filename = f"{table.name}.{extension}"
            found.append(OutgoingFile(platform, address, filename, content, filename,
                                      comment=caption if not found else None,
                                      comment_title=table.name))
    return found


async def send_answer_files(sender: FileSender, answer: Answer, platform: str, address: str,
                            zone: str | None = None, caption: str | None = None) -> int:
    """Send them; returns how many went out. A failure is logged, never raised: the reply
    itself has been given already."""
    sent = 0
    for file in answer_files(answer, platform, address, zone, caption):
        try:
            await sender.send_file(file)
            sent += 1
        except DeliveryError as error:
            log.warning("could not send %s to %s on %s: %s", file.filename, address, platform,
                        error)
    return sent
