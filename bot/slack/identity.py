"""Slack user ids to ticketbot identities; display names fetched once per user (users.info)."""

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from commands.messages import Identity
from workflows.kinds import Source


class SlackDirectory:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._names: dict[str, str] = {}

    async def identity(self, user_id: str, name: str | None = None) -> Identity:
        if name is None:
            name = await self.name(user_id)
        return Identity(Source.SLACK, user_id, name)

    async def name(self, user_id: str) -> str | None:
        if user_id not in self._names:
            try:
                info = await self.client.users_info(user=user_id)
            except SlackApiError:
                return None  # a name is nice to have; the id is what counts
            user = info.get("user") or {}
            profile = user.get("profile") or {}
            self._names[user_id] = (profile.get("display_name") or user.get("real_name")
                                    or user.get("name") or user_id)
        return self._names[user_id]
