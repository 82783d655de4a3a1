"""Each person's notification preferences: mute a ticket, quiet hours, on/off, language."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands.actions.read import check_visible
from commands.answer import Answer
from commands.context import Context
from commands.messages import Mute, SetPreferences
from commands.people import zone_from
from workflows.errors import InvalidInput


async def mute(cmd: Mute, ctx: Context) -> Answer:
    async with ctx.uow() as uow:
        ticket = await uow.tickets.get(cmd.key)
        check_visible(ctx, ticket)
        assert ticket.id is not None
        changed = await uow.preferences.mute(ctx.person.id, ticket.id, cmd.muted)
        await uow.commit()
    state = "muted" if cmd.muted else "unmuted"
    return Answer(f"prefs.{state}" if changed else f"prefs.already_{state}", {"key": ticket.key},
                  public=False)


async def set_preferences(cmd: SetPreferences, ctx: Context) -> Answer:
    changes: dict[str, object] = {}
    if cmd.timezone is not None:
        try:
            ZoneInfo(cmd.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput("error.bad_timezone", zone=cmd.timezone[:64]) from None
        changes["timezone"] = cmd.timezone
    if cmd.notify is not None:
        changes["notify"] = cmd.notify != "off"
        changes["channel_only"] = cmd.notify == "channel"
    if cmd.quiet is not None:
        changes["quiet_from"], changes["quiet_to"] = cmd.quiet
    if cmd.quiet_off:
        changes["quiet_from"] = changes["quiet_to"] = None
    if cmd.locale is not None:
        changes["locale"] = cmd.locale
    async with ctx.uow() as uow:
        if changes:
            prefs = await uow.preferences.update(ctx.person.id, **changes)
            await uow.commit()
        else:
            prefs = (await uow.preferences.get_many({ctx.person.id}))[ctx.person.id]
    quiet = (f"{prefs.quiet_from:%H:%M}-{prefs.quiet_to:%H:%M}"
             if prefs.quiet_from and prefs.quiet_to else None)
    return Answer("prefs.saved" if changes else "prefs.show", {
        "notify": ("channel" if prefs.channel_only else "dm") if prefs.notify else "off",
        "quiet": quiet,
        "timezone": str(zone_from(prefs.timezone, ctx.org, ctx.person, ctx.notify.tz)),
        "locale": prefs.locale,
        "muted": len(prefs.muted_ticket_ids)}, public=False)
