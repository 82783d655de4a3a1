"""`ticketbot`: the console (the default), `serve` (every messenger and every scheduled job in one
process), and the database, outbox, SLA and configuration tools."""

import argparse
import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.asset_cli import add_arguments as add_asset_arguments
from bot.bootstrap import App, SchemaOutOfDate, build_app, create_embedded_database
from bot.clock import SystemClock
from bot.console.session import ConsoleSession, console_senders, stdout_writer
from bot.event_loop import serve_loop
from bot.holiday_check import warning_line
from bot.logs import configure_logging
from bot.orgfile import LoadedOrg, OrgFileError, line_of, load_org
from bot.report_cli import add_arguments as add_report_arguments
from bot.settings import Settings
from bot.settings_check import IncompleteSettings, require_complete
from bot.simulate import add_arguments as add_simulate_arguments
from bot.sla_failed import add_arguments as add_sla_failed_arguments
from notifications.text import CatalogError
from storage.connection_problems import describe as describe_database_problem
from workflows.holiday_coverage import holiday_gaps

if TYPE_CHECKING:
    from workflows.workflow_drift import StatusCount
from workflows.kinds import Source

# Earlier process shapes, kept so existing deployments keep starting: all of them are `serve`.
SERVE_ALIASES = ("run", "dingtalk", "relay")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ticketbot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    console = sub.add_parser("console", help="chat with the bot in this terminal (the default)")
    console.add_argument("--as", dest="user", default="alice", help="start as this person")
    console.add_argument("--locale", choices=["en", "zh-CN"], help="reply language")
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade", "current"])
    config = sub.add_parser("config", help="organisation file")
    config.add_argument("action", choices=["check"])
    config.add_argument("file", nargs="?", type=Path, help="default: TICKETBOT_ORG_FILE")
    sub.add_parser("autoclose", help="close tickets resolved longer ago than the policy allows")
    outbox = sub.add_parser("outbox", help="messages waiting, failed or sent")
    outbox.add_argument("action", choices=["list", "retry", "stats"])
    outbox.add_argument("ids", nargs="*", type=int, help="retry: these ids (default: all failed)")
    outbox.add_argument("--failed", action="store_true", help="list: only dead letters")
    sub.add_parser("serve", help="the bot: every configured messenger (Slack HTTP or Socket Mode, "
                                 "DingTalk Stream Mode), the outbox relay and the scheduled jobs "
                                 "(SLA sweep, auto-close, retention), until stopped")
    for alias in SERVE_ALIASES:
        sub.add_parser(alias, help="the same as serve")
    sla = sub.add_parser("sla", help="SLA: one sweep now, or simulate a ticket's timeline")
    sla_sub = sla.add_subparsers(dest="sla_action", required=True)
    sla_sub.add_parser("sweep", help="do every SLA step that is due now, once")
    add_sla_failed_arguments(sla_sub)
    add_simulate_arguments(sla_sub.add_parser(
        "simulate", help="due times and escalation steps of a ticket nobody touches"))
    add_report_arguments(sub)
    add_asset_arguments(sub)
    from bot.api.tokens_cli import add_arguments as add_api_arguments

    add_api_arguments(sub)
    return parser


async def _stdin_lines(interactive: bool, prompt: Callable[[], str]) -> AsyncIterator[str]:
    # Reading stdin blocks, so it happens in a thread: the event loop stays free.
    while True:
        try:
            if interactive:
                line = await asyncio.to_thread(input, prompt())
            else:
                line = await asyncio.to_thread(sys.stdin.readline)
                if not line:
                    return
        except EOFError:
            return
        yield line


async def _console(settings: Settings, user: str, locale: str | None) -> int:
    created = await asyncio.to_thread(create_embedded_database, settings.database_url)
    app = await build_app(settings)
    try:
        async with contextlib.AsyncExitStack() as stack:
            session = ConsoleSession(app, user, app.catalog(locale), stdout_writer,
                                     await console_senders(app, stack))
            await _console_session(app, session, created)
    finally:
        await app.aclose()
    return 0


