"""Commands: what a user asked for, already parsed, platform-neutral. One dataclass per action."""

from dataclasses import dataclass, field
from datetime import datetime, time

from workflows.actions import Action
from workflows.away import Day
from workflows.kinds import Source, TicketType
from workflows.priority import Priority


@dataclass(frozen=True, slots=True)
class Mention:
    """A person as written in chat: a handle (`@bob`) or a platform user id (Slack, DingTalk)."""

    platform: Source | None  # None: a handle or display name typed by a person
    value: str
    name: str | None = None

    def __str__(self) -> str:
        return "@" + (self.name or self.value)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is talking, as the platform knows them."""

    platform: Source
    user_id: str  # Slack user id, DingTalk staffId, or the console handle
    name: str | None = None
    channel: str | None = None  # where they wrote: Slack channel, DingTalk group, console channel
    # The chat the message came in (a group, a card's channel, a one-to-one chat with the bot),
    # when the adapter knows it: a comment said there is not repeated there (card_places).
    conversation: str | None = None


@dataclass(frozen=True, slots=True)
class Create:
    title: str
    description: str = ""
    priority: Priority | None = None
    type: TicketType | None = None
    category: str | None = None
    queue: str | None = None
    collaborators: tuple[Mention, ...] = ()
    custom_type: str | None = None  # with `type`: an organisation's own type (laptop_request)
    assignee: Mention | None = None  # only agents may set it (the create modal's picker)
    origin_channel: str | None = None  # where it was raised, for the card and its thread
    origin_ts: str | None = None  # the chat message it was raised from (shortcut, reaction)
    # Filed for someone else (a shortcut or reaction on their message): they are the requester;
    # the person running the command is recorded as who filed it.
    requester: Mention | None = None
    related: str | None = None  # an earlier ticket this one follows up (`related:IT-4`)
    team: str | None = None  # a schedule's work order goes to the schedule's team
    planned: "Planned | None" = None  # made by a schedule: its history says which one
    checklist: tuple[tuple[str, bool], ...] = ()  # (text, required): a work order's steps
    asset: str | None = None  # a registered asset's name (`asset:UPS-1`)
    fields: tuple[tuple[str, str], ...] = ()  # (name, typed value): the type's own fields
    field_people: tuple[tuple[str, Mention], ...] = ()  # person fields picked in a modal


@dataclass(frozen=True, slots=True)
class Planned:
    schedule: str
    due: datetime
    late: bool


@dataclass(frozen=True, slots=True)
class Claim:
    key: str


@dataclass(frozen=True, slots=True)
class Assign:
    key: str
    to: Mention
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class BulkAssign:
    """`assign IT-4 IT-7 IT-9 @carol`: several tickets to one person (leads and admins)."""

    keys: tuple[str, ...]
    to: Mention
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Transfer:
    key: str
    to: Mention | None = None
    team: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class AddCollaborators:
    key: str
    people: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class Reply:
    key: str
    text: str
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class Note:
    key: str
    text: str
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class Pend:
    key: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class Resume:
    key: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Approve:
    key: str
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Reject:
    key: str
    reason: str | None  # required: the use case refuses a rejection without one


@dataclass(frozen=True, slots=True)
class SetPriority:
    key: str
    priority: Priority
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Resolve:
    key: str
    resolution: str | None


@dataclass(frozen=True, slots=True)
class Reopen:
    key: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Close:
    key: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Cancel:
    key: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Suspend:
    key: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class Urge:
    key: str
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    key: str
    other: str


@dataclass(frozen=True, slots=True)
class LinkMe:
    """`link me`: a one-time code to say on another messenger, which links that account."""


@dataclass(frozen=True, slots=True)
class LinkCode:
    """`link ABCD-EFGH`, said on the other messenger: this account becomes the code's person's."""

    code: str  # upper case, without the dash


@dataclass(frozen=True, slots=True)
class Unlink:
    """`unlink <messenger>`: forget one's account there (said from another messenger)."""

    platform: str


@dataclass(frozen=True, slots=True)
class Merge:
    key: str
    into: str


@dataclass(frozen=True, slots=True)
class Rate:
    key: str
    score: int
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class SetFields:
    """`set IT-4 risk=high`: values of the ticket type's own fields."""

    key: str
    fields: tuple[tuple[str, str], ...]
    field_people: tuple[tuple[str, Mention], ...] = ()  # person fields picked in a modal


@dataclass(frozen=True, slots=True)
class Show:
    key: str


@dataclass(frozen=True, slots=True)
class History:
    key: str


@dataclass(frozen=True, slots=True)
class ListTickets:
    scope: str = "auto"  # auto, mine, requests, team, overdue, at_risk, status, all
    team: str | None = None
    statuses: tuple[str, ...] = field(default_factory=tuple)
    types: tuple[str, ...] = ()  # built-in types or own types' ids (`list type:laptop`)


@dataclass(frozen=True, slots=True)
class SearchTickets:
    """Tickets by any of these filters (the REST API's search). Agents search every ticket;
    anyone else only their own requests. People are handles; `assignee="none"`: unassigned."""

    statuses: tuple[str, ...] = ()
    queue: str | None = None
    team: str | None = None
    assignee: str | None = None
    requester: str | None = None
    priorities: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    category: str | None = None
    created_since: datetime | None = None
    updated_since: datetime | None = None
    text: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Mute:
    key: str
    muted: bool = True


