from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from commands.ports import Duplicate
from storage.models import InboundEventRow
from workflows.kinds import Source


class SqlInbound:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def seen(self, platform: Source, key: str) -> bool:
        found = await self.session.scalar(select(InboundEventRow.key).where(
            InboundEventRow.platform == platform.value, InboundEventRow.key == key))
        return found is not None

    async def remember(self, platform: Source, key: str, now: datetime) -> None:
        # The primary key is the lock: a concurrent duplicate blocks here until we commit.
        try:
            async with self.session.begin_nested():
                self.session.add(InboundEventRow(platform=platform.value, key=key[:200],
                                                 created_at=now))
                await self.session.flush()
        except IntegrityError as error:
            raise Duplicate(key) from error
