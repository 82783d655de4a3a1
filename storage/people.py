from datetime import UTC, datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PersonRow
from workflows.kinds import Source
from workflows.people import Person


def to_person(row: PersonRow) -> Person:
    return Person(row.id, row.handle, row.name, row.slack_id, row.dingtalk_id)



# Every request looks its person up: plain rows from statements built once (their cache keys
# are memoised), run on the session's connection (in its transaction, without the ORM layer).
_T = PersonRow.__table__
_COLUMNS = (_T.c.id, _T.c.handle, _T.c.name, _T.c.slack_id, _T.c.dingtalk_id)
_BY_ID = select(*_COLUMNS).where(_T.c.id.in_(bindparam("_ids", expanding=True)))
_BY_HANDLE = select(*_COLUMNS).where(_T.c.handle == bindparam("_value"))
_BY_PLATFORM_ID = {
    Source.SLACK: select(*_COLUMNS).where(_T.c.slack_id == bindparam("_value")),
    Source.DINGTALK: select(*_COLUMNS).where(_T.c.dingtalk_id == bindparam("_value")),
}


class SqlPeople:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: int) -> Person | None:
        row = await self.session.get(PersonRow, person_id)
        return to_person(row) if row else None

    async def many(self, ids: set[int]) -> dict[int, Person]:
        if not ids:
            return {}
        rows = await (await self.session.connection()).execute(_BY_ID, {"_ids": sorted(ids)})
        return {row[0]: Person(*row) for row in rows}

    async def by_handle(self, handle: str) -> Person | None:
        connection = await self.session.connection()
        row = (await connection.execute(_BY_HANDLE, {"_value": handle})).first()
        return Person(*row) if row else None

    async def by_name(self, name: str) -> list[Person]:
        rows = await self.session.scalars(
            select(PersonRow).where(func.lower(PersonRow.name) == name.lower()))
        return [to_person(r) for r in rows]

    async def by_platform_id(self, platform: Source, platform_id: str) -> Person | None:
        stmt = _BY_PLATFORM_ID.get(platform)
        if stmt is None:
            return None
        connection = await self.session.connection()
        row = (await connection.execute(stmt, {"_value": platform_id})).first()
        return Person(*row) if row else None

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
