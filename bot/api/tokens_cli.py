"""`ticketbot api token create|list|revoke`: tokens are printed once, at creation."""

import argparse
import re
import sys
from datetime import datetime, timedelta

from bot.api.auth import SCOPES
from bot.bootstrap import build_app
from bot.settings import Settings
from storage.api_tokens import ApiToken, SqlApiTokens
from storage.engine import session_factory

_SPAN = re.compile(r"^(\d{1,5})([hdw])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def add_arguments(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    api = sub.add_parser("api", help="REST API tokens")
    api_sub = api.add_subparsers(dest="api_action", required=True)
    token = api_sub.add_parser("token", help="create, list or revoke API tokens")
    token_sub = token.add_subparsers(dest="token_action", required=True)
    create = token_sub.add_parser("create", help="print a new token (shown only this once)")
    who = create.add_mutually_exclusive_group(required=True)
    who.add_argument("--as", dest="handle", help="the person the token acts as")
    who.add_argument("--service", help="an integration identity (its name shows in history)")
    create.add_argument("--scope", required=True,
                        help="comma-separated: " + ", ".join(SCOPES))
    create.add_argument("--expires", help="lifetime: 90d, 12h, 2w (default: never)")
    create.add_argument("--label", help="what the token is for")
    token_sub.add_parser("list", help="every token, without secrets")
    revoke = token_sub.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id", help="the token's id (tb_<id>_…, or as listed)")


def parse_span(text: str) -> timedelta:
    found = _SPAN.match(text.strip().lower())
    if found is None:
        raise ValueError(f"--expires {text!r}: write a number and h, d or w, e.g. 90d")
    return int(found.group(1)) * _UNITS[found.group(2)]


def parse_scopes(text: str) -> frozenset[str]:
    scopes = frozenset(s.strip() for s in text.split(",") if s.strip())
    unknown = sorted(scopes - set(SCOPES))
    if not scopes or unknown:
        raise ValueError(f"--scope: unknown {', '.join(unknown) or '(none given)'}; "
                         f"known: {', '.join(SCOPES)}")
    return scopes


def describe(token: ApiToken, now: datetime) -> str:
    state = ("revoked" if token.revoked_at is not None
             else "expired" if not token.usable(now) else "active")
    who = f"service {token.handle}" if token.service else f"as {token.handle}"
    used = token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "never"
    expires = token.expires_at.isoformat(timespec="seconds") if token.expires_at else "never"
    return (f"{token.public_id}  {state:<7}  {who}  scopes={','.join(sorted(token.scopes))}  "
            f"expires={expires}  last_used={used}" + (f"  ({token.label})" if token.label else ""))


async def run(settings: Settings, args: argparse.Namespace) -> int:
    app = await build_app(settings)
    try:
        tokens = SqlApiTokens(session_factory(app.engine))
        now = app.clock.now()
        if args.token_action == "list":
            found = await tokens.all()
            for token in found:
                print(describe(token, now))
            if not found:
                print("no API tokens")
            return 0
        if args.token_action == "revoke":
            public_id = args.id.removeprefix("tb_").split("_")[0]
            if await tokens.revoke(public_id, now):
                print(f"token {public_id} revoked")
                return 0
            print(f"no active token {public_id}")
            return 1
        try:
            scopes = parse_scopes(args.scope)
            expires = now + parse_span(args.expires) if args.expires else None
        except ValueError as error:
            print(f"api token create: {error}")
            return 2
        service = args.service is not None
        handle = (args.service if service else args.handle).strip().lstrip("@").lower()
        problem = await _check_identity(app, tokens, handle, service, now)
        if problem:
            print(f"api token create: {problem}")
            return 2
        token, text = await tokens.create(handle, scopes, now, service=service,
                                          expires_at=expires, label=args.label)
        print(text)  # alone on standard output: TOKEN=$(ticketbot api token create …)
        print(describe(token, now), file=sys.stderr)
        print("this is the only time the token is shown: store it now", file=sys.stderr)
        return 0
    finally:
        await app.aclose()


async def _check_identity(app, tokens: SqlApiTokens, handle: str,  # type: ignore[no-untyped-def]
                          service: bool, now: datetime) -> str | None:
    """A person token needs a known person; a service token gets a person row of its own (so
    history names it), and never borrows a real person's handle."""
    owned = any(t.service and t.handle == handle for t in await tokens.all())
    async with app.uow() as uow:
        person = await uow.people.by_handle(handle)
        if not service:
            return None if person is not None else f"there is no person {handle!r}"
        if person is not None:
            return None if owned else f"{handle!r} is a person's handle; pick another name"
        await uow.people.add(handle, f"{handle} (integration)", now)
        await uow.commit()
    return None
