"""The one place where concrete classes are wired together."""

import asyncio
import gc
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import SystemClock
from bot.observed import ObservedDispatcher
from bot.orgfile import LoadedOrg, load_org
from bot.orgfile_assets import save_assets
from bot.orgfile_schedules import sync_schedules
from bot.platforms import DINGTALK, FEISHU, SLACK
from bot.senders.dingtalk import CARD_LANE, CARD_PACING
from bot.settings import Settings
from commands.notify import NotifyConfig
from commands.ports import Clock
from notifications.catalogs import Catalogs
from notifications.relay import Pacing, Relay
from notifications.senders import Sender
from notifications.text import Catalog
from notifications.wake import Wake
from storage.directory import sync_directory
from storage.engine import make_engine, session_factory
from storage.kb_text import warm
from storage.migrate import schema_state, upgrade
from storage.numbers import QueueNumbers
from storage.outbox import SqlOutboxStore
from storage.rate_limit import SqlRateLimiter
from storage.unit_of_work import SqlUnitOfWorkFactory
from workflows.kinds import Source

if TYPE_CHECKING:
    from bot.intake.routes import Intake, TokenCheck
    from storage.outbox_listen import OutboxListener

log = logging.getLogger(__name__)


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
    dispatcher: ObservedDispatcher
    notify: NotifyConfig
    numbers: QueueNumbers | None = None  # ticket numbers' own connections (PostgreSQL)
    # The platform senders, once `serve` has built them: scheduled jobs that post files (the
    # weekly digest) deliver through them. Empty in the console and the CLI.
    senders: dict[str, Any] = field(default_factory=dict)
    # Rung when outbox rows were committed (by this process on SQLite; on PostgreSQL by the
    # LISTEN connection `serve` opens, for every replica's commits): the relay then sweeps.
    wake: Wake = field(default_factory=Wake)

    def catalog(self, locale: str | None = None) -> Catalog:
        return Catalog(locale or self.settings.locale, self.settings.tz,
                       self.settings.templates_dir)

    def relay(self, senders: dict[str, Sender], **options: Any) -> Relay:
        sessions = session_factory(self.engine)
        pacing = {
            SLACK.value: Pacing(self.settings.slack_rate_per_second,
                                       self.settings.slack_burst),
            DINGTALK.value: Pacing(self.settings.dingtalk_rate_per_minute / 60,
                                          self.settings.dingtalk_burst),
            FEISHU.value: Pacing(self.settings.feishu_rate_per_second,
                                        self.settings.feishu_rate_per_second),
            CARD_LANE: CARD_PACING,  # cards are not robot messages: not the group's budget
        }
        options.setdefault("pacing", pacing)
        return Relay(SqlOutboxStore(sessions), SqlRateLimiter(sessions), senders,
                     Catalogs(self.settings.tz, self.settings.templates_dir, self.clock.now),
                     self.clock,
                     **options)

    def listener(self) -> "OutboxListener | None":
        """The LISTEN connection that rings `wake` (PostgreSQL; None on SQLite)."""
        if self.engine.dialect.name != "postgresql":
            return None
        from storage.outbox_listen import OutboxListener, asyncpg_connect

        return OutboxListener(asyncpg_connect(self.settings.database_url), self.wake.ring,
                              check_every=max(30.0, self.settings.outbox_poll_seconds))

    def intake(self, tokens: "TokenCheck | None" = None) -> "Intake":
        """The monitoring intake's endpoints' dependencies; comments in the default locale."""
        from bot.intake.routes import Intake

        catalog = self.catalog()
        return Intake(self.uow, self.loaded.org, self.clock, self.notify, self.loaded.intake,
                      lambda key, **params: catalog.text(key, **params), tokens)

    async def aclose(self) -> None:
        if self.numbers is not None:
            await self.numbers.aclose()
        await self.engine.dispose()


