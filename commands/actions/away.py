"""`away until Monday` and `back`: people who are away are skipped by automatic assignment."""

from datetime import datetime
from zoneinfo import ZoneInfo

from commands.answer import Answer
from commands.context import Context
from commands.messages import Back, Mention, SetAway
from commands.people import resolve_mention, zone_of
from commands.ports import TicketQuery, UnitOfWork
from commands.visibility import shielded
from workflows.away import back_at
from workflows.errors import InvalidInput, NotAllowed
from workflows.people import Person
from workflows.status import OPEN_STATUSES


def local_day(moment: datetime, tz: ZoneInfo) -> dict[str, object]:
    """A day as templates show it: `Mon 2026-03-09` in the person's zone, in either language."""
    local = moment.astimezone(tz)
    return {"date": f"{local:%Y-%m-%d}", "weekday": local.weekday(), "zone": str(tz)}


async def _target(uow: UnitOfWork, ctx: Context, who: Mention | None) -> Person:
    """Oneself, or (for a lead or admin) a member of a team they lead."""
    person = ctx.person if who is None else await resolve_mention(uow, who, ctx.clock.now())
    org = ctx.org
    if not org.is_agent(person.handle):
        raise InvalidInput("error.away_not_agent", person=person.label)
    if person.id != ctx.person.id and ctx.person.handle not in org.admins and not any(
            ctx.person.handle in team.leads for team in org.teams_of(person.handle)):
        raise NotAllowed("error.away_others", person=person.label)
    return person


async def set_away(cmd: SetAway, ctx: Context) -> Answer:
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        person = await _target(uow, ctx, cmd.who)
        tz = await zone_of(uow, ctx.org, person, ctx.notify.tz)
        until = back_at(cmd.day, now, tz)
        await uow.away.set(person.id, until, now)
        tickets, total = await uow.tickets.find(
            shielded(TicketQuery(assignee_id=person.id, statuses=OPEN_STATUSES, limit=10),
                     ctx.org, ctx.person))
        await uow.commit()
    return Answer("away.set", {
        "who": person.label, "mine": person.id == ctx.person.id, **local_day(until, tz),
        "open": [t.key for t in tickets], "open_total": total}, public=False)


async def back(cmd: Back, ctx: Context) -> Answer:
    async with ctx.uow() as uow:
        person = await _target(uow, ctx, cmd.who)
        was_away = await uow.away.clear(person.id)
        await uow.commit()
    key = "away.back" if was_away else "away.not_away"
    return Answer(key, {"who": person.label, "mine": person.id == ctx.person.id}, public=False)
