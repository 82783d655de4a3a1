"""The files an answer carries (`Answer.files`), rendered and sent to the person who asked.

A use case returns rows; here they become a CSV and an XLSX and go through the platform's
file capability, to the asker privately (their DM with the bot, their 1:1 robot chat, the
console's folder), as a reply is. Like replies, they are sent at once rather than through the
outbox: the asker is waiting for them, and the rows are in hand (docs/architecture.md)."""

import logging
from zoneinfo import ZoneInfo

from commands.answer import Answer
from notifications.charts.kinds import Chart, Labels
from notifications.export_files import to_csv, to_xlsx
from notifications.senders import DeliveryError, FileSender, OutgoingFile
from workflows.reports.metrics import Report

log = logging.getLogger(__name__)


def report_charts(report: Report, labels: Labels) -> list[Chart]:
    """A report's three charts: its weeks, SLA by priority, how long resolutions took."""
    if report.empty:
        return []
    # matplotlib (about 30 MB) is loaded by the first chart, not by every process at start-up.
    from notifications.charts.render import resolution_distribution, sla_by_priority, weekly_trend

    rows = report.by_priority
    return [
        weekly_trend([w.monday.strftime("%m-%d") for w in report.weekly],
                     [w.created for w in report.weekly], [w.resolved for w in report.weekly],
                     labels),
        sla_by_priority([r.name for r in rows], [r.response_sla for r in rows],
                        [r.resolution_sla for r in rows], labels),
        resolution_distribution([s / 3600 for s in report.resolution_times], labels),
    ]


def has_files(answer: Answer) -> bool:
    return bool(answer.files) or (answer.ok and isinstance(answer.params.get("r"), Report))


def answer_files(answer: Answer, platform: str, address: str, zone: str | None,
                 caption: str | None = None, labels: Labels | None = None
                 ) -> list[OutgoingFile]:
    """The files to send with `answer`: an export's tables, a report's charts (with `labels`,
    the reader's catalog)."""
    tz = ZoneInfo(zone or answer.zone or "UTC")
    found = []
    report = answer.params.get("r")
    if labels is not None and answer.ok and isinstance(report, Report):
        for chart in report_charts(report, labels):
            found.append(OutgoingFile(platform, address, f"{chart.name}.png", chart.png,
                                      chart.title))
    for table in answer.files:
        for extension, content in (("csv", to_csv(table.columns, table.rows, tz)),
                                   ("xlsx", to_xlsx(table.columns, table.rows, tz))):
            filename = f"{table.name}.{extension}"
            found.append(OutgoingFile(platform, address, filename, content, filename,
                                      comment=caption if not found else None,
                                      comment_title=table.name))
    return found


async def send_answer_files(sender: FileSender, answer: Answer, platform: str, address: str,
                            zone: str | None = None, caption: str | None = None,
                            labels: Labels | None = None) -> int:
    """Send them; returns how many went out. A failure is logged, never raised: the reply
    itself has been given already."""
    sent = 0
    for file in answer_files(answer, platform, address, zone, caption, labels):
        try:
            await sender.send_file(file)
            sent += 1
        except DeliveryError as error:
            log.warning("could not send %s to %s on %s: %s", file.filename, address, platform,
                        error)
    return sent
