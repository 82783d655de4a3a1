"""`list`: my work, my requests, a team's queue (unassigned first, for triage), tickets nobody
has yet, overdue tickets (either clock past due), tickets at risk (warned about, not yet breached),
or tickets by status."""

from dataclasses import replace
from typing import Any

from commands.answer import Answer
from commands.context import Context
from commands.messages import ListTickets
from commands.ports import TicketQuery
from commands.visibility import shielded
from workflows.errors import InvalidInput, NotAllowed
from workflows.status import OPEN_STATUSES, Status
from workflows.ticket import Ticket

_STATUS_WORDS: dict[str, Status] = {
    **{s.value: s for s in Status},
    "in-progress": Status.IN_PROGRESS, "progress": Status.IN_PROGRESS, "open": Status.NEW,
    "新建": Status.NEW, "已指派": Status.ASSIGNED, "处理中": Status.IN_PROGRESS,
    "待定": Status.PENDING, "等待": Status.PENDING, "挂起": Status.SUSPENDED,
    "已解决": Status.RESOLVED, "已关闭": Status.CLOSED, "已取消": Status.CANCELLED,
}


def _query(cmd: ListTickets, ctx: Context) -> tuple[str, TicketQuery, dict[str, Any]]:
    me = ctx.person
    org = ctx.org
    agent = org.is_agent(me.handle)
    my_teams = tuple(t.key for t in org.teams_of(me.handle))
    scope_teams = () if me.handle in org.admins else my_teams
    scope = cmd.scope
    if scope == "auto":
        scope = "mine" if agent else "requests"
    if scope == "mine":
        return scope, TicketQuery(assignee_id=me.id, statuses=OPEN_STATUSES), {}
    if scope == "requests":
        statuses = (*OPEN_STATUSES, Status.RESOLVED)
        return scope, TicketQuery(requester_id=me.id, statuses=statuses), {}
    if not agent and scope != "status":
        raise NotAllowed("error.agents_only", scope=scope.replace("_", "-"))
    if scope == "team":
        team = cmd.team or (my_teams[0] if my_teams else None)
        if team is None or org.team(team) is None:
            raise InvalidInput("error.unknown_team", team=cmd.team or "",
                               teams=", ".join(sorted(org.teams)))
        query = TicketQuery(teams=(team,), statuses=OPEN_STATUSES, unassigned_first=True)
        return scope, query, {"team": team}
    if scope == "triage":
        if cmd.team is not None and org.team(cmd.team) is None:
            raise InvalidInput("error.unknown_team", team=cmd.team,
                               teams=", ".join(sorted(org.teams)))
        teams = (cmd.team,) if cmd.team else scope_teams
        query = TicketQuery(teams=teams, statuses=OPEN_STATUSES, unassigned=True)
        return scope, query, {"team": ", ".join(teams) or None}
    if scope == "overdue":
        query = TicketQuery(teams=scope_teams, statuses=OPEN_STATUSES,
                            overdue_at=ctx.clock.now())
        return scope, query, {}
    if scope == "at_risk":
        query = TicketQuery(teams=scope_teams, statuses=OPEN_STATUSES,
                            at_risk_at=ctx.clock.now())
        return scope, query, {}
    if scope == "status":
        statuses = []
        for word in cmd.statuses:
            status = _STATUS_WORDS.get(word.lower())
            if status is None:
                raise InvalidInput("error.bad_status", word=word[:40],
                                   statuses=", ".join(s.value for s in Status))
            statuses.append(status)
        # Requesters filter their own requests by status; agents, their teams' tickets.
        query = (TicketQuery(teams=scope_teams, statuses=tuple(statuses)) if agent
                 else TicketQuery(requester_id=me.id, statuses=tuple(statuses)))
        return scope, query, {"statuses": ", ".join(s.value for s in statuses)}
    # Say whose tickets these are: a lead reads their teams' queue, an admin every team's.
    names = [team.name for key in scope_teams if (team := org.team(key)) is not None]
    return "all", TicketQuery(teams=scope_teams, statuses=OPEN_STATUSES), {"teams": names}


async def list_tickets(cmd: ListTickets, ctx: Context) -> Answer:
    scope, query, params = _query(cmd, ctx)
    if cmd.types:
        query = replace(query, types=cmd.types)
    query = shielded(query, ctx.org, ctx.person)  # an admin's every-team list included
    async with ctx.uow() as uow:
        tickets, total = await uow.tickets.find(query)
        waiting = total
        if scope == "team":
            _, waiting = await uow.tickets.find(replace(query, unassigned=True, limit=0))
    if scope in ("overdue", "at_risk"):  # which clock, due when: what to act on first
        now = ctx.clock.now()
        clocks = (Ticket.late_clocks if scope == "overdue" else Ticket.at_risk_clocks)
        params["clocks"] = {t.key: clocks(t, now) for t in tickets}
    return Answer("ticket.list", {"scope": scope, "total": total,
                                  "tickets": ctx.with_workflows(tickets),
                                  "waiting": waiting, **params}, public=False)
