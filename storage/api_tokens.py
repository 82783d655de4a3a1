"""REST API tokens: issued once, kept only as a SHA-256 of the secret, found by a public id.

A token reads `tb_<public id>_<secret>`. The secret is 256 random bits, so a fast hash is
enough (nothing to brute-force); comparison is constant-time.
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.engine import autocommit
from storage.models import ApiTokenRow

PREFIX = "tb_"
# last_used_at is written at most this often per token: a write on every request would cost
# the API a round trip each, and "last used" needs no finer grain.
TOUCH_EVERY = timedelta(minutes=1)

# A verified token is trusted this long without reading its row again (the row read was one of
# the API's two round trips per request before its work). A revocation made in this process
# applies at once; one made elsewhere (another replica, the CLI) within this many seconds.
VERIFIED_TTL = 5.0
# public id -> (monotonic time read, the token, its secret's hash)
_verified: dict[str, tuple[float, "ApiToken", str]] = {}
_VERIFIED_KEPT = 10_000

_T = ApiTokenRow.__table__
_BY_PUBLIC_ID = select(_T).where(_T.c.public_id == bindparam("_public_id"))
_TOUCH = (update(_T).where(_T.c.id == bindparam("_id"),
                           (_T.c.last_used_at.is_(None)) | (_T.c.last_used_at < bindparam("_before")))
          .values(last_used_at=bindparam("_now")))


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: int
    public_id: str
    handle: str  # whom it acts as
    service: bool  # an integration identity rather than a person
    scopes: frozenset[str]
    label: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split(token: str) -> tuple[str, str] | None:
    """(public id, secret) of a well-formed token, else None."""
    if not token.startswith(PREFIX):
        return None
    public_id, sep, secret = token[len(PREFIX):].partition("_")
    if not sep or not public_id or not secret or len(public_id) > 24:
        return None
    return public_id, secret


def _token(row: Any) -> ApiToken:
    return ApiToken(row.id, row.public_id, row.handle, row.service,
                    frozenset(s for s in row.scopes.split(",") if s), row.label, row.created_at,
                    row.expires_at, row.revoked_at, row.last_used_at)


class SqlApiTokens:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def create(self, handle: str, scopes: frozenset[str], now: datetime, *,
                     service: bool = False, expires_at: datetime | None = None,
                     label: str | None = None) -> tuple[ApiToken, str]:
        """The new token and its full text, which exists nowhere else afterwards."""
        public_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        row = ApiTokenRow(public_id=public_id, secret_hash=digest(secret), handle=handle,
                          service=service, scopes=",".join(sorted(scopes)), label=label,
                          created_at=now, expires_at=expires_at)
        async with self.sessions() as session:
            session.add(row)
            await session.commit()
            return _token(row), f"{PREFIX}{public_id}_{secret}"

    async def verify(self, token: str) -> ApiToken | None:
        """The token this text is, if its secret matches; expiry and revocation are the
        caller's to judge (each gets its own reason)."""
        parts = split(token)
        if parts is None:
            return None
        cached = _verified.get(parts[0])
        if cached is not None and time.monotonic() - cached[0] < VERIFIED_TTL:
            _, found, secret_hash = cached
        else:
            async with autocommit(self.sessions) as connection:  # one round trip, no transaction
                row = (await connection.execute(_BY_PUBLIC_ID, {"_public_id": parts[0]})).first()
            if row is None:
                return None
            found, secret_hash = _token(row), row.secret_hash
            if len(_verified) >= _VERIFIED_KEPT:
                _verified.clear()
            _verified[parts[0]] = (time.monotonic(), found, secret_hash)
        if not hmac.compare_digest(secret_hash, digest(parts[1])):
            return None
        return found

    async def touch(self, token: ApiToken, now: datetime) -> None:
        if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
            return
        async with autocommit(self.sessions) as connection:
            await connection.execute(_TOUCH, {"_id": token.id, "_before": now - TOUCH_EVERY,
                                              "_now": now})
        cached = _verified.get(token.public_id)
        if cached is not None:  # so the cached token is not touched again on every request
            _verified[token.public_id] = (cached[0], replace(token, last_used_at=now), cached[2])

    async def all(self) -> list[ApiToken]:
        async with self.sessions() as session:
            rows = await session.execute(select(_T).order_by(_T.c.id))
            return [_token(row) for row in rows]

    async def revoke(self, public_id: str, now: datetime) -> bool:
        """False when there is no such token or it was revoked already."""
        _verified.pop(public_id, None)
        async with self.sessions() as session:
            result = await session.execute(
                update(_T).where(_T.c.public_id == public_id, _T.c.revoked_at.is_(None))
                .values(revoked_at=now))
            await session.commit()
            return bool(result.rowcount)
