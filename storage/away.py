"""Who is away until when. Read by automatic assignment, which skips them."""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AwayRow, PersonRow


class SqlAway:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def set(self, person_id: int, until: datetime, now: datetime) -> None:
        row = await self.session.get(AwayRow, person_id)
        if row is None:
            self.session.add(AwayRow(person_id=person_id, until=until, since=now))
        else:
            row.until, row.since = until, now
        await self.session.flush()

    async def clear(self, person_id: int) -> bool:
        result = await self.session.execute(delete(AwayRow).where(AwayRow.person_id == person_id))
        return bool(result.rowcount)

    async def until(self, handles: Collection[str], now: datetime) -> dict[str, datetime]:
        if not handles:
            return {}
        rows = await self.session.execute(
            select(PersonRow.handle, AwayRow.until)
            .join(AwayRow, AwayRow.person_id == PersonRow.id)
            .where(PersonRow.handle.in_(list(handles)), AwayRow.until > now))
        return {handle: until for handle, until in rows}
