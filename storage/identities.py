"""A person's accounts on the messengers (person_identities): platform, workspace, external id.
The only home of every messenger id (migration 0020 moved people.slack_id / dingtalk_id here)."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialects import ByDialect
from storage.models import PersonIdentityRow

# A person's accounts are read with them, in the one statement that finds them (every request
# does; a query of its own would cost a round trip), as one column for any messenger:
# "platform:external id", one a line (no platform name holds a colon, no id a line break).
_ACCOUNTS_SEP = "\n"

_I = PersonIdentityRow.__table__
# An exact workspace first, then an account recorded without one ("" sorts first otherwise).
_PERSON_ID = (select(_I.c.person_id)
              .where(_I.c.platform == bindparam("_platform"),
                     _I.c.external_id == bindparam("_external"),
                     _I.c.workspace.in_([bindparam("_workspace"), ""]))
              .order_by((_I.c.workspace == "").asc()).limit(1))
_LINK = ByDialect(lambda insert: insert(_I).on_conflict_do_nothing(),
                  ("person_id", "platform", "workspace", "external_id", "created_at"))
_OF = select(_I.c.platform, _I.c.workspace, _I.c.external_id).where(
    _I.c.person_id == bindparam("_id")).order_by(_I.c.id)


def accounts_column(person_id: ColumnElement[Any]) -> Any:
    """A person's accounts in the order they were linked, as one text (None: no account)."""
    ordered = (select((_I.c.platform + ":" + _I.c.external_id).label("account"))
               .where(_I.c.person_id == person_id).order_by(_I.c.id)
               .correlate(person_id.table).subquery())  # type: ignore[attr-defined]
    return (select(func.aggregate_strings(ordered.c.account, _ACCOUNTS_SEP))
            .scalar_subquery().label("accounts"))


def accounts_of(text: str | None) -> tuple[tuple[str, str], ...]:
    """(platform, external id) of each account in a row's accounts_column."""
    return tuple(tuple(line.split(":", 1)) for line in (text or "").split(_ACCOUNTS_SEP)
                 if line)  # type: ignore[misc]


def spoke_on_column(person_id: ColumnElement[Any]) -> Any:
    """The platform of the account the person last wrote from (None: never recorded)."""
    return (select(_I.c.platform)
            .where(_I.c.person_id == person_id, _I.c.last_spoke_at.is_not(None))
            .order_by(_I.c.last_spoke_at.desc(), _I.c.id.desc()).limit(1)
            .scalar_subquery().label("spoke_on"))


# Whose account this is, in any workspace (one recorded without one first).
PERSON_OF_ACCOUNT = (select(_I.c.person_id)
                     .where(_I.c.platform == bindparam("_platform"),
                            _I.c.external_id == bindparam("_value"))
                     .order_by((_I.c.workspace == "").desc(), _I.c.id).limit(1).scalar_subquery())


class SqlIdentities:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def person_id(self, platform: str, workspace: str, external_id: str) -> int | None:
        connection = await self.session.connection()
        return (await connection.execute(_PERSON_ID, {
            "_platform": platform, "_workspace": workspace, "_external": external_id})).scalar()

    async def link(self, person_id: int, platform: str, workspace: str, external_id: str,
                   now: datetime) -> bool:
        """Record the account as this person's; False when it is someone's already."""
        result = await _LINK.execute(self.session, {
            "person_id": person_id, "platform": platform, "workspace": workspace,
            "external_id": external_id, "created_at": now})
        return bool(result.rowcount)

    async def of(self, person_id: int) -> list[tuple[str, str, str]]:
        """(platform, workspace, external id) of each of the person's accounts."""
        connection = await self.session.connection()
        return [tuple(row) for row in await connection.execute(_OF, {"_id": person_id})]  # type: ignore[misc]

    async def claim(self, person_id: int, platform: str, workspace: str, external_id: str,
                    now: datetime) -> None:
        """The account becomes this person's, whoever had it (a proven `link`)."""
        moved = await self.session.execute(update(_I).where(
            _I.c.platform == platform, _I.c.workspace == workspace,
            _I.c.external_id == external_id).values(person_id=person_id))
        if not moved.rowcount:  # type: ignore[attr-defined]
            await self.link(person_id, platform, workspace, external_id, now)

    async def drop(self, person_id: int, platform: str) -> int:
        """Forget the person's accounts on this messenger; how many there were."""
        result = await self.session.execute(delete(_I).where(
            _I.c.person_id == person_id, _I.c.platform == platform))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def spoke(self, person_id: int, platform: str, external_id: str,
                    now: datetime) -> None:
        """Its person wrote from this account now. Their other accounts' marks are cleared in
        the same statement: two messengers spoken on within one clock tick must not tie."""
        here = (_I.c.platform == platform) & (_I.c.external_id == external_id)
        await self.session.execute(update(_I).where(_I.c.person_id == person_id).values(
            last_spoke_at=case((here, now), else_=None)))