async def build_app(settings: Settings, clock: Clock | None = None,
                    platforms: frozenset[Source] = frozenset({Source.CONSOLE})) -> App:
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
        if loaded.assets:
            await save_assets(SqlUnitOfWorkFactory(sessions), list(loaded.assets), "orgfile",
                              clock.now())
        if loaded.schedules:
            await sync_schedules(SqlUnitOfWorkFactory(sessions), list(loaded.schedules),
                                 loaded.org, clock.now(), loaded.floating)
    except BaseException:
        await engine.dispose()
        raise
    postgres = engine.dialect.name == "postgresql"
    numbers = QueueNumbers(engine.url) if postgres else None
    wake = Wake()
    # SQLite is one process: its commits ring the relay directly. PostgreSQL's commits notify
    # every replica's listener instead (storage/outbox_listen.py), this one's included.
    uow = SqlUnitOfWorkFactory(sessions, numbers,
                               after_outbox_commit=None if postgres else wake.ring_committed)
    uow.kb_search.snapshot = settings.kb_index_file
    cards = {SLACK, FEISHU} | (
        {DINGTALK} if settings.dingtalk_card_mode else set())
    notify = NotifyConfig(platforms, settings.locale,
                          {DINGTALK: settings.dingtalk_locale,
                           FEISHU: settings.feishu_locale}, settings.tz,
                          card_platforms=frozenset(cards),
                          # Direct messages with buttons: Slack blocks, DingTalk's cards.
                          card_dm_platforms=frozenset({SLACK, DINGTALK}),
                          # No forms there: missing fields are asked one at a time in chat.
                          guided_platforms=frozenset({Source.CONSOLE, DINGTALK,
                                                      FEISHU}))
    return App(settings, loaded, engine, uow, clock,
               ObservedDispatcher(uow, loaded.org, clock, notify), notify, numbers, wake=wake)


def speaks_chinese(settings: Settings) -> bool:
    return settings.locale == "zh-CN" or (settings.dingtalk_enabled
                                          and settings.dingtalk_locale == "zh-CN") or (
        settings.feishu_enabled and settings.feishu_locale == "zh-CN")


async def warm_kb(app: App) -> None:
    """Build the search index now, at start-up, rather than in the first request that
    searches (a large one, or its snapshot, is built apart: start-up does not wait for it); and
    load jieba's Chinese dictionary (about a second and 70 MB) if the bot speaks Chinese.
    Elsewhere the first Chinese text loads it (the index's, if it holds some)."""
    if speaks_chinese(app.settings):
        await asyncio.to_thread(warm)
    async with app.uow() as uow:
        await uow.kb.search("warm up", 1, internal=True)


def create_embedded_database(url: str) -> bool:
    """A brand-new SQLite file is created and migrated on the spot, so the console works on a
    fresh machine with no set-up step. An existing database is never migrated here: an old
    schema still stops the start-up and asks for `ticketbot db upgrade`. Blocking."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return False
    path = Path(parsed.database)
    if path.exists() and path.stat().st_size > 0:
        return False
    upgrade(url)
    return True


def configure_dingtalk_sdk(settings: Settings) -> None:
    """dingtalk-stream reads DINGTALK_OPENAPI_ENDPOINT once, when it is first imported, so the
    variable is set from the settings (which may come from a .env file) before anything imports
    it; bot/dingtalk imports the SDK only when the DingTalk runtime starts."""
    endpoint = settings.dingtalk_openapi_endpoint.rstrip("/")
    os.environ["DINGTALK_OPENAPI_ENDPOINT"] = endpoint
    loaded = sys.modules.get("dingtalk_stream.utils")
    if loaded is not None and getattr(loaded, "DINGTALK_OPENAPI_ENDPOINT", endpoint) != endpoint:
        # Harmless for ticketbot, which passes the endpoint explicitly and never calls the
        # SDK's own HTTP helpers; worth knowing if someone does.
        log.warning("dingtalk_stream was imported before its endpoint was set (%s, not %s)",
                    loaded.DINGTALK_OPENAPI_ENDPOINT, endpoint)


def settle_heap() -> None:
    """Keep what start-up built (modules, the organisation, templates, compiled statements)
    out of the collector's full passes. Those objects live as long as the process, and
    re-examining them made every full collection a pause of 50 to 130 ms under load.

    Also collect the youngest objects every 10,000 allocations rather than 700: a request
    allocates thousands of short-lived objects, and the collector ran dozens of times a second
    (3 % of the CPU under load, then 1 %)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, *gc.get_threshold()[1:])
