"""What the use cases need from the outside world. storage/ implements these; tests may fake them."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from workflows.alerts import Alert
from workflows.assets import Asset
from workflows.confidential import Shield
from workflows.kinds import Source
from workflows.knowledge import Article, Revision, SimilarTicket, Visibility
from workflows.people import Person
from workflows.priority import Priority
from workflows.reports.facts import TicketFacts
from workflows.status import Status
from workflows.ticket import Ticket
from workflows.webhooks import Subscription
from workflows.work_order import Schedule

if TYPE_CHECKING:
    from commands.messages import Mention


@dataclass(frozen=True, slots=True)
class TicketQuery:
    assignee_id: int | None = None
    requester_id: int | None = None
    teams: tuple[str, ...] = ()
    unassigned: bool = False
    statuses: tuple[Status, ...] = ()
    # Open tickets with a clock (first response, resolution) past its due time at this instant
    overdue_at: datetime | None = None
    # ... or warned about and not yet breached (Ticket.at_risk_clocks says the same in Python)
    at_risk_at: datetime | None = None
    unassigned_first: bool = False
    limit: int = 20
    # The REST API's search filters (chat's `list` leaves them empty)
    queues: tuple[str, ...] = ()
    priorities: tuple[Priority, ...] = ()
    types: tuple[str, ...] = ()
    category: str | None = None
    created_since: datetime | None = None
    updated_since: datetime | None = None
    text: str | None = None  # in the title or the description, case-insensitively
    offset: int = 0
    newest_first: bool = False
    # Confidential tickets to leave out, unless the viewer is inside them (commands.visibility)
    shield: Shield | None = None


@dataclass(frozen=True, slots=True)
class HistoryLine:
    at: datetime
    actor: str | None  # None: the system
    action: str
    from_status: str | None
    to_status: str | None
    changes: dict
    reason: str | None
    source: str
    internal: bool


@dataclass(frozen=True, slots=True)
class CommentLine:
    at: datetime
    author: str | None
    body: str
    internal: bool


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One message the bot has promised to send, written in the same transaction as the change.

    `params` is a JSON-safe snapshot: the words are rendered at delivery time from `template`
    in the recipient's locale, so a template fix applies to messages not yet sent.
    """

    idempotency_key: str
    ticket_id: int | None
    ticket_key: str | None
    event: str
    platform: Source
    address: str  # Slack channel or user id, DingTalk openConversationId or staffId, console name
    template: str
    params: dict[str, Any]
    locale: str
    urgent: bool
    created_at: datetime
    not_before: datetime
    thread: str | None = None
    person_id: int | None = None
    # A burst's one notice (commands/duplicate_burst.py): a row with the same key, still
    # pending, gets this one's `duplicates` appended and its `count` added instead.
    appends: bool = False


@dataclass(frozen=True, slots=True)
class Preferences:
    person_id: int
    notify: bool = True  # False: no direct messages at all (channel posts still happen)
    channel_only: bool = False  # no DMs: @-mentioned in the ticket's channel or thread instead
    platform: Source | None = None  # None: pick from the ticket's platform and known ids
    locale: str | None = None
    quiet_from: time | None = None
    quiet_to: time | None = None
    timezone: str | None = None
    muted_ticket_ids: frozenset[int] = frozenset()
    # What a messenger says they read there: (that messenger, a catalog locale); `locale` wins.
    messenger_locale: tuple[Source, str] | None = None


@dataclass(frozen=True, slots=True)
class Claimed:
    """An outbox row a relay has taken for delivery (under a lease)."""

    id: int
    idempotency_key: str
    ticket_id: int | None
    ticket_key: str | None
    event: str
    platform: str
    address: str
    thread: str | None
    template: str
    params: dict[str, Any]
    locale: str
    urgent: bool
    attempts: int
    uncertain: bool  # an earlier attempt may have been delivered
    created_at: datetime
    token: int  # this claim's fencing token: every later write of the row must present it

    @property
    def is_card(self) -> bool:
        return self.template == "card"


@dataclass(frozen=True, slots=True)
class Delivered:
    """Rows one message carried (as claimed), the platform's id for it, and, for a newly
    posted card, where it now lives (ticket id, platform, address)."""

    rows: list[Claimed]
    ref: str | None
    card: tuple[int, str, str] | None = None


