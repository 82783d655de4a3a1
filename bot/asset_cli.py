"""`ticketbot asset import FILE.csv`: add or update the asset registry from a spreadsheet.

Columns (a header row, any order): name, type, then optionally location, owner (a person's
handle), serial. Every row is checked first; one wrong row and nothing is saved, and every
problem is listed with its line.
"""

import argparse
import sys
from pathlib import Path

from bot.settings import Settings
from notifications.text import Catalog


def add_arguments(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    asset = sub.add_parser("asset", help="the equipment registry tickets can name")
    actions = asset.add_subparsers(dest="asset_action", required=True)
    imported = actions.add_parser("import", help="add or update assets from a CSV file "
                                                 "(name, type, location, owner, serial)")
    imported.add_argument("file", type=Path)
    imported.add_argument("--locale", choices=["en", "zh-CN"], help="message language")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.bootstrap import build_app
    from bot.orgfile_assets import read_csv, save_assets

    catalog = Catalog(args.locale or settings.locale, settings.tz, settings.templates_dir)
    app = await build_app(settings)
    try:
        async with app.uow() as uow:
            people = frozenset(await uow.people.handles())
        assets, problems = read_csv(args.file, people)
        if problems:
            print(catalog.text("error.asset_import", file=args.file.name, problems=[
                {"line": line, "code": code, "value": value} for line, code, value in problems]),
                file=sys.stderr)
            return 1
        added, updated = await save_assets(app.uow, assets, "csv", app.clock.now())
    finally:
        await app.aclose()
    print(catalog.text("asset.imported", file=args.file.name, count=len(assets), added=added,
                       updated=updated))
    return 0
