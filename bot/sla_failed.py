"""`ticketbot sla failed` and `sla retry [KEY…]`: SLA steps the sweep gave up on, for operators."""

import argparse

from bot.bootstrap import build_app
from bot.settings import Settings


def add_arguments(sla_sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    sla_sub.add_parser("failed", help="SLA steps given up after repeated failures")
    retry = sla_sub.add_parser("retry", help="queue failed SLA steps for the next sweep again")
    retry.add_argument("keys", nargs="*", metavar="KEY", help="these tickets (default: all)")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    app = await build_app(settings)
    try:
        async with app.uow() as work:
            if args.sla_action == "retry":
                keys = await work.sla.retry(args.keys or None)
                await work.commit()
                print(f"{len(keys)} SLA step(s) queued for the next sweep again"
                      + (f": {', '.join(keys)}" if keys else ""))
                return 0
            failures = await work.sla.dead_letters()
    finally:
        await app.aclose()
    if not failures:
        print("no failed SLA steps")
    for f in failures:
        print(f"{f.key}  {f.attempts} attempts  given up {f.dead_at:%Y-%m-%d %H:%M} UTC  "
              f"{f.error}")
    return 0