@dataclass(frozen=True, slots=True)
class OutboxStats:
    pending: int
    sending: int
    sent: int
    dead: int
    oldest_due: datetime | None  # the lag: how long the oldest deliverable row has waited


@dataclass(frozen=True, slots=True)
class OutboxDue:
    """What a relay needs after a sweep to know when to look again (one statement)."""
    oldest: datetime | None  # the oldest live row due now (the lag)
    pending_now: bool  # a pending row is due now (queued behind its stream, or not claimed)
    next_at: datetime | None  # the next pending row's time, or the next lease to run out


class OutboxStore(Protocol):
    """The relay's side of the outbox; each call is its own short transaction.

    Every write after a claim is fenced: it changes only rows still held by the claim the
    given `Claimed` came from, and returns how many it changed (fewer: a newer claim has
    them, after this one's lease ran out)."""

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[Claimed]: ...
    async def renew(self, rows: list[Claimed], until: datetime) -> int:
        """Extend the lease of the rows this claim still holds."""
        ...
    async def mark_sent(self, delivered: list[Delivered], now: datetime) -> int:
        """Delivered (a destination's worth at once), with where new cards now live."""
        ...
    async def retry_later(self, rows: list[Claimed], when: datetime, error: str | None,
                          maybe_sent: bool = False, count_attempt: bool = True) -> int:
        """Back to pending until `when`; a row stays "maybe sent" once it was, and becomes so
        if this attempt `maybe_sent`."""
        ...
    async def mark_dead(self, rows: list[Claimed], error: str) -> int: ...
    async def stats(self, now: datetime) -> OutboxStats: ...
    async def oldest_due(self, now: datetime) -> datetime | None: ...
    async def due(self, now: datetime) -> OutboxDue: ...
    async def remember_card(self, ticket_id: int, platform: str, address: str, ref: str) -> None:
        """Where a ticket's card now lives on a destination (for updates and its thread)."""
        ...


class Duplicate(Exception):
    """This inbound action (same platform id) was handled before: do nothing again."""


class InboundRepository(Protocol):
    async def seen(self, platform: Source, key: str) -> bool: ...
    async def remember(self, platform: Source, key: str, now: datetime) -> None:
        """Record the key in the current transaction; Duplicate if it is already there."""
        ...


class OutboxRepository(Protocol):
    async def add(self, messages: list[OutboxMessage]) -> None: ...


class PreferenceRepository(Protocol):
    async def get_many(self, person_ids: set[int], *,
                       mutes: bool = True) -> dict[int, Preferences]: ...
    async def update(self, person_id: int, **changes: Any) -> Preferences: ...
    async def mute(self, person_id: int, ticket_id: int, muted: bool) -> bool: ...


class TicketRepository(Protocol):
    async def get(self, key: str, *, for_update: bool = False) -> Ticket: ...
    async def add(self, ticket: Ticket) -> Ticket: ...
    async def save(self, ticket: Ticket) -> None: ...
    async def add_many(self, tickets: Sequence[Ticket]) -> None:
        """Number new tickets, each queue's numbers taken at once."""

    async def insert_many(self, tickets: Sequence[Ticket]) -> None:
        """Write numbered new tickets and their audit lines, set-based."""
    async def get_many(self, keys: Sequence[str]) -> list[Ticket]:
        """Those of `keys` that exist, locked for update (a batch of SLA steps)."""
        ...
    async def save_many(self, tickets: Sequence[Ticket]) -> None:
        """`save` for tickets `get_many` loaded in this transaction, set-based."""
        ...
    async def find(self, query: TicketQuery) -> tuple[list[Ticket], int]: ...
    async def history(self, ticket: Ticket) -> list[HistoryLine]: ...
    async def comments(self, ticket: Ticket) -> list[CommentLine]: ...
    async def resolved_before(self, cutoff: datetime, limit: int) -> list[str]: ...
    async def in_workflow_statuses(self, statuses: Collection[str], limit: int) -> list[str]:
        """Keys of tickets in these workflow statuses (approval steps waiting for reminders)."""
        ...
    async def key_by_message(self, platform: Source, address: str, ref: str) -> str | None:
        """The ticket whose card is the message `ref` in `address` (for thread replies)."""
        ...
    async def forget_message(self, platform: Source, address: str, ref: str) -> bool:
        """The card message was deleted: the next change posts a new one."""
        ...


