"""Claims on weekly digests: each (team, period) is posted by one replica, once.

The first replica to insert the row owns it (`INSERT … ON CONFLICT DO NOTHING`, exact on both
databases); the others see it taken. A claim carries a lease: if its replica dies before
marking the digest sent, another takes it over once the lease has run out, with a new fencing
token, so a late write by the first one changes nothing. A failed post is retried on a later
tick, `max_attempts` times in all. Time is always the caller's `now`.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.dialects import ByDialect
from storage.engine import autocommit
from storage.models import ReportDigestRow

_T = ReportDigestRow.__table__
_KEY = (_T.c.team == bindparam("_team"), _T.c.period == bindparam("_period"))
_COLUMNS = ("team", "period", "status", "token", "attempts", "lease_until", "claimed_at")


def _insert(insert):  # type: ignore[no-untyped-def]
    return insert(_T).on_conflict_do_nothing(index_elements=["team", "period"])


_CLAIM_NEW = ByDialect(_insert, _COLUMNS)
_TAKE_OVER = (update(_T).where(
    *_KEY, _T.c.lease_until < bindparam("_now"),
    or_(_T.c.status == "sending",
        and_(_T.c.status == "failed", _T.c.attempts < bindparam("_max"))))
    .values(status="sending", token=_T.c.token + 1, attempts=_T.c.attempts + 1,
            lease_until=bindparam("_until"), claimed_at=bindparam("_now"))
    .returning(_T.c.token, _T.c.refs))
_HELD = (*_KEY, _T.c.token == bindparam("_token"), _T.c.status == "sending")
_SENT = update(_T).where(*_HELD).values(status="sent", sent_at=bindparam("_now"),
                                        lease_until=None, refs=bindparam("_refs"),
                                        last_error=None)
_FAILED = update(_T).where(*_HELD).values(status="failed", lease_until=bindparam("_retry_at"),
                                          last_error=bindparam("_error"), refs=bindparam("_refs"))


@dataclass(frozen=True, slots=True)
class DigestClaim:
    team: str
    period: str
    token: int
    refs: tuple[tuple[str, str], ...] = ()  # platform -> reference, posted by earlier attempts


class SqlDigestClaims:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def claim(self, team: str, period: str, now: datetime, lease: timedelta,
                    max_attempts: int = 5) -> DigestClaim | None:
        """This replica's claim on the digest, or None when it is sent or held by another."""
        async with autocommit(self.sessions) as connection:
            inserted = await _CLAIM_NEW.execute(connection, {
                "team": team, "period": period, "status": "sending", "token": 1,
                "attempts": 1, "lease_until": now + lease, "claimed_at": now})
            if inserted.rowcount == 1:
                return DigestClaim(team, period, 1)
            row = (await connection.execute(_TAKE_OVER, {
                "_team": team, "_period": period, "_now": now, "_until": now + lease,
                "_max": max_attempts})).first()
        if row is None:
            return None
        refs = json.loads(row.refs) if row.refs else {}
        return DigestClaim(team, period, int(row.token), tuple(sorted(refs.items())))

    async def sent(self, claim: DigestClaim, now: datetime, refs: str) -> bool:
        return await self._write(_SENT, claim, _now=now, _refs=refs)

    async def failed(self, claim: DigestClaim, retry_at: datetime, error: str,
                     refs: str | None = None) -> bool:
        """Try again after `retry_at`; `refs`: the platforms posted to so far."""
        return await self._write(_FAILED, claim, _retry_at=retry_at, _error=error[:2000],
                                 _refs=refs)

    async def _write(self, statement, claim: DigestClaim, **values: object) -> bool:  # type: ignore[no-untyped-def]
        async with autocommit(self.sessions) as connection:
            result = await connection.execute(statement, {
                "_team": claim.team, "_period": claim.period, "_token": claim.token, **values})
        return bool(result.rowcount)

    async def get(self, team: str, period: str) -> ReportDigestRow | None:
        async with self.sessions() as session:
            return await session.scalar(select(ReportDigestRow).where(
                ReportDigestRow.team == team, ReportDigestRow.period == period))
