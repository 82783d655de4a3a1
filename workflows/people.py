from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Person:
    """One human, whichever messengers they use. `handle` is the stable, human-typed name."""

    id: int
    handle: str
    name: str
    slack_id: str | None = None
    dingtalk_id: str | None = None
    # Accounts on the other messengers, (platform, external id), from the identities table.
    identities: tuple[tuple[str, str], ...] = ()

    def id_on(self, platform: str) -> str | None:
        """Their id on a messenger: today's own fields for Slack and DingTalk, else an identity."""
        if platform == "slack":
            return self.slack_id
        if platform == "dingtalk":
            return self.dingtalk_id
        return next((value for where, value in self.identities if where == platform), None)

    @property
    def label(self) -> str:
        return self.name or self.handle
