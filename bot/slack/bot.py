"""The Slack side of ticketbot: one object holding what every listener needs."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import App
from bot.slack.home import home_view
from bot.slack.identity import SlackDirectory
from bot.slack.render import SlackRenderer
from commands import messages as m
from commands.answer import Answer
from notifications.catalogs import Catalogs

log = logging.getLogger(__name__)


def team_channel(channel: str | None) -> str | None:
    """Public and private channels can hold a ticket's card; DMs cannot."""
    return channel if channel and channel[:1] in ("C", "G") else None


class HomeViewers:
    """People who opened the bot's App Home lately, most recent last. Only their Homes are
    republished when a ticket changes: anyone else gets a fresh one from `app_home_opened` when
    they open it. Kept per process; with several replicas, a Home left open is refreshed by the
    replica that saw it opened, and by any replica when it is opened again."""

    def __init__(self, keep_for: float = 12 * 3600, limit: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.keep_for, self.limit, self.clock = keep_for, limit, clock
        self._seen: dict[str, float] = {}

    def saw(self, user_id: str) -> None:
        self._seen.pop(user_id, None)
        self._seen[user_id] = self.clock()
        while len(self._seen) > self.limit:
            del self._seen[next(iter(self._seen))]

    def __contains__(self, user_id: object) -> bool:
        seen = self._seen.get(user_id) if isinstance(user_id, str) else None
        return seen is not None and self.clock() - seen < self.keep_for


@dataclass
class SlackBot:
    core: App
    app: AsyncApp
    client: AsyncWebClient
    intake_reaction: str = "ticket"
    # A burst of changes for one person (a bulk import, a busy lead) becomes one republish of
    # their App Home this long after the first, instead of one per change.
    home_refresh_delay: float = 1.0
    directory: SlackDirectory = field(init=False)
    renderer: SlackRenderer = field(init=False)
    _background: set[asyncio.Task[None]] = field(init=False, default_factory=set)
    home_viewers: HomeViewers = field(init=False, default_factory=HomeViewers)
    _homes_due: set[str] = field(init=False, default_factory=set)
    _flush: asyncio.Event = field(init=False, default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.directory = SlackDirectory(self.client)
        catalogs = Catalogs(self.core.settings.tz, self.core.settings.templates_dir)
        self.renderer = SlackRenderer(catalogs, self.core.loaded.org, self.core.settings.locale)

    @property
    def catalog(self):  # type: ignore[no-untyped-def]
        return self.renderer.catalog

    async def run_text(self, user_id: str, text: str, dedup_key: str | None,
                       name: str | None = None, channel: str | None = None) -> Answer:
        who = await self.directory.identity(user_id, name)
        return await self.core.dispatcher.handle_text(who, text, dedup_key=dedup_key,
                                                      origin=team_channel(channel))

    async def run(self, user_id: str, command: m.Command, dedup_key: str | None) -> Answer:
        who = await self.directory.identity(user_id)
        answer = await self.core.dispatcher.execute(who, command, dedup_key)
        if answer.ok and not answer.duplicate and answer.ticket is not None:
            self.refresh_homes(user_id, answer)
        return answer

    def refresh_homes(self, user_id: str, answer: Answer) -> None:
        """Republish, shortly after the ack, the App Homes of the actor and of the people the
        ticket now concerns, if they have been looking at theirs; a refresh already waiting for
        someone covers them."""
        ticket = answer.ticket
        people = {user_id}
        if ticket is not None:
            for person in (ticket.requester, ticket.assignee):
                if person is not None and person.slack_id:
                    people.add(person.slack_id)
        people = {p for p in people if p in self.home_viewers}
        for person_id in sorted(people - self._homes_due):
            self._homes_due.add(person_id)
            task = asyncio.create_task(self._refresh_later(person_id))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def _refresh_later(self, user_id: str) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._flush.wait(), self.home_refresh_delay)
        self._homes_due.discard(user_id)  # changes from here on need a refresh of their own
        await self.refresh_home(user_id)

    async def settle(self) -> None:
        """Run the waiting App Home refreshes now and wait for them (tests, and a graceful
        shutdown)."""
        self._flush.set()
        try:
            while self._background:
                await asyncio.gather(*list(self._background), return_exceptions=True)
        finally:
            self._flush.clear()

    async def ephemeral(self, channel: str | None, user_id: str, answer: Answer) -> None:
        """Tell one person: in the channel where they acted, else in their DM with the bot."""
        if answer.duplicate:
            return
        message = self.renderer.message(answer)
        try:
            if channel and not channel.startswith("D"):
                await self.client.chat_postEphemeral(channel=channel, user=user_id, **message)
                return
            opened = await self.client.conversations_open(users=user_id)
            await self.client.chat_postMessage(channel=opened["channel"]["id"], **message)
        except SlackApiError as error:
            log.warning("could not reply to %s in %s: %s", user_id, channel, error)

    async def refresh_home(self, user_id: str) -> None:
        """Republish a person's App Home; failures are logged, never shown."""
        who = await self.directory.identity(user_id)
        dispatcher = self.core.dispatcher
        lists = {scope: await dispatcher.execute(who, m.ListTickets(scope))
                 for scope in ("mine", "requests", "team")}
        try:
            await self.client.views_publish(
                user_id=user_id, view=home_view(lists, self.catalog, self.core.loaded.org))
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            # Slack refused, was unreachable or slow: the next change republishes it.
            log.warning("could not publish App Home for %s: %r", user_id, error)