@dataclass(frozen=True, slots=True)
class SlaClaim:
    """A ticket a sweep has claimed for its next SLA step, with the fencing token it holds."""

    key: str
    fence: int
    failing: bool = False  # earlier attempts at its step failed


@dataclass(frozen=True, slots=True)
class SlaFailure:
    """A ticket whose SLA step keeps failing: `dead_at` is set once the sweep gave up on it."""

    key: str
    attempts: int
    error: str
    failed_at: datetime
    dead_at: datetime | None


class SlaRepository(Protocol):
    async def database_now(self) -> datetime:
        """The database's clock: every replica's claims measured against one time."""
        ...
    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[SlaClaim]: ...
    async def lock_due(self, now: datetime, limit: int) -> list[SlaClaim]:
        """Up to `limit` due tickets, soonest first, locked until this transaction ends (rows
        another transaction holds are skipped): claims that last as long as the transaction,
        their fences as they are."""
        ...
    async def step_failed(self, claim: SlaClaim, error: str, now: datetime, max_attempts: int
                          ) -> SlaFailure | None:
        """Count a failed attempt of the claimed step (None if the claim is stale); after
        `max_attempts` the ticket is no longer claimed: a dead letter."""
        ...
    async def step_done(self, key: str) -> None:
        """Forget earlier failed attempts of the ticket's step: it is done."""
        ...
    async def steps_done(self, keys: list[str]) -> None:
        """`step_done` for a batch of tickets."""
        ...
    async def dead_letters(self, limit: int = 100) -> list[SlaFailure]: ...
    async def retry(self, keys: list[str] | None) -> list[str]:
        """Queue dead letters (those of `keys`, or all) for the next sweep, with fresh attempts."""
        ...


class PeopleRepository(Protocol):
    async def get(self, person_id: int) -> Person | None: ...
    async def by_handle(self, handle: str) -> Person | None: ...
    async def by_name(self, name: str) -> list[Person]: ...
    async def by_platform_id(self, platform: Source, platform_id: str) -> Person | None: ...
    async def person_by_identity(self, platform: Source, workspace: str, external_id: str
                                 ) -> Person | None:
        """The person with this account on a messenger (workspace: team, corp, app or tenant;
        an account recorded without one matches any)."""
        ...
    async def add(self, handle: str, name: str, now: datetime, platform: Source | None = None,
                  platform_id: str | None = None) -> tuple[Person, bool]:
        """The person with this platform id (or, without one, this handle), recorded now if
        nobody has been; True when this call recorded them. A taken handle gets a suffix."""
        ...
    async def handles(self) -> list[str]: ...
    async def accounts(self, person_id: int) -> list[tuple[str, str, str]]:
        """(platform, workspace, external id) of each of the person's messenger accounts."""
        ...
    async def claim_account(self, person_id: int, platform: Source, external_id: str,
                            now: datetime) -> None:
        """The account is this person's from now on (a proven `link`), whoever had it."""
        ...
    async def spoke(self, person: Person, platform: Source, external_id: str,
                    now: datetime) -> bool:
        """They wrote from this account now (notices follow them to where they last wrote);
        True when that was written (they changed messenger)."""
        ...
    async def drop_accounts(self, person_id: int, platform: str) -> int:
        """Forget the person's accounts on this messenger; how many there were."""
        ...
    async def own_zone(self, person_id: int) -> str | None:
        """The zone the person chose themselves, or None (read with their look-up if it ran)."""
        ...
    async def own_locale(self, person_id: int) -> str | None:
        """The language the person chose themselves, or None (read with their look-up)."""
        ...


@dataclass(frozen=True, slots=True)
class LinkCode:
    """A `link me` code as stored: whose, where it was given, until when, whether used."""

    person_id: int
    platform: str
    expires_at: datetime
    used: bool


class LinkRepository(Protocol):
    """`link me` codes, kept only as hashes, and the wrong tries said from each account."""

    async def issue(self, person_id: int, platform: str, code_hash: str, now: datetime,
                    expires_at: datetime) -> None:
        """The person's one valid code (an earlier unused one stops working)."""
        ...
    async def find(self, code_hash: str) -> LinkCode | None:
        """The code, locked until commit."""
        ...
    async def use(self, code_hash: str, now: datetime) -> bool: ...
    async def failed(self, platform: str, external_id: str, now: datetime) -> None: ...
    async def failures(self, platform: str, external_id: str, since: datetime) -> int: ...


