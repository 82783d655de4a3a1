"""Knowledge-base articles and the rules of who sees them, and of a self-service resolution.

Pure: the storage and the search index live elsewhere; these are the facts and the rules.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from workflows.errors import InvalidInput, NotAllowed
from workflows.organisation import Organisation
from workflows.people import Person
from workflows.roles import Role
from workflows.ticket import MAX_TEXT, MAX_TITLE, Actor, Ticket, clean, require_text

_KEY = re.compile(r"^(?:KB|知识库)[-#]?(?P<n>\d{1,9})$", re.I)


class Visibility(StrEnum):
    PUBLIC = "public"  # everyone: requesters are offered it
    INTERNAL = "internal"  # agents only (work notes, admin procedures)


class ArticleStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"  # kept with its history, never suggested


@dataclass(frozen=True, slots=True)
class Article:
    id: int
    title: str
    body: str
    visibility: Visibility = Visibility.PUBLIC
    status: ArticleStatus = ArticleStatus.ACTIVE
    source_ticket: str | None = None
    source_file: str | None = None
    version: int = 1
    views: int = 0
    helped: int = 0
    updated_at: datetime | None = None

    @property
    def key(self) -> str:
        return f"KB-{self.id}"


@dataclass(frozen=True, slots=True)
class Revision:
    version: int
    action: str
    title: str
    visibility: Visibility
    status: ArticleStatus
    actor: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class SimilarTicket:
    """An open ticket that reads like a new one: `IT-40 · printer on floor 2 offline · open · Bob`."""

    key: str
    title: str
    status: str
    assignee: str | None
    requester_id: int
    channel: str | None
    queue: str
    created_at: datetime
    score: float
    team: str | None = None  # who works it: a confidential team's tickets are hinted inside only


def parse_article_key(token: str) -> int | None:
    found = _KEY.match(token.strip())
    return int(found.group("n")) if found else None


def check_text(title: str | None, body: str | None) -> tuple[str, str]:
    return require_text(title, "title", MAX_TITLE), _body(body)


def _body(body: str | None) -> str:
    text = clean(body)
    if len(text) > MAX_TEXT:
        raise InvalidInput("error.text_too_long", what="article", limit=MAX_TEXT)
    return text


def check_author(org: Organisation, person: Person) -> None:
    """Agents write, edit and retire articles; anyone may search the public ones."""
    if not org.is_agent(person.handle):
        raise NotAllowed("kb.error.agents_only")


def sees_internal(org: Organisation, person: Person) -> bool:
    return org.is_agent(person.handle)


def may_see(org: Organisation, person: Person, article: Article) -> bool:
    return article.visibility is Visibility.PUBLIC or sees_internal(org, person)


def may_hint(org: Organisation, viewer: Person, ticket: SimilarTicket) -> bool:
    """Whether a similar ticket may be named to this viewer in a suggestion or a duplicate
    hint. A confidential queue's (or team's) ticket is named only to its requester and to the
    people on its team (workflows.confidential); any other open ticket may be named."""
    from workflows.confidential import is_confidential  # it imports ticket, which imports this

    if not is_confidential(org, ticket.queue, ticket.team):
        return True
    if viewer.id is not None and viewer.id == ticket.requester_id:
        return True
    team = org.team(ticket.team) if ticket.team else None
    queue = org.queue(ticket.queue)
    owner = team or (org.team(queue.default_team) if queue else None)
    return owner is not None and owner.has_member(viewer.handle)


def resolve_self_service(ticket: Ticket, actor: Actor, article: Article) -> None:
    """The requester says an article solved it: the ticket resolves itself, and the history
    names the article (reports count these lines as deflected)."""
    if Role.REQUESTER not in actor.roles:
        raise NotAllowed("kb.error.requester_only", key=ticket.key)
    if not ticket.status.is_open:
        raise InvalidInput("kb.error.not_open", key=ticket.key)
    ticket.resolution = article.key
    ticket.resolved_at = actor.now
    ticket.pending_reason = None
    ticket.record_self_service(actor, article.key)

