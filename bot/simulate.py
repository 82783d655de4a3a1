"""`ticketbot sla simulate`: a ticket's SLA timeline under a policy, from the command line, with
no database: due times, warnings and the escalation steps the sweep would do (the same functions,
on an in-memory ticket: workflows.sla_dry_run)."""

import argparse
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from notifications.text import Catalog
from workflows.kinds import TicketType
from workflows.organisation import Organisation
from workflows.priority import Priority
from workflows.sla_clock import SlaSnapshot, SlaState
from workflows.sla_dry_run import Act
from workflows.sla_policy import Clock, Facts
from workflows.sla_report import hours_kind, simulate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--priority", default="P3", help="P1-P5 (default P3)")
    parser.add_argument("--queue", help="default: the organisation's default queue")
    parser.add_argument("--type", default="incident", help="incident, request, change, task")
    parser.add_argument("--category")
    parser.add_argument("--group", help="a requester group")
    parser.add_argument("--policy", help="use this policy instead of the matching one")
    parser.add_argument("--at", help="when the ticket opens, ISO 8601 (default: now), "
                        "e.g. 2026-09-30T17:00+08:00")
    parser.add_argument("--respond-at", help="when an agent first responds (default: never)")
    parser.add_argument("--pause", action="append", default=[], metavar="FROM/TO",
                        help="a pending period, ISO 8601 instants separated by '/'; repeatable")
    parser.add_argument("--locale", choices=["en", "zh-CN"],
                        help="the language of the output (default: TICKETBOT_LOCALE)")
    parser.add_argument("--zone", help="show times in this IANA zone (default: the calendar's)")


def _instant(text: str, tz: ZoneInfo) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _pause(text: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start, end = (_instant(part, tz) for part in text.split("/", 1))
    return start, end


def run(org: Organisation, args: argparse.Namespace, now: datetime) -> list[str]:
    priority = Priority.parse(args.priority)
    ticket_type = TicketType.parse(args.type)
    queue = org.queue(args.queue or org.default_queue)
    words = Catalog(args.locale or "en", ZoneInfo("UTC"))
    if priority is None or ticket_type is None or queue is None:
        raise ValueError(words.text("sla.simulate.error"))
    book = org.sla
    groups = frozenset({args.group}) if args.group else frozenset()
    facts = Facts(queue.key, queue.default_team, ticket_type, args.category, groups)
    if args.policy:
        if args.policy not in {p.name for p in book.policies}:
            raise ValueError(words.text("sla.simulate.unknown_policy", policy=args.policy))
        policy = book.policy(args.policy)
    else:
        policy = book.match(facts)
    calendar = book.calendar(policy.calendar_for(priority))
    opened = _instant(args.at, calendar.tz) if args.at else now
    pauses = [_pause(text, calendar.tz) for text in args.pause]
    responded = _instant(args.respond_at, calendar.tz) if args.respond_at else None
    team = org.team(queue.default_team)
    agent = team.takers[0] if team is not None and team.takers else None
    # An agent responds by taking the ticket. A pend needs an owner and is a first response, so
    # a pause before the response is preceded by a claim, as it would be in chat.
    claim_at = min([start for start, _ in pauses] + ([responded] if responded else []),
                   default=None)
    acts: tuple[Act, ...] = ()
    if agent is not None and claim_at is not None:
        acts = (Act(claim_at, "claim", agent),
                *(Act(at, what, agent) for start, end in pauses
                  for at, what in ((start, "pend"), (end, "resume"))))
    zone = ZoneInfo(args.zone) if getattr(args, "zone", None) else calendar.tz
    catalog = Catalog(args.locale or "en", zone)
    business, workday = hours_kind(calendar)
    kind = SimpleNamespace(business=business, workday=workday)
    state = SlaState(SlaSnapshot.of(policy, priority), started_at=opened)
    due = {c: state.due(c, calendar) for c in Clock}
    # Every word through the catalog: an operator reading zh-CN reads no English.
    lines = [
        catalog.text("sla.simulate.header", priority=priority.value, type=ticket_type.value,
                     queue=queue.key, policy=policy.name, calendar=calendar.name,
                     timezone=str(calendar.tz), opened=catalog.format_time(opened)),
        *(catalog.text("sla.simulate.clock", clock=c.value,
                       target=catalog.format_target(state.snapshot.targets.of(c), kind)
                       if due[c] else None,
                       due=catalog.format_time(due[c]) if due[c] else None)
          for c in Clock),
        *(catalog.text("sla.simulate.pause", start=catalog.format_time(start),
                       end=catalog.format_time(end)) for start, end in pauses),
    ]
    if acts and claim_at != responded:
        lines.append(catalog.text("sla.simulate.claimed", by=agent,
                                  at=catalog.format_time(claim_at)))
    for step in simulate(org, policy, priority, facts, opened, acts):
        text = catalog.text(step.template, clock=step.clock, number=step.number,
                            action=step.action, percent=step.percent, to=step.to)
        lines.append(f"  {catalog.format_time(step.at)}  {text}")
    return lines
