"""Token buckets shared by every relay: a sweep takes one token from many buckets at once."""

from storage.engine import make_engine, session_factory
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