@dataclass(frozen=True, slots=True)
class SetPreferences:
    """`notify dm|channel|off`, `quiet 19:00-08:00 [Asia/Shanghai]|off`, `language en|zh-CN`;
    with no field set, shows the current preferences."""

    notify: str | None = None  # dm, channel or off
    quiet: tuple[time, time] | None = None
    quiet_off: bool = False
    timezone: str | None = None
    locale: str | None = None


@dataclass(frozen=True, slots=True)
class May:
    """May I do this to that ticket now? Asked before opening a form for the action."""

    key: str
    action: Action


@dataclass(frozen=True, slots=True)
class SetAway:
    """`away until Monday`; a lead may say `away @bob until Monday`."""

    day: Day
    who: Mention | None = None


@dataclass(frozen=True, slots=True)
class Back:
    who: Mention | None = None


@dataclass(frozen=True, slots=True)
class ExplainRoute:
    """`route explain VPN down on floor 3`: what routing would do with such a ticket, and why."""

    ticket: Create


@dataclass(frozen=True, slots=True)
class SlaStatus:
    key: str


@dataclass(frozen=True, slots=True)
class SlaExplain:
    """Dry run: which policy and calendar a ticket opened now would get, and its due times."""

    priority: Priority
    queue: str | None = None
    type: TicketType | None = None
    category: str | None = None
    group: str | None = None
    everything: bool = False  # `… all`: the whole timeline, however long


@dataclass(frozen=True, slots=True)
class Report:
    """`report [period] [team X] [@person] [by category|agent|priority]`: the period's figures.
    The period stays words here: what `last week` means depends on the day it is asked."""

    period: str = ""  # empty: this month
    team: str | None = None
    who: Mention | None = None
    by: str | None = None  # category | agent | priority


@dataclass(frozen=True, slots=True)
class Export:
    """`export 2026-11 [team X]` (导出): the period's tickets as CSV and XLSX files."""

    period: str = ""
    team: str | None = None


@dataclass(frozen=True, slots=True)
class KbSearch:
    """`kb vpn drops every hour` / `知识库 VPN 断线`: the best few articles."""

    query: str


@dataclass(frozen=True, slots=True)
class KbShow:
    article: int


@dataclass(frozen=True, slots=True)
class KbNew:
    """`kb new [internal] <title> -- <body>`: an article written in chat (agents)."""

    title: str
    body: str
    internal: bool = False


@dataclass(frozen=True, slots=True)
class KbSave:
    """`kb save IT-42 [title]`: an article from a resolved ticket, its resolution the answer."""

    key: str
    title: str | None = None
    internal: bool = False


@dataclass(frozen=True, slots=True)
class KbEdit:
    """`kb edit KB-3 [title: …] [-- body] [public|internal]`."""

    article: int
    title: str | None = None
    body: str | None = None
    visibility: str | None = None


@dataclass(frozen=True, slots=True)
class KbRetire:
    article: int
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class KbHistory:
    article: int


@dataclass(frozen=True, slots=True)
class SolvedBy:
    """`solved IT-42 by KB-3` (or `solved by KB-3` right after creating it): self-service."""

    article: int
    key: str | None = None  # None: the requester's latest open ticket


@dataclass(frozen=True, slots=True)
class Help:
    topic: str | None = None


# --- schedules ---


@dataclass(frozen=True, slots=True)
class ScheduleAdd:
    """`schedule add "name" <rule> HH:MM team:… P4 …`: what was typed, checked by the use case."""

    name: str
    rule: str  # the recurrence phrase as typed (parsed by the use case, to answer with it)
    at: time | None
    team: str | None = None
    priority: Priority | None = None
    type: TicketType | None = None
    calendar: str | None = None
    timezone: str | None = None
    start: str | None = None  # ISO date
    until: str | None = None
    count: int | None = None
    pause_after: int | None = None
    off_days: str | None = None  # skip / next / previous / keep
    catch_up: str | None = None  # all / latest / none
    description: str = ""
    asset: str | None = None  # preventive maintenance of one asset…
    asset_type: str | None = None  # …or of every asset of a type


@dataclass(frozen=True, slots=True)
class Check:
    """`check IT-42 2`: tick checklist item 2."""

    key: str
    number: int


@dataclass(frozen=True, slots=True)
class ScheduleList:
    pass


@dataclass(frozen=True, slots=True)
class ScheduleNext:
    name: str
    count: int = 5


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    name: str
    action: str  # pause / resume / remove


@dataclass(frozen=True, slots=True)
class WithFields:
    """A transition given the type's fields its `requires` names (a guided dialogue's answers,
    a Slack transition modal): the fields are set and the transition made in one transaction."""

    key: str
    fields: tuple[tuple[str, str], ...]
    then: "Command"
    field_people: tuple[tuple[str, Mention], ...] = ()  # person fields picked in a modal


@dataclass(frozen=True, slots=True)
class AssetShow:
    """`asset show UPS-1` (资产 UPS-1): the registered asset and the tickets that name it."""

    name: str


Command = (
    Create | Claim | Assign | BulkAssign | Transfer | AddCollaborators | Reply | Note | Pend
    | Resume | SetPriority | Resolve | Reopen | Close | Cancel | Suspend | Urge | Link | Merge
    | LinkMe | LinkCode | Unlink
    | Rate | Show | SetFields | History | ListTickets | SearchTickets | Mute | SetPreferences | May | SetAway
    | Back | ExplainRoute | SlaStatus | SlaExplain | Report | Export | Help
    | ScheduleAdd | ScheduleList | ScheduleNext | ScheduleChange | Check
    | KbSearch | KbShow | KbNew | KbSave | KbEdit
    | KbRetire | KbHistory | SolvedBy | AssetShow | Approve | Reject | WithFields
)
