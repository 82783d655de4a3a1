"""Which language a reply is said in, for every messenger alike.

An answer one person reads alone (an ephemeral line, a direct message, a refusal, help, their
App Home) is in that reader's language: their `language` preference, else the language they
chose in the messenger itself when it says so (Slack's users.info locale), else the messenger's
default. A message read in a channel or group (a ticket's card, a public reply there) is in the
channel's language, the messenger's default: many people read it.
"""

import logging

from commands.answer import Answer
from commands.notify import NotifyConfig
from commands.ports import UnitOfWorkFactory
from workflows.kinds import Source

log = logging.getLogger(__name__)


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


async def preferred_language(uow: UnitOfWorkFactory, platform: Source, external_id: str,
                             answer: Answer | None = None) -> str | None:
    """The `language` this account's person chose, or None: as read with `answer`'s request
    when there is one (no statement of its own), else read now. The database away: None (the
    messenger's language still counts)."""
    if answer is not None and answer.language is not None:
        return answer.language or None
    try:
        async with uow() as work:
            person = await work.people.by_platform_id(platform, external_id)
            if person is None:
                return None
            prefs = (await work.preferences.get_many({person.id}, mutes=False)).get(person.id)
    except Exception:
        log.warning("could not read the preferences of %s", external_id, exc_info=True)
        return None
    return prefs.locale if prefs is not None and prefs.locale else None
