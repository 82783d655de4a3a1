"""The one place where concrete classes are wired together."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import SystemClock
from bot.orgfile import LoadedOrg, load_org
from bot.settings import Settings
from commands.dispatcher import Dispatcher
from commands.ports import Clock
from notifications.text import Catalog
from storage.directory import sync_directory
from storage.engine import make_engine, session_factory
from storage.migrate import schema_state
from storage.unit_of_work import SqlUnitOfWorkFactory


class SchemaOutOfDate(Exception):
    def __init__(self, current: str | None, head: str | None) -> None:
        self.current, self.head = current, head
        super().__init__(
            f"The database schema is not current (it is at {current or 'nothing'}, "
            f"this version needs {head}). Run: ticketbot db upgrade")


@dataclass
class App:
    settings: Settings
    loaded: LoadedOrg
    engine: AsyncEngine
    uow: SqlUnitOfWorkFactory
    clock: Clock
    dispatcher: Dispatcher

    def catalog(self, locale: str | None = None) -> Catalog:
        return Catalog(locale or self.settings.locale, self.settings.tz,
                       self.settings.templates_dir)

    async def aclose(self) -> None:
        await self.engine.dispose()


async def build_app(settings: Settings, clock: Clock | None = None) -> App:
    """Load and check everything, refuse an out-of-date schema, sync the declared people."""
    loaded = load_org(settings.org_file)
    clock = clock or SystemClock()
    Catalog(settings.locale, settings.tz, settings.templates_dir)  # fail fast on broken overrides
    engine = make_engine(settings.database_url)
    try:
        state = await schema_state(engine)
        if not state.is_current:
            raise SchemaOutOfDate(state.current, state.head)
        sessions = session_factory(engine)
        await sync_directory(sessions, loaded.directory, loaded.org.queues, clock.now())
    except BaseException:
        await engine.dispose()
        raise
    uow = SqlUnitOfWorkFactory(sessions)
    return App(settings, loaded, engine, uow, clock, Dispatcher(uow, loaded.org, clock))