async def _console_session(app: App, session: ConsoleSession, created: bool) -> None:
    session.write(f"ticketbot console · organisation {app.loaded.path.name} · "
                  f"{app.engine.url.render_as_string(hide_password=True)}"
                  + (" (new database created)" if created else ""))
    interactive = sys.stdin.isatty()
    lines = _stdin_lines(interactive, lambda: f"{session.user}> ")
    await session.run(lines, echo=not interactive)


async def _db_current(settings: Settings) -> int:
    from storage.engine import make_engine
    from storage.migrate import schema_state

    engine = make_engine(settings.database_url)
    try:
        state = await schema_state(engine)
    finally:
        await engine.dispose()
    print(f"schema at {state.current or 'nothing'}; this version needs {state.head}"
          + ("" if state.is_current else " — run: ticketbot db upgrade"))
    return 0 if state.is_current else 1


async def _autoclose(settings: Settings) -> int:
    from commands.actions.autoclose import close_stale_resolved

    app = await build_app(settings)
    try:
        closed = await close_stale_resolved(app.uow, app.loaded.org, app.clock)
    finally:
        await app.aclose()
    print(f"closed {len(closed)} ticket(s){': ' + ', '.join(closed) if closed else ''}")
    return 0


async def _outbox(settings: Settings, args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from storage.engine import make_engine, session_factory
    from storage.outbox import SqlOutboxStore

    engine = make_engine(settings.database_url)
    store = SqlOutboxStore(session_factory(engine))
    now = SystemClock().now()
    try:
        if args.action == "retry":
            revived = await store.revive(now, args.ids or None)
            print(f"{revived} message(s) queued for delivery again")
        elif args.action == "stats":
            stats = await store.stats(now)
            lag = (now - stats.oldest_due).total_seconds() if stats.oldest_due else 0
            print(f"pending {stats.pending} · sending {stats.sending} · sent {stats.sent} · "
                  f"failed {stats.dead} · lag {lag:.1f}s")
        else:
            rows = await (store.dead() if args.failed else store.recent())
            for row in rows:
                # A webhook's event id is what its receiver de-duplicates on: shown to match.
                event = (f" event={row.params.get('id')}" if row.platform == "webhook"
                         and isinstance(row.params, dict) else "")
                print(f"#{row.id} {row.status} {row.platform}:{row.address} {row.ticket_key or ''} "
                      f"{row.event}{event} attempts={row.attempts}"
                      + (f" error={row.last_error}" if row.last_error else ""))
            if not rows:
                print("no failed messages" if args.failed else "the outbox is empty")
    finally:
        await engine.dispose()
    return 0


async def _sla_sweep(settings: Settings) -> int:
    from bot.scheduler import sla_tick

    app = await build_app(settings, platforms=settings.platforms)
    try:
        report = await sla_tick(app)
    finally:
        await app.aclose()
    print(f"{len(report.done)} SLA step(s) done" + "".join(f"\n  {d}" for d in report.done))
    return 0


def _sla_simulate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from bot.simulate import run

    org = load_org(settings.org_file).org
    args.locale = args.locale or settings.locale  # TICKETBOT_LOCALE, unless --locale says
    try:
        lines = run(org, args, SystemClock().now())
    except ValueError as error:
        print(f"sla simulate: {error}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


def config_check(path: Path | None, now: datetime, database_url: str | None = None) -> int:
    loaded = load_org(path)
    org = loaded.org
    print(f"{loaded.path}: OK — {len(loaded.directory)} people, {len(org.teams)} teams, "
          f"{len(org.queues)} queues")
    for gap in holiday_gaps(org.sla, now):  # a warning, not an error: the exit code stays 0
        print(f"warning: {warning_line(gap)}")
    if database_url and _database_exists(database_url):
        counts = asyncio.run(open_counts(database_url))
        lines = stale_lines(loaded, counts) if isinstance(counts, list) else [counts]
        for line in lines:
            print(line)
    return 0


def _database_exists(database_url: str) -> bool:
    """Checking a file must not create a database: an SQLite file that is not there is none."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    return url.get_backend_name() != "sqlite" or bool(url.database and Path(url.database).exists())


async def open_counts(database_url: str) -> "list[StatusCount] | str":
    """Open tickets per type and status, or a note saying why they could not be read."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.engine import make_engine
    from storage.workflow_counts import open_status_counts

    engine = make_engine(database_url)
    try:
        return await open_status_counts(engine)
    except (SQLAlchemyError, OSError) as error:
        return (f"note: the tickets were not compared with the workflows (database: "
                f"{type(error).__name__}; run `ticketbot db upgrade` if the schema is old)")
    finally:
        await engine.dispose()


def stale_lines(loaded: LoadedOrg, counts: "list[StatusCount]") -> list[str]:
    """Open tickets in statuses the file's workflows no longer have: warnings with the mapping
    they now act under (the exit code stays 0: they keep working)."""
    from workflows.workflow_drift import stale_statuses

    lines = []
    for stale in stale_statuses(counts, loaded.org):
        index = _entry_index(loaded.path, stale.workflow)
        where = (line_of(loaded.path, ("workflows", index)) if index is not None
                 else f"{loaded.path}: (built-in workflow {stale.workflow})")
        lines.append(f"warning: {where}: {stale.sentence()}")
    return lines


def _entry_index(path: Path, name: str) -> int | None:
    """The workflow's place in the file's `workflows:` list (None: a built-in one)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for i, entry in enumerate(data.get("workflows") or []):
        if isinstance(entry, dict) and entry.get("name") == name:
            return i
    return None


def _run(args: argparse.Namespace, settings: Settings) -> int:
    # With messenger credentials the bot serves them; without, the console is the product.
    default = "console" if settings.platforms == {Source.CONSOLE} else "serve"
    command = args.command or default
    if command == "serve" or command in SERVE_ALIASES:
        from bot.serve import serve

        require_complete(settings)
        with asyncio.Runner(loop_factory=serve_loop(settings.event_loop)) as runner:
            return runner.run(serve(settings))
    if command == "sla":
        if args.sla_action == "sweep":
            return asyncio.run(_sla_sweep(settings))
        if args.sla_action in ("failed", "retry"):
            from bot.sla_failed import run as run_sla_failed

            return asyncio.run(run_sla_failed(settings, args))
        return _sla_simulate(settings, args)
    if command == "outbox":
        return asyncio.run(_outbox(settings, args))
    if command == "report":
        from bot.report_cli import run as run_report

        return asyncio.run(run_report(settings, args))
    if command == "asset":
        from bot.asset_cli import run as run_asset

        return asyncio.run(run_asset(settings, args))
    if command == "api":
        from bot.api.tokens_cli import run as run_api_tokens

        return asyncio.run(run_api_tokens(settings, args))
    if command == "console":
        return asyncio.run(_console(settings, getattr(args, "user", "alice"),
                                    getattr(args, "locale", None)))
    if command == "db" and args.action == "upgrade":
        from storage.migrate import upgrade

        applied = upgrade(settings.database_url)
        if applied:
            print(f"applied {len(applied)} migration(s):" + "".join(f"\n  {a}" for a in applied))
        print("the database schema is up to date")
        return 0
    if command == "db":
        return asyncio.run(_db_current(settings))
    if command == "config":
        return config_check(args.file or settings.org_file, SystemClock().now(),
                            settings.database_url)
    return asyncio.run(_autoclose(settings))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings: Settings | None = None
    try:
        settings = Settings()
        configure_logging(settings.log_level, settings.log_format, settings.secret_values())
        return _run(args, settings)
    except IncompleteSettings as error:
        print(error, file=sys.stderr)
    except ValidationError as error:
        for e in error.errors():
            print(f"settings: {'.'.join(map(str, e['loc']))}: {e['msg']}", file=sys.stderr)
    except OrgFileError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
    except (SchemaOutOfDate, CatalogError) as error:
        print(error, file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        problem = describe_database_problem(error, settings.database_url) if settings else None
        if problem is None:
            raise
        print(problem, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
