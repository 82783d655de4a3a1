"""Token buckets shared by every relay: a sweep takes one token from many buckets at once."""

from sqlalchemy import select

from storage.engine import make_engine, session_factory
from storage.models import RateBucketRow
from storage.rate_limit import SqlRateLimiter


async def test_one_token_from_each_of_many_buckets_then_the_wait(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        limiter = SqlRateLimiter(session_factory(engine))
        keys = [f"slack:C{n:04d}" for n in range(200)]  # more than one statement's worth

        first = await limiter.take_each(keys, now=1000.0, rate=0.5, burst=1)
        assert first == {key: 0.0 for key in keys}  # new buckets start full

        again = await limiter.take_each(keys[:3], now=1000.5, rate=0.5, burst=1)
        assert again == {key: 1.5 for key in keys[:3]}  # a quarter refilled: 1.5 s to go

        later = await limiter.take_each([*keys[:2], "slack:CNEW"], now=1002.0, rate=0.5, burst=1)
        assert later == {keys[0]: 0.0, keys[1]: 0.0, "slack:CNEW": 0.0}
        assert await limiter.take(keys[0], now=1002.0, rate=0.5, burst=1) == 2.0
    finally:
        await engine.dispose()


async def test_a_replica_whose_clock_runs_behind_neither_starves_nor_rewinds_a_bucket(
        database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        ahead, behind = (SqlRateLimiter(session_factory(engine)) for _ in range(2))
        assert await ahead.take("slack:C1", now=1000.0, rate=1.0, burst=3) == 0.0  # 2 left
        # A replica 30 s behind: the 2 tokens are there for it too, not "minus 28".
        assert await behind.take("slack:C1", now=970.0, rate=1.0, burst=3) == 0.0  # 1 left
        async with engine.connect() as conn:
            assert await conn.scalar(select(RateBucketRow.updated)) == 1000.0  # not rewound
        # The replica ahead is not handed the 30 s again: half a second refilled, 1.5 left.
        assert await ahead.take("slack:C1", now=1000.5, rate=1.0, burst=3) == 0.0
        assert await ahead.take("slack:C1", now=1000.5, rate=1.0, burst=3) == 0.5
    finally:
        await engine.dispose()
