"""Assets in the organisation file (`assets:`) and from a CSV file (`ticketbot asset import`):
both checked entry by entry with the same rules (workflows.assets), saved only when all are
right, in one transaction, added or updated by name."""

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from commands.ports import UnitOfWorkFactory
from workflows.assets import Asset, asset_key, asset_problems, make_asset

COLUMNS = ("name", "type", "location", "owner", "serial")
REQUIRED = ("name", "type")
PROBLEM_TEXT = {
    "no_name": "the name is missing", "bad_name": "the name “{}” has spaces or is too long",
    "no_type": "the type is missing (ups, printer, …)", "too_long": "{} is longer than 200",
    "unknown_owner": "the owner “{}” is not a person of the organisation",
    "duplicate": "“{}” appears twice",
}  # the organisation file's checks; chat and the import speak through the catalogs


class AssetSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    type: str
    location: str = ""
    owner: str = ""
    serial: str = ""


def say_problem(code: str, value: str) -> str:
    """In the organisation file's words (its other problems are English too)."""
    return PROBLEM_TEXT[code].format(value)


Problem = tuple[int, str, str]  # (index or line, code, value): the catalogs say it


def check_assets(rows: Sequence[dict[str, str]], people: frozenset[str]
                 ) -> tuple[list[Asset], list[Problem]]:
    """The assets, or (index, code, value) for every problem of every entry."""
    assets: list[Asset] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        fields = {c: (row.get(c) or "") for c in ("location", "owner", "serial")}
        found = asset_problems(row.get("name") or "", row.get("type") or "", fields, people)
        key = asset_key(row.get("name") or "")
        if key and key in seen:
            found.append(("duplicate", (row.get("name") or "").strip()))
        seen.add(key)
        problems += [(index, code, value) for code, value in found]
        if not found:
            assets.append(make_asset(row.get("name") or "", row.get("type") or "", **fields))
    return assets, problems


def read_csv(path: Path, people: frozenset[str]) -> tuple[list[Asset], list[Problem]]:
    """(assets, [(line, code, value)]); lines as a spreadsheet numbers them (header = 1)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return [], [(0, "unreadable", "")]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().casefold() for h in reader.fieldnames or []]
    if any(c not in header for c in REQUIRED) or any(h not in COLUMNS for h in header):
        return [], [(1, "columns", ", ".join(header) or "—")]
    rows = [{h: (v or "").strip() for h, v in zip(header, raw.values(), strict=False)}
            for raw in reader]
    if not rows:
        return [], [(2, "empty", "")]
    assets, problems = check_assets(rows, people)
    return assets, [(index + 2, code, value) for index, code, value in problems]


async def save_assets(uow: UnitOfWorkFactory, assets: list[Asset], origin: str,
                      now: datetime) -> tuple[int, int]:
    async with uow() as work:
        counts = await work.assets.put_many(assets, origin, now)
        await work.commit()
    return counts
