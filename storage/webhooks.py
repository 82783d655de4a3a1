"""Webhook subscriptions made through the REST API, and the process's cached view of them.

Every saved change asks which subscriptions are in force, and every delivery needs its
subscription's URL and secret: a query each time would cost the hot paths a round trip, so one
process-wide `StoredWebhooks` keeps them for `REFRESH_EVERY` (a change made through this
process's API is seen at once; another instance's within that time).
"""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import WebhookSubscriptionRow
from workflows.webhooks import Subscription

REFRESH_EVERY = 5.0  # seconds
_SELECT_ALL = select(WebhookSubscriptionRow).order_by(WebhookSubscriptionRow.name)


@dataclass(frozen=True, slots=True)
class StoredWebhook:
    subscription: Subscription
    secret: str
    created_by: str
    created_at: datetime


class NameTaken(Exception):
    """Another stored subscription has this name."""


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _stored(row: WebhookSubscriptionRow) -> StoredWebhook:
    sub = Subscription(row.name, row.url, frozenset(row.events), frozenset(row.queues),
                       frozenset(row.teams), frozenset(row.priorities))
    return StoredWebhook(sub, row.secret, row.created_by, row.created_at)


class StoredWebhooks:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._sessions = sessions
        self._monotonic = monotonic
        self._by_name: dict[str, StoredWebhook] = {}
        self._active: tuple[Subscription, ...] = ()
        self._loaded_at: float | None = None

    # -- the cached view ---------------------------------------------------------------------

    def _stale(self) -> bool:
        return self._loaded_at is None or self._monotonic() - self._loaded_at >= REFRESH_EVERY

    async def _load(self, session: AsyncSession) -> None:
        rows = (await session.scalars(_SELECT_ALL)).all()
        found = [_stored(row) for row in rows]
        self._by_name = {s.subscription.name: s for s in found}
        self._active = tuple(s.subscription for s in found)
        self._loaded_at = self._monotonic()

    async def active(self, session: AsyncSession | None = None) -> tuple[Subscription, ...]:
        """The stored subscriptions in force; `session`: the caller's transaction, if any."""
        if self._stale():
            if session is not None:
                await self._load(session)
            else:
                async with self._sessions() as own:
                    await self._load(own)
        return self._active

    async def find(self, name: str) -> StoredWebhook | None:
        """For a delivery: a name not seen yet is looked up again (it may be brand new)."""
        if self._stale() or name not in self._by_name:
            async with self._sessions() as own:
                await self._load(own)
        return self._by_name.get(name)

    def forget(self) -> None:
        self._loaded_at = None

    # -- the API's writes and reads -----------------------------------------------------------

    async def create(self, subscription: Subscription, created_by: str, now: datetime
                     ) -> StoredWebhook:
        secret = new_secret()
        row = WebhookSubscriptionRow(
            name=subscription.name, url=subscription.url, events=sorted(subscription.events),
            queues=sorted(subscription.queues), teams=sorted(subscription.teams),
            priorities=sorted(subscription.priorities), secret=secret, created_by=created_by,
            created_at=now)
        async with self._sessions() as session:
            session.add(row)
            try:
                await session.commit()
            except IntegrityError as error:
                raise NameTaken(subscription.name) from error
            stored = _stored(row)
        self.forget()
        return stored

    async def all(self) -> list[StoredWebhook]:
        async with self._sessions() as session:
            return [_stored(row) for row in (await session.scalars(_SELECT_ALL)).all()]

    async def get(self, name: str) -> StoredWebhook | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(WebhookSubscriptionRow).where(WebhookSubscriptionRow.name == name))
            return None if row is None else _stored(row)

    async def delete(self, name: str) -> bool:
        async with self._sessions() as session:
            done = await session.execute(
                delete(WebhookSubscriptionRow).where(WebhookSubscriptionRow.name == name))
            await session.commit()
        self.forget()
        return bool(done.rowcount)  # type: ignore[attr-defined]


class SqlWebhookView:
    """The unit of work's port: the stored subscriptions, read in its transaction if stale."""

    def __init__(self, session: AsyncSession, store: StoredWebhooks) -> None:
        self._session = session
        self._store = store

    async def active(self) -> tuple[Subscription, ...]:
        return await self._store.active(self._session)
