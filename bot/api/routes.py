"""The /api/v1 endpoints. Each runs a chat command through the dispatcher as the token's
person, so the API can do exactly what that person could do in chat."""

from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.api import schemas as s
from bot.api.auth import Caller, problem
from bot.api.convert import history_entry, plain, result, text, ticket_out
from bot.api.endpoint import Endpoint, run_command
from bot.api.reports import ENDPOINT as REPORT
from bot.api.webhooks import endpoints as webhook_endpoints
from commands import messages as m
from commands.answer import Answer


def _mention(handle: str) -> m.Mention:
    return m.Mention(None, handle.strip().lstrip("@"))


async def _ticket_result(caller: Caller, answer: Answer, key: str) -> s.TicketResult:
    """The action's answer, with the ticket as it now is when the answer carries none."""
    if answer.ticket is None:
        shown = await run_command(caller, m.Show(key))
        answer = Answer(answer.key, answer.params, shown.ticket, shown.actions, zone=answer.zone)
    return result(caller, answer)


# -- tickets -----------------------------------------------------------------------------------

async def create(caller: Caller, posted: Any, _: dict[str, str]) -> tuple[int, BaseModel]:
    body: s.TicketCreate = posted.body
    command = m.Create(
        title=body.title, description=body.description, priority=body.priority,
        type=body.type, category=body.category, queue=body.queue,
        collaborators=tuple(_mention(h) for h in body.collaborators),
        assignee=_mention(body.assignee) if body.assignee else None, related=body.related)
    answer = await run_command(caller, command, posted.dedup_key)
    return 201, result(caller, answer)


async def get_ticket(caller: Caller, _: Any, path: dict[str, str]) -> tuple[int, BaseModel]:
    return 200, result(caller, await run_command(caller, m.Show(path["key"])))


async def search(caller: Caller, query: s.TicketQueryParams, _: dict[str, str]
                 ) -> tuple[int, BaseModel]:
    answer = await run_command(caller, m.SearchTickets(
        statuses=tuple(str(x) for x in query.status), queue=query.queue, team=query.team,
        assignee=query.assignee, requester=query.requester,
        priorities=tuple(str(p) for p in query.priority), types=tuple(str(t) for t in query.type),
        category=query.category, created_since=query.created_since,
        updated_since=query.updated_since, text=query.text, limit=query.limit,
        offset=query.offset))
    return 200, s.TicketPage(tickets=[ticket_out(t) for t in answer.params["tickets"]],
                             total=answer.params["total"], limit=query.limit,
                             offset=query.offset)


async def history(caller: Caller, _: Any, path: dict[str, str]) -> tuple[int, BaseModel]:
    answer = await run_command(caller, m.History(path["key"]))
    return 200, s.HistoryOut(key=answer.params["key"],
                             entries=[history_entry(line) for line in answer.params["lines"]])


async def sla(caller: Caller, _: Any, path: dict[str, str]) -> tuple[int, BaseModel]:
    answer = await run_command(caller, m.SlaStatus(path["key"]))
    found = answer.params.get("sla")
    return 200, s.SlaOut(key=answer.params["key"], tracked=found is not None,
                         message=text(caller, answer), sla=plain(found) if found else None)


# -- actions: body model and how it becomes the chat command -------------------------------------

def _act(build: Any) -> Any:
    async def work(caller: Caller, posted: Any, path: dict[str, str]) -> tuple[int, BaseModel]:
        key = path["key"]
        answer = await run_command(caller, build(key, posted.body), posted.dedup_key)
        return 200, await _ticket_result(caller, answer, key)
    return work


ACTIONS: dict[str, tuple[type[BaseModel], Any, str]] = {
    "claim": (s.EmptyBody, lambda k, b: m.Claim(k), "take the ticket yourself"),
    "assign": (s.AssignBody, lambda k, b: m.Assign(k, _mention(b.to), b.reason),
               "assign to a person of the ticket's team"),
    "transfer": (s.TransferBody, lambda k, b: m.Transfer(
        k, _mention(b.to) if b.to else None, b.team, b.reason),
        "hand over to another person or team, with a reason"),
    "cc": (s.CcBody, lambda k, b: m.AddCollaborators(k, tuple(_mention(h) for h in b.people)),
           "add collaborators"),
    "reply": (s.CommentBody, lambda k, b: m.Reply(k, b.text, tuple(map(_mention, b.mentions))),
              "reply to the requester (everyone on the ticket reads it)"),
    "note": (s.CommentBody, lambda k, b: m.Note(k, b.text, tuple(map(_mention, b.mentions))),
             "an internal note (agents only read it)"),
    "pend": (s.PendBody, lambda k, b: m.Pend(k, b.reason), "wait on someone, pausing the SLA"),
    "resume": (s.ReasonBody, lambda k, b: m.Resume(k, b.reason), "back in progress"),
    "priority": (s.PriorityBody, lambda k, b: m.SetPriority(k, b.priority, b.reason),
                 "change the priority"),
    "resolve": (s.ResolveBody, lambda k, b: m.Resolve(k, b.resolution), "resolve"),
    "reopen": (s.ReasonBody, lambda k, b: m.Reopen(k, b.reason), "reopen"),
    "close": (s.ReasonBody, lambda k, b: m.Close(k, b.reason), "close"),
    "cancel": (s.ReasonBody, lambda k, b: m.Cancel(k, b.reason), "cancel (withdraw)"),
    "link": (s.LinkBody, lambda k, b: m.Link(k, b.other), "link to another ticket"),
    "merge": (s.MergeBody, lambda k, b: m.Merge(k, b.into), "merge into another ticket"),
}


