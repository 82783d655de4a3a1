"""Slack user ids to ticketbot identities; display names and locales fetched once per user
(users.info, with `include_locale`: Slack gives a user's locale only when asked)."""

from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms import SLACK
from commands.messages import Identity

# Told the language Slack says a user reads (a catalog locale, None: one without a catalog).
Learned = Callable[[str, str | None], Awaitable[None]]


async def _nothing(_user_id: str, _locale: str | None) -> None:
    return None


class SlackDirectory:
    def __init__(self, client: AsyncWebClient, learned: Learned = _nothing) -> None:
        self.client = client
        self.learned = learned
        self._names: dict[str, str] = {}
        self._locales: dict[str, str | None] = {}

    async def identity(self, user_id: str, name: str | None = None) -> Identity:
        if name is None:
            name = await self.name(user_id)
        return Identity(SLACK, user_id, name)

    async def name(self, user_id: str) -> str | None:
        if user_id not in self._names:
            try:
                await self._look_up(user_id)
            except SlackApiError:
                return None  # a name is nice to have; the id is what counts
        return self._names.get(user_id)

    def cached_name(self, user_id: str) -> str | None:
        """The name if it was looked up already (no call: usable before an ack)."""
        return self._names.get(user_id)

    async def locale(self, user_id: str) -> str | None:
        """The catalog locale (en, zh-CN) of the Slack user's own language setting; None for a
        language without a catalog, or when Slack cannot be asked (asked again next time)."""
        if user_id not in self._locales:
            try:
                await self._look_up(user_id)
            except SlackApiError:
                return None
            except (aiohttp.ClientError, TimeoutError):  # after the client's retries
                return None  # the bot's words rather than no answer at all
        return self._locales.get(user_id)

    def locale_known(self, user_id: str) -> bool:
        """Whether Slack has said the user's language already (even one without a catalog)."""
        return user_id in self._locales

    def cached_locale(self, user_id: str) -> str | None:
        """The Slack language if it was looked up already (no call: usable before views.open)."""
        return self._locales.get(user_id)

    async def unknown(self, user_ids: list[str]) -> list[str]:
        """Those of `user_ids` the workspace does not know (users.info: user_not_found). Other
        failures (Slack unreachable after its retries) are raised: nothing can be decided."""
        missing = []
        for user_id in dict.fromkeys(user_ids):
            if user_id in self._names:
                continue
            try:
                await self._look_up(user_id)
            except SlackApiError as error:
                if error.response is None or error.response.get("error") != "user_not_found":
                    raise
                missing.append(user_id)  # not remembered: the person may be invited later
        return missing

    async def _look_up(self, user_id: str) -> None:
        info = await self.client.users_info(user=user_id, include_locale=True)
        user = info.get("user") or {}
        locale = _catalog_locale(str(user.get("locale") or ""))
        if self._locales.get(user_id, "") != locale:
            await self.learned(user_id, locale)
        self._locales[user_id] = locale
        profile = user.get("profile") or {}
        self._names[user_id] = (profile.get("display_name") or user.get("real_name")
                                or user.get("name") or user_id)


def _catalog_locale(slack: str) -> str | None:
    """Slack's IETF tag (`zh-CN`, `zh-TW`, `en-US`, `ja-JP`) as one of the catalogs' locales."""
    language = slack.split("-")[0].casefold()
    return {"zh": "zh-CN", "en": "en"}.get(language)
