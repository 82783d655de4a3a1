"""The first answer to each POST sent with an Idempotency-Key, per token, for replay."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.dialects import ByDialect
from storage.engine import autocommit
from storage.models import ApiIdempotencyRow

_T = ApiIdempotencyRow.__table__
_GET = select(_T.c.request, _T.c.status, _T.c.body).where(
    _T.c.token_id == bindparam("_token"), _T.c.key == bindparam("_key"))
_PUT = ByDialect(lambda insert: insert(_T).on_conflict_do_nothing(),
                 ("token_id", "key", "request", "status", "body", "created_at"))


@dataclass(frozen=True, slots=True)
class Stored:
    request: str  # "POST /tickets": a key reused for another request is refused
    status: int
    body: Any


class SqlIdempotency:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def get(self, token_id: int, key: str) -> Stored | None:
        async with autocommit(self.sessions) as connection:
            row = (await connection.execute(_GET, {"_token": token_id, "_key": key})).first()
        return Stored(row.request, row.status, row.body) if row is not None else None

    async def put(self, token_id: int, key: str, stored: Stored, now: datetime) -> None:
        """Keeps the first answer: a second one for the same key is not written."""
        async with autocommit(self.sessions) as connection:
            await _PUT.execute(connection, {"token_id": token_id, "key": key,
                                            "request": stored.request, "status": stored.status,
                                            "body": stored.body, "created_at": now})
