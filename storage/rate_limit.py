"""Token buckets per destination, kept in the database so every replica spends one budget."""

from collections.abc import Collection, Iterator

from sqlalchemy import Float, bindparam, case, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from storage.dialects import ByDialect, insert_for
from storage.engine import autocommit
from storage.models import RateBucketRow

_T = RateBucketRow.__table__
_NOW, _RATE, _BURST = (bindparam(name, type_=Float) for name in ("_now", "_rate", "_burst"))
# Time is the caller's (the relay's injected clock), never read here. Replicas' clocks may
# disagree by a little: a clock behind the bucket's last update refills nothing (rather than
# a negative amount that starves it) and never moves `updated` back (which would let the
# replica ahead count the same seconds again), so skew cannot raise the shared rate.
_ELAPSED = case((_T.c.updated < _NOW, _NOW - _T.c.updated), else_=0.0)
_LATEST = case((_T.c.updated < _NOW, _NOW), else_=_T.c.updated)
_REFILLED = _T.c.tokens + _ELAPSED * _RATE
_CAPPED = case((_REFILLED > _BURST, _BURST), else_=_REFILLED)
_LEFT = select(_T.c.key, _CAPPED).where(_T.c.key.in_(bindparam("_keys", expanding=True)))


def _spend(insert, keys: list[str]):  # type: ignore[no-untyped-def]
    # One statement whether or not the buckets exist yet: a new bucket starts full and pays
    # for this message; an existing one is refilled for the time passed and pays if it can.
    # Only the buckets that paid come back.
    stmt = insert(_T).values([{"key": key, "tokens": _BURST - 1, "updated": _NOW}
                              for key in keys])
    return stmt.on_conflict_do_update(
        index_elements=["key"], set_={"tokens": _CAPPED - 1, "updated": _LATEST},
        where=_CAPPED >= 1).returning(_T.c.key)


# One bucket (the REST API's per-token limit, on every request): compiled once per database,
# as building the dialect's ON CONFLICT construct per call costs more than running it.
_SPEND_ONE = ByDialect(lambda insert: insert(_T).on_conflict_do_update(
    index_elements=["key"], set_={"tokens": _CAPPED - 1, "updated": _LATEST},
    where=_CAPPED >= 1).returning(_T.c.key), ("key", "tokens", "updated"))


def _chunks(keys: list[str]) -> Iterator[list[str]]:
    """Runs of 128, 64, …, 1 keys. Each row count is another statement to the driver, which
    keeps the ones it has prepared on every connection: a few shapes, not one per count (a
    sweep's destinations number anything from 1 to 200, and memory grew with them)."""
    start, size = 0, 128
    while start < len(keys):
        while size > len(keys) - start:
            size //= 2
        yield keys[start:start + size]
        start += size


class SqlRateLimiter:
    def __init__(self, sessions: async_sessionmaker) -> None:  # type: ignore[type-arg]
        self.sessions = sessions

    async def take(self, key: str, now: float, rate: float, burst: float) -> float:
        """Spend one token. Returns 0 when granted, else the seconds until one is available."""
        params = {"key": key, "tokens": burst - 1, "updated": now,
                  "_now": now, "_rate": rate, "_burst": burst}
        async with autocommit(self.sessions) as connection:
            if await _SPEND_ONE.scalar(connection, params) is not None:
                return 0.0
            left = (await connection.execute(_LEFT, {**params, "_keys": [key]})).first()
        return max(0.001, (1 - float(left[1] if left is not None else 0)) / rate)

    async def take_each(self, keys: Collection[str], now: float, rate: float, burst: float
                        ) -> dict[str, float]:
        """One token from each of these buckets at once (a relay's sweep starts every
        destination together): 0 for each granted, else the seconds until one is available."""
        keys = sorted(set(keys))  # one row per bucket; a fixed order against deadlocks
        params = {"_now": now, "_rate": rate, "_burst": burst}
        granted: set[str] = set()
        async with autocommit(self.sessions) as connection:
            for chunk in _chunks(keys):
                statement = _spend(insert_for(connection), chunk)
                granted.update((await connection.scalars(statement, params)).all())
            refused = [key for key in keys if key not in granted]
            left = dict((await connection.execute(
                _LEFT, {**params, "_keys": refused})).tuples().all()) if refused else {}
        waits = {key: 0.0 for key in granted}
        for key in refused:
            waits[key] = max(0.001, (1 - float(left.get(key) or 0)) / rate)
        return waits
