from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialects import ByDialect
from storage.identities import (
    PERSON_OF_ACCOUNT,
    SqlIdentities,
    accounts_column,
    accounts_of,
    spoke_on_column,
)
from storage.models import PersonRow, PreferenceRow
from workflows.kinds import Source
from workflows.people import Person


def _person(row: Any) -> Person:
    """From a row of _READ: id, handle, name, their accounts, where they last wrote from."""
    return Person(row[0], row[1], row[2], identities=accounts_of(row[3]), spoke_on=row[4])


# Every request looks its person up: plain rows from statements built once (their cache keys
# are memoised), run on the session's connection (in its transaction, without the ORM layer).
_T = PersonRow.__table__
_COLUMNS = (_T.c.id, _T.c.handle, _T.c.name)
_READ = (*_COLUMNS, accounts_column(_T.c.id), spoke_on_column(_T.c.id))
_BY_ID = select(*_READ).where(_T.c.id.in_(bindparam("_ids", expanding=True)))
_BY_NAME = select(*_READ).where(func.lower(_T.c.name) == bindparam("_name"))
# The look-ups that find who is asking also read the zone and the language they chose, if any,
# in the same statement: every answer is shown in the reader's zone and words, and a query of
# its own for them cost a tenth of a request.
_P = PreferenceRow.__table__
_OWN_ZONE = select(_P.c.timezone).where(_P.c.person_id == _T.c.id).scalar_subquery()
_OWN_LOCALE = select(_P.c.locale).where(_P.c.person_id == _T.c.id).scalar_subquery()
_WITH_ZONE = (*_READ, _OWN_ZONE.label("own_zone"), _OWN_LOCALE.label("own_locale"))
_ZONE_OF = select(_P.c.timezone).where(_P.c.person_id == bindparam("_id"))
_LOCALE_OF = select(_P.c.locale).where(_P.c.person_id == bindparam("_id"))
_BY_HANDLE = select(*_WITH_ZONE).where(_T.c.handle == bindparam("_value"))
_BY_ACCOUNT = select(*_WITH_ZONE).where(_T.c.id == PERSON_OF_ACCOUNT)
# A first contact inserts or, if the handle is taken, nothing: a concurrent insert of the same
# person waits on the unique index, then finds the row committed.
_ADD = ByDialect(lambda insert: insert(_T).on_conflict_do_nothing().returning(*_COLUMNS),
                 ("handle", "name", "created_at"))
_FORGET = delete(_T).where(_T.c.id == bindparam("_id"))


class SqlPeople:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # Each person's own zone and language as read in this unit of work (None: none chosen).
        self._zones: dict[int, str | None] = {}
        self._locales: dict[int, str | None] = {}
        self.identities = SqlIdentities(session)

    async def get(self, person_id: int) -> Person | None:
        return (await self.many({person_id})).get(person_id)

    async def many(self, ids: set[int]) -> dict[int, Person]:
        if not ids:
            return {}
        rows = await (await self.session.connection()).execute(_BY_ID, {"_ids": sorted(ids)})
        return {row[0]: _person(row) for row in rows}

    async def by_handle(self, handle: str) -> Person | None:
        connection = await self.session.connection()
        return self._found((await connection.execute(_BY_HANDLE, {"_value": handle})).first())

    async def by_name(self, name: str) -> list[Person]:
        connection = await self.session.connection()
        return [_person(row) for row in await connection.execute(
            _BY_NAME, {"_name": name.lower()})]

    async def by_platform_id(self, platform: Source, platform_id: str) -> Person | None:
        connection = await self.session.connection()
        return self._found((await connection.execute(_BY_ACCOUNT, {
            "_platform": platform.value, "_value": platform_id})).first())

    def _found(self, row: Any) -> Person | None:
        if row is None:
            return None
        self._zones[row.id], self._locales[row.id] = row.own_zone, row.own_locale
        return _person(row)

    async def person_by_identity(self, platform: Source, workspace: str, external_id: str
                                 ) -> Person | None:
        """The person with this account: in this workspace, else one recorded without one."""
        person_id = await self.identities.person_id(platform.value, workspace, external_id)
        return None if person_id is None else (await self.many({person_id})).get(person_id)

    async def own_zone(self, person_id: int) -> str | None:
        """The zone this person chose (`prefs timezone`), or None."""
        return await self._own(self._zones, _ZONE_OF, person_id)

    async def own_locale(self, person_id: int) -> str | None:
        """The language this person chose (`language …`), or None."""
        return await self._own(self._locales, _LOCALE_OF, person_id)

    async def _own(self, kept: dict[int, str | None], statement: Any, person_id: int
                   ) -> str | None:
        if person_id not in kept:  # not read with their look-up, or changed since
            connection = await self.session.connection()
            kept[person_id] = (await connection.execute(statement, {"_id": person_id})).scalar()
        return kept[person_id]

    def forget_own(self, person_id: int) -> None:
        """Their preferences changed in this unit of work: read zone and language again."""
        self._zones.pop(person_id, None)
        self._locales.pop(person_id, None)

    async def add(self, handle: str, name: str, now: datetime, platform: Source | None = None,
                  platform_id: str | None = None) -> tuple[Person, bool]:
        values = {"handle": "", "name": name[:128], "created_at": now}
        suffix = 1
        while True:
            values["handle"] = handle[:60] if suffix == 1 else f"{handle[:56]}-{suffix}"
            row = (await _ADD.execute(self.session, values)).first()
            if row is not None:
                if platform is None or platform_id is None:
                    self._zones[row[0]] = None  # just recorded: no preferences yet
                    return Person(*row), True
                if await self.identities.link(row[0], platform.value, "", platform_id, now):
                    self._zones[row[0]] = None
                    return Person(*row, identities=((platform.value, platform_id),)), True
                # Someone recorded this account at the same moment (its unique index made this
                # wait for them): theirs is the person, this row goes.
                await self.session.execute(_FORGET, {"_id": row[0]})
            # Nothing inserted: someone else recorded this person first, or took the handle.
            if platform is not None and platform_id is not None:
                found = await self.by_platform_id(platform, platform_id)
            else:
                found = await self.by_handle(str(values["handle"]))
            if found is not None:
                return found, False
            suffix += 1

    async def accounts(self, person_id: int) -> list[tuple[str, str, str]]:
        """(platform, workspace, external id) of each of the person's accounts."""
        return await self.identities.of(person_id)

    async def claim_account(self, person_id: int, platform: Source, external_id: str,
                            now: datetime) -> None:
        """A proven link: the account is this person's from now on (taken from whoever had it,
        a person recorded at its first contact)."""
        await self.identities.claim(person_id, platform.value, "", external_id, now)

    async def spoke(self, person: Person, platform: Source, external_id: str,
                    now: datetime) -> bool:
        """They wrote from this account: recorded (True) when it is not where they last wrote
        from (one write per change of messenger, not one per request)."""
        if person.spoke_on == platform.value or person.id_on(platform.value) is None:
            return False
        await self.identities.spoke(person.id, platform.value, external_id, now)
        return True

    async def drop_accounts(self, person_id: int, platform: str) -> int:
        """Forget the person's accounts on this messenger; how many there were."""
        return await self.identities.drop(person_id, platform)

    async def handles(self) -> list[str]:
        return list(await self.session.scalars(select(PersonRow.handle)))
