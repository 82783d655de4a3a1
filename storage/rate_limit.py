"""Token buckets per destination, kept in the database so every replica spends one budget."""

from sqlalchemy import case, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import RateBucketRow


class SqlRateLimiter:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def take(self, key: str, now: float, rate: float, burst: float) -> float:
        """Spend one token. Returns 0 when granted, else the seconds until one is available."""
        refilled = RateBucketRow.tokens + (now - RateBucketRow.updated) * rate
        capped = case((refilled > burst, burst), else_=refilled)
        async with self.sessions() as session, session.begin():
            maker = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
            await session.execute(maker(RateBucketRow).values(
                key=key, tokens=burst, updated=now).on_conflict_do_nothing())
            granted = await session.scalar(
                update(RateBucketRow).where(RateBucketRow.key == key, capped >= 1)
                .values(tokens=capped - 1, updated=now).returning(RateBucketRow.tokens))
            if granted is not None:
                return 0.0
            tokens = await session.scalar(select(capped).where(RateBucketRow.key == key))
        return max(0.001, (1 - float(tokens or 0)) / rate)
