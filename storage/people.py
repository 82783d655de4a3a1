from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PersonRow
from workflows.kinds import Source
from workflows.people import Person


def to_person(row: PersonRow) -> Person:
    return Person(row.id, row.handle, row.name, row.slack_id, row.dingtalk_id)


_PLATFORM_COLUMN = {Source.SLACK: PersonRow.slack_id, Source.DINGTALK: PersonRow.dingtalk_id}


class SqlPeople:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: int) -> Person | None:
        row = await self.session.get(PersonRow, person_id)
        return to_person(row) if row else None

    async def many(self, ids: set[int]) -> dict[int, Person]:
        if not ids:
            return {}
        rows = await self.session.scalars(select(PersonRow).where(PersonRow.id.in_(ids)))
        return {row.id: to_person(row) for row in rows}

    async def by_handle(self, handle: str) -> Person | None:
        row = await self.session.scalar(select(PersonRow).where(PersonRow.handle == handle))
        return to_person(row) if row else None

    async def by_name(self, name: str) -> list[Person]:
        rows = await self.session.scalars(
            select(PersonRow).where(func.lower(PersonRow.name) == name.lower()))
        return [to_person(r) for r in rows]

    async def by_platform_id(self, platform: Source, platform_id: str) -> Person | None:
        column = _PLATFORM_COLUMN.get(platform)
        if column is None:
            return None
        row = await self.session.scalar(select(PersonRow).where(column == platform_id))
        return to_person(row) if row else None

    async def add(self, handle: str, name: str, platform: Source | None = None,
                  platform_id: str | None = None) -> Person:
        unique = handle[:60]
        suffix = 1
        while await self.by_handle(unique) is not None:
            suffix += 1
            unique = f"{handle[:56]}-{suffix}"
        row = PersonRow(handle=unique, name=name[:128], created_at=datetime.now(UTC))
        if platform is Source.SLACK:
            row.slack_id = platform_id
        elif platform is Source.DINGTALK:
            row.dingtalk_id = platform_id
        self.session.add(row)
        await self.session.flush()
        return to_person(row)

    async def handles(self) -> list[str]:
        return list(await self.session.scalars(select(PersonRow.handle)))
