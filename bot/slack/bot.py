"""The Slack side of ticketbot: one object holding what every listener needs."""

import asyncio
import contextlib
import logging
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
        ticket now concerns; a refresh already waiting for someone covers them."""
        ticket = answer.ticket
        people = {user_id}
        if ticket is not None:
            for person in (ticket.requester, ticket.assignee):
                if person is not None and person.slack_id:
                    people.add(person.slack_id)
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
