"""One transaction per use case. Leaving without commit() rolls everything back."""

from collections.abc import Callable
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.alerts import SqlAlerts
from storage.assets import SqlAssets
from storage.assignment import SqlAssignment
from storage.away import SqlAway
from storage.dialogues import SqlDialogues
from storage.errors import StorageUnavailable, is_unavailable
from storage.inbound import SqlInbound
from storage.kb import KbSearch, SqlKnowledge
from storage.links import SqlLinks
from storage.numbers import QueueNumbers
from storage.outbox import ADDED, SqlOutbox
from storage.people import SqlPeople
from storage.preferences import SqlPreferences
from storage.reports import SqlReports
from storage.schedules import SqlSchedules
from storage.sla import SqlSlaClaims
from storage.tickets import SqlTickets
from storage.webhooks import SqlWebhookView, StoredWebhooks


class SqlUnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 numbers: QueueNumbers | None = None, kb_search: KbSearch | None = None,
                 after_outbox_commit: Callable[[], None] | None = None,
                 webhooks: StoredWebhooks | None = None) -> None:
        self._sessions = sessions
        self._numbers = numbers
        self._kb_search = kb_search or KbSearch()
        self._after_outbox_commit = after_outbox_commit
        self._webhooks = webhooks or StoredWebhooks(sessions)

    async def __aenter__(self) -> "SqlUnitOfWork":
        self.session = self._sessions()
        self.people = SqlPeople(self.session)
        self.tickets = SqlTickets(self.session, self.people, self._numbers)
        self.outbox = SqlOutbox(self.session)
        self.preferences = SqlPreferences(self.session, self.people.forget_own)
        self.inbound = SqlInbound(self.session)
        self.assignment = SqlAssignment(self.session)
        self.away = SqlAway(self.session)
        self.sla = SqlSlaClaims(self.session)
        self.reports = SqlReports(self.session)
        self.schedules = SqlSchedules(self.session)
        self.kb = SqlKnowledge(self.session, self._kb_search)
        self.alerts = SqlAlerts(self.session)
        self.webhooks = SqlWebhookView(self.session, self._webhooks)
        self.assets = SqlAssets(self.session)
        self.links = SqlLinks(self.session)
        self.dialogues = SqlDialogues(self.session)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        try:
            await self.session.rollback()
            await self.session.close()
        except Exception as cleanup_error:
            if exc is None and is_unavailable(cleanup_error):
                raise StorageUnavailable(str(cleanup_error)) from cleanup_error
        if exc is not None and is_unavailable(exc):
            raise StorageUnavailable(str(exc)) from exc

    async def commit(self) -> None:
        await self.session.commit()
        if self.session.info.pop(ADDED, False) and self._after_outbox_commit is not None:
            self._after_outbox_commit()  # the rows are visible now: the relay may sweep

    async def rollback(self) -> None:
        await self.session.rollback()


class SqlUnitOfWorkFactory:
    """`numbers`: ticket numbers taken outside the transaction (PostgreSQL); without it, the
    queue's counter row is incremented inside it.

    `after_outbox_commit`: called after a commit whose transaction inserted outbox rows (the
    in-process relay's wake-up on SQLite; PostgreSQL notifies every replica itself)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 numbers: QueueNumbers | None = None, kb_search: KbSearch | None = None,
                 after_outbox_commit: Callable[[], None] | None = None) -> None:
        self._sessions = sessions
        self.numbers = numbers
        self.kb_search = kb_search or KbSearch(sessions)  # the process's one search index
        self.after_outbox_commit = after_outbox_commit
        self.webhooks = StoredWebhooks(sessions)  # the API's subscriptions, cached per process

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, self.numbers, self.kb_search,
                             self.after_outbox_commit, self.webhooks)
