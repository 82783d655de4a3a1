"""Turning chat identities and @-mentions into people."""

import difflib
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from commands.messages import Identity, Mention
from commands.ports import UnitOfWork
from workflows.errors import InvalidInput
from workflows.kinds import Source
from workflows.organisation import Organisation
from workflows.people import Person

_HANDLE_CHARS = re.compile(r"[^\w.-]+")


def handle_from(name: str | None, fallback: str) -> str:
    handle = _HANDLE_CHARS.sub("", (name or "").strip().lower().replace(" ", "."))
    return handle or fallback.lower()


async def identify(uow: UnitOfWork, who: Identity, now: datetime) -> tuple[Person, bool]:
    """The person behind a chat user, and whether something was recorded that must stay even if
    the request is refused: the person (first time seen), or that they now write from another
    messenger. Two first contacts at once (replicas, a double click) end with the one person."""
    if who.platform in (Source.CONSOLE, Source.API):
        person = await uow.people.by_handle(who.user_id.lower())
        if person is None:
            return await uow.people.add(who.user_id.lower(), who.name or who.user_id, now)
        return person, False
    person = await uow.people.by_platform_id(who.platform, who.user_id)
    if person is None:
        person, new = await uow.people.add(handle_from(who.name, who.user_id),
                                           who.name or who.user_id, now, who.platform, who.user_id)
    else:
        new = False
    moved = await uow.people.spoke(person, who.platform, who.user_id, now)
    return person, new or moved


async def resolve_mention(uow: UnitOfWork, mention: Mention, now: datetime) -> Person:
    if mention.platform is not None:
        person = await uow.people.by_platform_id(mention.platform, mention.value)
        if person is None:
            person, _ = await uow.people.add(handle_from(mention.name, mention.value),
                                             mention.name or mention.value, now,
                                             mention.platform, mention.value)
        return person
    person = await uow.people.by_handle(mention.value.lower())
    if person is not None:
        return person
    named = await uow.people.by_name(mention.value)
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise InvalidInput("error.ambiguous_person", name=mention.value,
                           candidates=", ".join("@" + p.handle for p in named))
    guess = difflib.get_close_matches(mention.value.lower(), await uow.people.handles(), n=1)
    raise InvalidInput("error.unknown_person", name=mention.value,
                       suggestion=guess[0] if guess else None)


async def resolve_mentions(uow: UnitOfWork, mentions: tuple[Mention, ...], now: datetime
                           ) -> list[Person]:
    people: list[Person] = []
    for mention in mentions:
        person = await resolve_mention(uow, mention, now)
        if all(p.id != person.id for p in people):
            people.append(person)
    return people


async def zone_of(uow: UnitOfWork, org: Organisation, person: Person, default: ZoneInfo) -> ZoneInfo:
    """A person's time zone: their own setting, the organisation file, their team's, the
    organisation's, else default (TICKETBOT_TIMEZONE)."""
    return zone_from(await uow.people.own_zone(person.id), org, person, default)


def zone_from(own: str | None, org: Organisation, person: Person, default: ZoneInfo) -> ZoneInfo:
    """`zone_of` with the person's own setting already at hand."""
    if own:
        return ZoneInfo(own)
    profile = org.profile(person.handle)
    if profile.tz is not None:
        return profile.tz
    teams = org.teams_of(person.handle)
    if teams:
        return teams[0].assignment.tz
    # The organisation file's `timezone` defaults to UTC: an unset one defers to the setting.
    return org.tz if str(org.tz) != "UTC" else default
