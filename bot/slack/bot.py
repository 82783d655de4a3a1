"""The Slack side of ticketbot: one object holding what every listener needs."""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.authorization.async_single_team_authorization import (
    AsyncSingleTeamAuthorization,
)
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import App
from bot.platforms import SLACK
from bot.slack.home import home_view
from bot.slack.home_viewers import HomeViewers
from bot.slack.identity import SlackDirectory
from bot.slack.mentions import slack_mentions, slack_people
from bot.slack.render import SlackRenderer
from bot.slack.request import CURRENT
from commands import messages as m
from commands.answer import Answer
from commands.dispatcher import CLAIMS_INBOUND
from commands.reader_language import preferred_language, reader_locale
from notifications.catalogs import Catalogs
from notifications.text import Catalog
from workflows.errors import DomainError

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
    _followups: set[asyncio.Task[None]] = field(init=False, default_factory=set)
    home_viewers: HomeViewers = field(init=False, default_factory=HomeViewers)
    _homes_due: set[str] = field(init=False, default_factory=set)
    _flush: asyncio.Event = field(init=False, default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.directory = SlackDirectory(self.client, self._note_locale)
        catalogs = Catalogs(self.core.settings.tz, self.core.settings.templates_dir)
        self.renderer = SlackRenderer(catalogs, self.core.loaded.org, self.core.settings.locale)

    @property
    def catalog(self):  # type: ignore[no-untyped-def]
        return self.renderer.catalog

    async def reader_catalog(self, user_id: str, answer: Answer | None = None) -> Catalog:
        """The words of an answer `user_id` reads alone (commands/reader_language.py): their
        `language` preference (read with `answer`'s request, else now), else their Slack
        language (users.info, asked once per person, so only after an ack), else the bot's."""
        preferred = await self._preferred_locale(user_id, answer)
        slack = None if preferred else await self.directory.locale(user_id)
        return self.catalog_in(reader_locale(self.core.notify, SLACK, preferred, slack))

    async def known_reader_catalog(self, user_id: str, answer: Answer | None = None
                                   ) -> Catalog | None:
        """The same without asking Slack (usable before an ack); None while their Slack
        language is not known yet."""
        preferred = await self._preferred_locale(user_id, answer)
        if not preferred and not self.directory.locale_known(user_id):
            return None
        return self.catalog_in(reader_locale(self.core.notify, SLACK, preferred,
                                             self.directory.cached_locale(user_id)))

    async def open_modal(self, trigger_id: str, user_id: str,
                         build: Callable[[Catalog], View]) -> None:
        """Open the modal `build` makes, in the words of `user_id` (`reader_catalog`). A
        trigger_id lives 3 s, so views.open is the first Slack call: a Slack language not known
        yet is asked after it, and the modal redrawn (views.update) when it differs. A
        views.open refusal is raised to the caller."""
        known = await self.known_reader_catalog(user_id)
        catalog = known or self.catalog_in(self.core.notify.locale_for(SLACK))
        opened = await self.client.views_open(trigger_id=trigger_id, view=build(catalog))
        if known is not None:
            return
        slack = await self.directory.locale(user_id)
        if slack is None or slack == catalog.locale:
            return
        view = opened.get("view") or {}
        try:
            await self.client.views_update(view_id=view.get("id"), hash=view.get("hash"),
                                           view=build(self.catalog_in(slack)))
        except SlackApiError as error:  # edited meanwhile (hash_conflict): it stays as it is
            self.log_refusal("modal in the reader's language", error)

    async def _note_locale(self, user_id: str, locale: str | None) -> None:
        """Slack said which language `user_id` reads: kept with their preferences (a change
        only), so the notices any replica writes for them later are in it too."""
        try:
            async with self.core.uow() as uow:
                person = await uow.people.by_platform_id(SLACK, user_id)
                if person is None:  # only named in a mention so far: the next process keeps it
                    return
                prefs = (await uow.preferences.get_many({person.id}, mutes=False))[person.id]
                said = (SLACK, locale) if locale else None
                if prefs.messenger_locale != said:
                    await uow.preferences.update(person.id, messenger_locale=locale,
                                                 messenger_platform=SLACK if locale else None)
                    await uow.commit()
        except Exception:  # the answer still goes out, in the words Slack gave
            log.warning("could not keep the Slack language of %s", user_id, exc_info=True)

    async def _preferred_locale(self, user_id: str, answer: Answer | None = None) -> str | None:
        return await preferred_language(self.core.uow, SLACK, user_id, answer)

    def catalog_in(self, locale: object) -> Catalog:
        """The catalog of a locale; a modal's again on its submission (its locale rides in the
        metadata). Anything else: the bot's."""
        if locale in ("en", "zh-CN"):
            return self.renderer.catalogs.get(str(locale), "slack")
        return self.renderer.catalog  # type: ignore[no-any-return]

    async def warm_up(self) -> None:
        """bolt asks auth.test on the first request, before that request's ack: ask it at
        start-up instead. Slack unreachable now: bolt asks on the first request, as before."""
        for middleware in getattr(self.app, "_async_middleware_list", []):
            if (isinstance(middleware, AsyncSingleTeamAuthorization)
                    and middleware.auth_test_result is None):
                try:
                    middleware.auth_test_result = await self.client.auth_test()
                except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
                    log.warning("auth.test at start-up failed: %r", error)

    def after_ack(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` once the listener has returned, so bolt sends the ack first: every Web
        API call of a request belongs here (Slack allows 3 s for the ack, and slow calls and
        their retries take longer). A failure is logged and the person is told."""
        task = asyncio.create_task(self._guarded(work))
        self._followups.add(task)
        task.add_done_callback(self._followups.discard)

    async def _guarded(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception as error:
            await self.apologise(error)

    async def apologise(self, error: Exception) -> None:
        ref = uuid.uuid4().hex[:8]
        log.error("Slack follow-up failed (ref %s)", ref, exc_info=error)
        request = CURRENT.get()
        if request is None or request.user is None:
            return
        await self.apologise_to(request.channel, request.user, ref)

    async def apologise_to(self, channel: str | None, user_id: str, ref: str) -> None:
        words = await self.reader_catalog(user_id)
        await self.tell(channel, user_id, self.apology(ref, words))

    def apology(self, ref: str, catalog: Catalog | None = None) -> str:
        """Chosen by whether the request's change was committed before the failure; in
        `catalog`'s words (the reader's), else the bot's."""
        catalog = catalog or self.catalog
        request = CURRENT.get()
        if request is not None and request.committed:
            return catalog.text("slack.failed_after_save", ref=ref)
        return catalog.answer(Answer("error.internal", {"ref": ref}, public=False, ok=False))

    def log_refusal(self, what: str, error: SlackApiError) -> None:
        code = error.response.get("error") if error.response is not None else None
        log.warning("Slack refused a call for a %s: %s", what, code or error)

    async def drain(self) -> None:
        """Wait for every follow-up started so far (tests, and a graceful shutdown)."""
        while self._followups:
            await asyncio.gather(*list(self._followups), return_exceptions=True)

    def parse(self, text: str) -> m.Command | None:
        try:
            return self.core.dispatcher.grammar.parse(text, slack_people(text))
        except DomainError:
            return None  # handle_text gives the refusal

    async def refuse_unknown(self, text: str) -> Answer | None:
        """A `<@U…>` the workspace does not know (users.info: user_not_found) is refused before
        anything runs: otherwise it would become a person named after an id."""
        unknown = await self.directory.unknown(slack_mentions(text))
        if not unknown:
            return None
        return Answer("slack.unknown_user", {"user": ", ".join(unknown)}, public=False, ok=False)

    async def run_text(self, user_id: str, text: str, dedup_key: str | None,
                       name: str | None = None, channel: str | None = None,
                       verify_mentions: bool = True) -> Answer:
        """`verify_mentions=False`: the caller knows every `<@U…>` in `text` already (and must
        not call Slack: it has not acked yet)."""
        if verify_mentions:
            refused = await self.refuse_unknown(text)
            if refused is not None:
                return refused
        who = replace(await self.directory.identity(user_id, name), conversation=channel)
        command = self.parse(text)
        if command is None:
            return await self.core.dispatcher.handle_text(who, text, slack_people(text),
                                                          dedup_key=dedup_key,
                                                          origin=team_channel(channel))
        return await self._execute(who, command, dedup_key, team_channel(channel))

    async def run(self, user_id: str, command: m.Command, dedup_key: str | None,
                  name: str | None = None, conversation: str | None = None) -> Answer:
        """`conversation`: the channel it was said in, when it was said (a card thread's)."""
        who = replace(await self.directory.identity(user_id, name), conversation=conversation)
        answer = await self._execute(who, command, dedup_key, None)
        if answer.ok and not answer.duplicate and answer.ticket is not None:
            self.refresh_homes(user_id, answer)
        return answer

    async def _execute(self, who: m.Identity, command: m.Command, dedup_key: str | None,
                       origin: str | None) -> Answer:
        answer = await self.core.dispatcher.execute(who, command, dedup_key, origin)
        request = CURRENT.get()
        if (request is not None and answer.ok and not answer.duplicate
                and type(command) in CLAIMS_INBOUND):
            request.committed = True
        return answer

    def refresh_homes(self, user_id: str, answer: Answer) -> None:
        """Republish, shortly after the ack, the App Homes of the actor and of the people the
        ticket now concerns, if they have been looking at theirs; a refresh already waiting for
        someone covers them."""
        ticket = answer.ticket
        people = {user_id}
        if ticket is not None:
            for person in (ticket.requester, ticket.assignee):
                slack_id = person.id_on("slack") if person is not None else None
                if slack_id:
                    people.add(slack_id)
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
            await self.drain()
            while self._background:
                await asyncio.gather(*list(self._background), return_exceptions=True)
        finally:
            self._flush.clear()

    async def ephemeral(self, channel: str | None, user_id: str, answer: Answer) -> None:
        """Tell one person: in the channel where they acted, else in their DM with the bot."""
        if answer.duplicate:
            return
        words = await self.reader_catalog(user_id)
        await self.tell(channel, user_id, **self.renderer.message(answer, words))

    async def say(self, channel: str | None, user_id: str, key: str, **params: Any) -> None:
        """`tell` one person a catalog line, in their words."""
        await self.tell(channel, user_id, (await self.reader_catalog(user_id)).text(key, **params))

    async def tell(self, channel: str | None, user_id: str, text: str, **message: Any) -> None:
        """An ephemeral line in the channel; in the DM with the bot when there is no channel or
        the channel refuses it (the bot is not in it, say)."""
        message["text"] = text
        if channel and not channel.startswith("D"):
            try:
                await self.client.chat_postEphemeral(channel=channel, user=user_id, **message)
                return
            except SlackApiError as error:
                log.info("ephemeral reply refused in %s (%s): the DM instead", channel,
                         error.response.get("error") if error.response is not None else error)
            except (aiohttp.ClientError, TimeoutError) as error:
                log.warning("could not reply to %s in %s: %r", user_id, channel, error)
                return
        try:
            opened = await self.client.conversations_open(users=user_id)
            await self.client.chat_postMessage(channel=opened["channel"]["id"], **message)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            log.warning("could not reply to %s in %s: %r", user_id, channel, error)

    async def refresh_home(self, user_id: str) -> None:
        """Republish a person's App Home; failures are logged, never shown."""
        who = await self.directory.identity(user_id)
        dispatcher = self.core.dispatcher
        lists = {scope: await dispatcher.execute(who, m.ListTickets(scope))
                 for scope in ("mine", "requests", "team")}
        words = await self.reader_catalog(user_id)  # only they see their App Home
        try:
            await self.client.views_publish(
                user_id=user_id, view=home_view(lists, words, self.core.loaded.org))
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            # Slack refused, was unreachable or slow: the next change republishes it.
            log.warning("could not publish App Home for %s: %r", user_id, error)