# -- people and teams: read from the organisation file ------------------------------------------

def _person(caller: Caller, handle: str, name: str) -> s.PersonDetail:
    org = caller.api.org
    teams = org.teams_of(handle)
    return s.PersonDetail(handle=handle, name=name, teams=[t.key for t in teams],
                          leads=[t.key for t in org.teams.values() if handle in t.leads],
                          admin=handle in org.admins)


async def people(caller: Caller, _: Any, __: dict[str, str]) -> tuple[int, BaseModel]:
    return 200, s.PeoplePage(people=[_person(caller, p.handle, p.name)
                                     for p in caller.api.directory])


async def person(caller: Caller, _: Any, path: dict[str, str]) -> tuple[int, BaseModel]:
    handle = path["handle"].lstrip("@").lower()
    for entry in caller.api.directory:
        if entry.handle == handle:
            return 200, _person(caller, entry.handle, entry.name)
    raise problem(caller.catalog, 404, "not-found", None,
                  caller.words("api.problem.unknown_person", name=handle))


def _team(team: Any) -> s.TeamOut:
    return s.TeamOut(key=team.key, name=team.name, leads=list(team.lead_list),
                     members=list(team.member_order or sorted(team.members)),
                     skills=sorted(team.skills), assignment=str(team.assignment.strategy))


async def teams(caller: Caller, _: Any, __: dict[str, str]) -> tuple[int, BaseModel]:
    return 200, s.TeamsPage(teams=[_team(t) for t in caller.api.org.teams.values()])


async def team(caller: Caller, _: Any, path: dict[str, str]) -> tuple[int, BaseModel]:
    found = caller.api.org.team(path["team"])
    if found is None:
        org = caller.api.org
        raise problem(caller.catalog, 404, "not-found", None, caller.catalog.text(
            "error.unknown_team", team=path["team"][:64], teams=", ".join(sorted(org.teams))))
    return 200, _team(found)


READ, WRITE = "tickets:read", "tickets:write"


def endpoints() -> list[Endpoint]:
    found = [
        Endpoint("POST", "/tickets", "createTicket", "open a ticket", WRITE, create,
                 s.TicketResult, 201, body=s.TicketCreate),
        Endpoint("GET", "/tickets", "searchTickets", "list and search tickets", READ, search,
                 s.TicketPage, query=s.TicketQueryParams, refusals=(403, 422)),
        Endpoint("GET", "/tickets/{key}", "getTicket", "one ticket", READ, get_ticket,
                 s.TicketResult),
        Endpoint("GET", "/tickets/{key}/history", "getHistory", "the audit trail", READ,
                 history, s.HistoryOut),
        Endpoint("GET", "/tickets/{key}/sla", "getSla", "SLA clocks and next step", READ, sla,
                 s.SlaOut),
    ]
    for verb, (body, build, summary) in ACTIONS.items():
        found.append(Endpoint("POST", f"/tickets/{{key}}/{verb}", f"{verb}Ticket", summary,
                              WRITE, _act(build), s.TicketResult, body=body,
                              refusals=(404, 403, 409, 422)))
    found += [
        Endpoint("GET", "/people", "listPeople", "people of the organisation", READ, people,
                 s.PeoplePage, refusals=()),
        Endpoint("GET", "/people/{handle}", "getPerson", "one person", READ, person,
                 s.PersonDetail, refusals=(404,)),
        Endpoint("GET", "/teams", "listTeams", "teams", READ, teams, s.TeamsPage, refusals=()),
        Endpoint("GET", "/teams/{team}", "getTeam", "one team", READ, team, s.TeamOut,
                 refusals=(404,)),
    ]
    return [*found, REPORT, *webhook_endpoints()]


def routes() -> list[BaseRoute]:
    from bot.api.openapi import document

    table = endpoints()

    async def openapi(_: Request) -> Response:
        return JSONResponse(document(table))

    return [Route("/openapi.json", openapi, methods=["GET"]), *(e.route() for e in table)]



