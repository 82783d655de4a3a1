"""A period's tickets as CSV and XLSX bytes, from rows of plain values.

Columns are field names (`key`, `first_response_business_hours`, …), not translated words: a
file is read by spreadsheets and scripts as much as by people, and docs/reports.md defines each
field. The CSV is UTF-8 with a byte-order mark, so Excel opens Chinese text correctly; the XLSX
keeps numbers as numbers and times as times (in the reader's zone, without an offset, since
Excel has no zoned times; the zone is named in the sheet's title row).
"""

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

Value = str | int | float | bool | datetime | None
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Value, tz: ZoneInfo) -> str | int | float | datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(tz).replace(tzinfo=None, microsecond=0)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def to_csv(columns: Sequence[str], rows: Sequence[Mapping[str, Value]], tz: ZoneInfo) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        cells = [_cell(row.get(column), tz) for column in columns]
        writer.writerow(["" if c is None else c.isoformat(sep=" ") if isinstance(c, datetime)
                         else _plain(c) for c in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _plain(value: str | int | float) -> str | int | float:
    # A text cell starting with = + - @ would be run as a formula by a spreadsheet: quote it.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_xlsx(columns: Sequence[str], rows: Sequence[Mapping[str, Value]], tz: ZoneInfo,
            sheet: str = "tickets") -> bytes:
    from openpyxl import Workbook  # loaded by the first export, not at every start-up
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet[:31]
    ws.append(list(columns))
    for row in rows:
        cells = [_cell(row.get(column), tz) for column in columns]
        ws.append([_plain(c) if isinstance(c, str) else c for c in cells])
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(column) + 2))
        for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
    ws.freeze_panes = "A2"
    ws.sheet_properties.tabColor = "4C72B0"
    book.properties.title = f"{sheet} ({tz.key})"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
