"""Inbound deliveries already handled (Slack event ids, DingTalk msgIds, button clicks…): the row
is claimed in the handling transaction, so a redelivery is recognised and changes nothing."""

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.ports import Duplicate
from storage.dialects import ByDialect
from storage.models import InboundEventRow
from workflows.kinds import Source

_TABLE = InboundEventRow.__table__
_SEEN = select(_TABLE.c.key).where(_TABLE.c.platform == bindparam("_platform"),
                                   _TABLE.c.key == bindparam("_key"))

_CLAIM = ByDialect(lambda insert: insert(_TABLE).on_conflict_do_nothing()
                   .returning(_TABLE.c.key), ("platform", "key", "created_at"))


class SqlInbound:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def seen(self, platform: Source, key: str) -> bool:
        found = await self.session.scalar(_SEEN, {"_platform": platform.value, "_key": key[:200]})
        return found is not None

    async def remember(self, platform: Source, key: str, now: datetime) -> None:
        # The primary key is the lock: a concurrent duplicate waits here until the first
        # transaction ends, then inserts nothing (it committed) or claims the key (it rolled back).
        claimed = await _CLAIM.scalar(
            self.session, {"platform": platform.value, "key": key[:200], "created_at": now})
        if claimed is None:
            raise Duplicate(key)
