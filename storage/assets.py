"""The asset registry in and out of rows, and the tickets that name an asset."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialects import insert_for
from storage.models import AssetRow, TicketRow
from storage.tickets import shield_condition
from workflows.assets import Asset, asset_key
from workflows.confidential import Shield

_A = AssetRow.__table__


def _asset(row: Any) -> Asset:
    return Asset(row.name, row.type, row.location, row.owner, row.serial)


class SqlAssets:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, name: str) -> Asset | None:
        row = (await self.session.execute(
            select(_A).where(_A.c.name_key == asset_key(name)))).first()
        return _asset(row) if row is not None else None

    async def of_type(self, type_: str) -> list[Asset]:
        rows = await self.session.execute(
            select(_A).where(_A.c.type == type_.casefold()).order_by(_A.c.name_key))
        return [_asset(r) for r in rows]

    async def put_many(self, assets: Sequence[Asset], origin: str, now: datetime
                       ) -> tuple[int, int]:
        """Add or update by name; (added, updated). One statement each way."""
        if not assets:
            return 0, 0
        existing = set((await self.session.execute(
            select(_A.c.name_key).where(_A.c.name_key.in_([a.key for a in assets])))).scalars())
        values = [{"name": a.name, "name_key": a.key, "type": a.type, "location": a.location,
                   "owner": a.owner, "serial": a.serial, "origin": origin, "updated_at": now}
                  for a in assets]
        new = [{**v, "created_at": now} for v in values if v["name_key"] not in existing]
        old = [{**v, "_key": v["name_key"]} for v in values if v["name_key"] in existing]
        connection = await self.session.connection()
        if new:
            await connection.execute(insert_for(connection)(_A), new)
        if old:
            await connection.execute(
                update(_A).where(_A.c.name_key == bindparam("_key")),
                [{k: v for k, v in row.items() if k != "name_key"} for row in old])
        return len(new), len(old)

    async def tickets(self, name: str, limit: int = 20, shield: Shield | None = None
                      ) -> tuple[list[tuple[Any, ...]], int]:
        """The newest tickets naming the asset (key, title, status, created_at), and how many
        there are in all; `shield`: leaving out the confidential ones the reader is not inside."""
        stored = (await self.get(name))
        if stored is None:
            return [], 0
        where = TicketRow.asset == stored.name
        if shield is not None:
            where = and_(where, shield_condition(shield))
        total = int(await self.session.scalar(
            select(func.count()).select_from(TicketRow).where(where)) or 0)
        rows = await self.session.execute(
            select(TicketRow.key, TicketRow.title, TicketRow.status, TicketRow.created_at)
            .where(where).order_by(TicketRow.created_at.desc(), TicketRow.id.desc())
            .limit(limit))
        return [tuple(r) for r in rows], total
