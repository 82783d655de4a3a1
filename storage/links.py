"""`link me` codes (hashed, one use, short-lived) and the wrong tries said from an account."""

from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.ports import LinkCode
from storage.models import LinkCodeRow, LinkFailureRow

_C = LinkCodeRow.__table__
_F = LinkFailureRow.__table__


class SqlLinks:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issue(self, person_id: int, platform: str, code_hash: str, now: datetime,
                    expires_at: datetime) -> None:
        """The person's one valid code: an earlier unused one stops working."""
        await self.session.execute(delete(_C).where(_C.c.person_id == person_id,
                                                    _C.c.used_at.is_(None)))
        await self.session.execute(insert(_C).values(
            person_id=person_id, platform=platform, code_hash=code_hash, created_at=now,
            expires_at=expires_at, used_at=None))

    async def find(self, code_hash: str) -> LinkCode | None:
        """The code, locked until commit (two accounts saying it at once: one wins)."""
        row = (await self.session.execute(
            select(_C.c.person_id, _C.c.platform, _C.c.expires_at, _C.c.used_at)
            .where(_C.c.code_hash == code_hash).with_for_update())).first()
        return None if row is None else LinkCode(row[0], row[1], row[2], row[3] is not None)

    async def use(self, code_hash: str, now: datetime) -> bool:
        """Mark it used; False when it was already (a concurrent use won)."""
        result = await self.session.execute(update(_C).where(
            _C.c.code_hash == code_hash, _C.c.used_at.is_(None)).values(used_at=now))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def failed(self, platform: str, external_id: str, now: datetime) -> None:
        await self.session.execute(insert(_F).values(
            platform=platform, external_id=external_id[:128], at=now))

    async def failures(self, platform: str, external_id: str, since: datetime) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(_F).where(
            _F.c.platform == platform, _F.c.external_id == external_id[:128],
            _F.c.at > since)) or 0)
