"""Token buckets per destination, kept in the database so every replica spends one budget."""

from sqlalchemy import Float, bindparam, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.dialects import ByDialect
from storage.models import RateBucketRow

# Built once (their cache keys are memoised): the relay spends a token for every message.
_T = RateBucketRow.__table__
_NOW, _RATE, _BURST = (bindparam(name, type_=Float) for name in ("_now", "_rate", "_burst"))
_REFILLED = _T.c.tokens + (_NOW - _T.c.updated) * _RATE
_CAPPED = case((_REFILLED > _BURST, _BURST), else_=_REFILLED)
_SPEND = (update(_T).where(_T.c.key == bindparam("_key"), _CAPPED >= 1)
          .values(tokens=_CAPPED - 1, updated=_NOW).returning(_T.c.tokens))
_LEFT = select(_CAPPED).where(_T.c.key == bindparam("_key"))
_CREATE = ByDialect(lambda insert: insert(_T).on_conflict_do_nothing())


class SqlRateLimiter:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def take(self, key: str, now: float, rate: float, burst: float) -> float:
        """Spend one token. Returns 0 when granted, else the seconds until one is available."""
        params = {"_key": key, "_now": now, "_rate": rate, "_burst": burst}
        async with self.sessions() as session, session.begin():
            granted = await session.scalar(_SPEND, params)
            if granted is not None:
                return 0.0  # the usual case: one statement
            await session.execute(_CREATE(session),
                                  {"key": key, "tokens": burst, "updated": now})
            granted = await session.scalar(_SPEND, params)
            if granted is not None:
                return 0.0
            tokens = await session.scalar(_LEFT, params)
        return max(0.001, (1 - float(tokens or 0)) / rate)