class AssignmentRepository(Protocol):
    """What automatic assignment reads and moves, kept in the database for every replica."""

    async def cursor(self, team: str, *, lock: bool) -> str | None:
        """Whom the team assigned last. With `lock`, the team's row stays locked until commit,
        so concurrent assignments to one team take turns instead of picking the same person."""
        ...

    async def advance(self, team: str, handle: str, now: datetime) -> None: ...

    async def open_work(self, handles: Collection[str],
                        statuses: tuple[Status, ...]) -> dict[str, dict[Priority, int]]:
        """Per handle: how many tickets in `statuses` they have, by priority."""
        ...


class AwayRepository(Protocol):
    async def set(self, person_id: int, until: datetime, now: datetime) -> None: ...
    async def clear(self, person_id: int) -> bool: ...
    async def until(self, handles: Collection[str], now: datetime) -> dict[str, datetime]:
        """Those of `handles` away after `now`, and until when."""
        ...


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """The tickets a report needs between `start` and `end` (both periods: the previous one and
    the one asked), narrowed to some teams and/or one requester."""

    start: datetime
    end: datetime
    teams: tuple[str, ...] | None = None  # None: every team
    requester_id: int | None = None
    details: bool = False  # also each ticket's title and checklist (an export's columns)
    shield: Shield | None = None  # confidential tickets the reader is not inside are left out


class ReportRepository(Protocol):
    async def facts(self, query: ReportQuery) -> "list[TicketFacts]":
        """Every ticket created, changed or open in [start, end), with its audit lines before
        `end` (the report's actions only), oldest first."""


class ScheduleRepository(Protocol):
    """Schedules of planned work and the occurrences they made (one row per schedule and
    instant: the exactly-once key)."""

    async def add(self, schedule: Schedule, now: datetime) -> bool:
        """False if a schedule of that name exists already (nothing written)."""
        ...
    async def get(self, name: str, *, for_update: bool = False) -> Schedule | None: ...
    async def all(self) -> list[Schedule]: ...
    async def save(self, schedule: Schedule, now: datetime) -> None: ...
    async def remove(self, name: str) -> bool: ...
    async def due(self, now: datetime, limit: int) -> list[int]:
        """Ids of schedules whose next occurrence has come (the index on next_due)."""
        ...
    async def lock_due(self, schedule_id: int, now: datetime) -> Schedule | None:
        """The schedule, locked, if it is still due (another replica may have moved it on or
        hold it: then None, skipped)."""
        ...
    async def occurred(self, schedule_id: int, at: datetime, now: datetime, late: bool) -> bool:
        """Record the occurrence; False if it was recorded before (it must not be made again)."""
        ...
    async def lock_due_many(self, ids: list[int], now: datetime) -> list[Schedule]:
        """`lock_due` for a batch, in one statement: those held elsewhere are left out."""
        ...
    async def save_many(self, schedules: list[Schedule], now: datetime) -> None: ...
    async def occurred_many(self, keys: list[tuple[int, datetime, bool]], now: datetime
                            ) -> set[tuple[int, datetime]]:
        """`occurred` for (schedule, instant, late) keys at once: the new ones, instants in
        UTC."""
        ...


@dataclass(frozen=True, slots=True)
class Found:
    """An article a search found, with how well it fits (0-1: the share of the query it holds)."""

    article: Article
    score: float
    coverage: float


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    title: str
    body: str
    visibility: Visibility = Visibility.PUBLIC
    source_ticket: str | None = None
    source_file: str | None = None


