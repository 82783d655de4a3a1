"""`ticketbot report export --month 2026-11 [--team it] --out tickets.xlsx` (or .csv)."""

import argparse
import sys
from pathlib import Path

from bot.settings import Settings
from notifications.text import Catalog

FORMATS = (".csv", ".xlsx")


def add_arguments(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    report = sub.add_parser("report", help="service reports as files")
    actions = report.add_subparsers(dest="report_action", required=True)
    export = actions.add_parser("export", help="a month's tickets with every SLA, CSAT and "
                                               "assignment field, as CSV or XLSX")
    export.add_argument("--month", required=True, help="the month, like 2026-11")
    export.add_argument("--team", help="one team (its key or name); default: every team")
    export.add_argument("--out", required=True, type=Path, help="the file: .csv or .xlsx")
    export.add_argument("--locale", choices=["en", "zh-CN"], help="message language")
    export.add_argument("--include-confidential", action="store_true",
                        help="also the tickets of confidential queues and teams (HR, security), "
                             "which are left out by default")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.bootstrap import build_app
    from bot.report_export import ExportRefused, export_month  # matplotlib and openpyxl: late
    from workflows.confidential import confidential_queues, confidential_teams

    catalog = Catalog(args.locale or settings.locale, settings.tz, settings.templates_dir)
    out: Path = args.out
    if out.suffix.lower() not in FORMATS:
        print(f"--out must end in {' or '.join(FORMATS)}", file=sys.stderr)
        return 2
    app = await build_app(settings)
    try:
        export = await export_month(app, args.month, args.team,
                                    confidential=args.include_confidential)
        secret = sorted(confidential_queues(app.loaded.org) | confidential_teams(app.loaded.org))
    except ExportRefused as refused:
        print(catalog.text(refused.key, **refused.params), file=sys.stderr)
        return 1
    finally:
        await app.aclose()
    if secret:  # said on stderr, so a file piped elsewhere is not mixed with it
        key = ("report_files.export.confidential_included" if args.include_confidential
               else "report_files.export.confidential_left_out")
        print(catalog.text(key, names=secret, option="--include-confidential"), file=sys.stderr)
    _write(out, export.csv if out.suffix.lower() == ".csv" else export.xlsx)
    print(catalog.text("report_files.export.written", count=len(export.rows), path=str(out)))
    return 0


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
