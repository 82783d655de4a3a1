"""Which language a reply is said in, for every messenger alike.

An answer one person reads alone (an ephemeral line, a direct message, a refusal, help, their
App Home) is in that reader's language: their `language` preference, else the language they
chose in the messenger itself when it says so (Slack's users.info locale), else the messenger's
default. A message read in a channel or group (a ticket's card, a public reply there) is in the
channel's language, the messenger's default: many people read it.
"""

from commands.notify import NotifyConfig
from workflows.kinds import Source


def reader_locale(config: NotifyConfig, platform: Source, preferred: str | None,
                  messenger_language: str | None = None) -> str:
    """One person's language; `messenger_language` is a catalog locale or None."""
    return preferred or messenger_language or config.locale_for(platform)


def reply_locale(config: NotifyConfig, platform: Source, *, to_person: bool,
                 preferred: str | None, messenger_language: str | None = None) -> str:
    """The reader's language for an answer to one person, the channel's for a channel."""
    if to_person:
        return reader_locale(config, platform, preferred, messenger_language)
    return config.locale_for(platform)