class KnowledgeRepository(Protocol):
    async def add(self, draft: ArticleDraft, actor_id: int | None, now: datetime,
                  action: str = "create") -> Article: ...
    async def get(self, article_id: int, *, for_update: bool = False) -> Article: ...
    async def change(self, article: Article, action: str, actor_id: int | None,
                     now: datetime) -> Article:
        """Write the article's new title/body/visibility/status as its next version."""
        ...
    async def history(self, article_id: int) -> list[Revision]: ...
    async def search(self, query: str, limit: int, internal: bool) -> list[Found]: ...
    async def count(self, article_id: int, *, view: bool = False, helped: bool = False) -> None: ...
    async def similar_tickets(self, text: str, since: datetime, limit: int,
                              min_score: float) -> list[SimilarTicket]:
        """Open tickets created since `since` whose title reads like `text`, best first."""
        ...
    def key_terms_differ(self, a: str, b: str) -> bool:
        """Each title names something the other does not ("Outage: DNS" / "Outage: mail")."""
        ...
    async def by_source_file(self) -> dict[str, Article]: ...


@dataclass(frozen=True, slots=True)
class KnownAlert:
    """A firing of an alert the intake has already seen."""

    starts_at: str
    ticket_key: str
    status: str
    digest: str


@dataclass(frozen=True, slots=True)
class LockedGroup:
    ticket_key: str | None  # the ticket the group has open (or had last)
    truncated: int  # alerts the sender left out of the group's last notification


class AlertRepository(Protocol):
    async def lock_group(self, source: str, group_key: str, now: datetime) -> LockedGroup: ...
    async def set_group_ticket(self, source: str, group_key: str, ticket_id: int,
                               now: datetime, truncated: int = 0) -> None: ...
    async def known(self, source: str, fingerprints: list[str]
                    ) -> dict[str, list[KnownAlert]]: ...
    async def remember(self, source: str, alerts: list[Alert], ticket_id: int,
                       now: datetime) -> None: ...
    async def firing(self, ticket_id: int) -> int: ...


class WebhookRepository(Protocol):
    async def active(self) -> tuple[Subscription, ...]: ...


class AssetRepository(Protocol):
    async def get(self, name: str) -> Asset | None:
        """By name, without case."""
        ...
    async def of_type(self, type_: str) -> list[Asset]: ...
    async def put_many(self, assets: Sequence[Asset], origin: str, now: datetime
                       ) -> tuple[int, int]:
        """Add or update by name: (added, updated)."""
        ...
    async def tickets(self, name: str, limit: int = 20, shield: Shield | None = None
                      ) -> tuple[list[tuple[Any, ...]], int]:
        """The newest tickets naming the asset (key, title, status, created_at), and the total;
        `shield`: without the confidential tickets the reader is not inside."""
        ...


@dataclass(slots=True)
class DialogueState:
    """A guided dialogue (commands/dialogue.py): the command typed without some required
    fields, the answers so far (name, typed text) and the names still to ask."""

    platform: Source
    user: str
    conversation: str  # the channel or group; "" for a direct chat
    command: str
    at_users: "dict[str, Mention]"  # the people the adapter read from the text
    key: str | None  # the ticket of a transition; None for `new`
    answers: list[tuple[str, str]]
    asking: list[str]
    step: int  # answers taken so far: a write by a stale reader finds no row
    expires_at: datetime


class DialogueRepository(Protocol):
    async def get(self, platform: Source, user: str, conversation: str) -> DialogueState | None:
        """The dialogue under a row lock (FOR UPDATE), expired or not."""
        ...
    async def start(self, state: DialogueState, now: datetime) -> None:
        """Insert, or replace the person's earlier dialogue in the conversation."""
        ...
    async def advance(self, state: DialogueState) -> bool:
        """Write the next step (answers, asking, expiry) if the stored one is `state.step - 1`."""
        ...
    async def end(self, state: DialogueState) -> bool:
        """Delete it if still at `state.step`; False when another request ended it first."""
        ...


class UnitOfWork(Protocol):
    tickets: TicketRepository
    dialogues: DialogueRepository
    assets: AssetRepository
    reports: ReportRepository
    people: PeopleRepository
    outbox: OutboxRepository
    preferences: PreferenceRepository
    inbound: InboundRepository
    assignment: AssignmentRepository
    away: AwayRepository
    sla: SlaRepository
    schedules: ScheduleRepository
    kb: KnowledgeRepository
    alerts: AlertRepository
    webhooks: WebhookRepository  # subscriptions made through the API (the file's are on org)
    links: LinkRepository

    async def __aenter__(self) -> "UnitOfWork": ...
    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class StorageUnavailable(Exception):
    """The database could not be reached or the write could not be committed: nothing was saved."""
