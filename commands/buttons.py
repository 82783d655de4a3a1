"""Every card button's rule, written once for every messenger: which command a click runs (the
lifecycle's buttons, `click_command`, and those beyond it: the knowledge base's, the similar
tickets', an approval's decisions), how it is typed in chat (for a platform without
interactive cards), and who is offered it. Adapters only read a click and render. A card
snapshot carries the buttons beyond the lifecycle's as `buttons` ([{"action", "arg"}]); a click
anyone may make is still checked by its use case
(the requester alone says an article solved it, agents merge and save), so a shared card in a
channel can show them all and the clicker who may not is told why, only them.
"""

from collections.abc import Callable
from typing import Any

from commands import messages as m
from workflows.actions import Action
from workflows.approval import approvers_of
from workflows.confidential import ticket_is_confidential
from workflows.knowledge import parse_article_key
from workflows.organisation import Organisation
from workflows.people import Person
from workflows.status import Status
from workflows.ticket import Ticket

KB_SOLVED = "kb_solved"  # arg: the article's key (KB-3): the requester's self-service
MERGE = "merge"  # arg: the similar open ticket's key: this ticket is merged into it (agents)
KB_SAVE = "kb_save"  # a resolved ticket becomes an article (agents)
# An approval step's decisions (workflows/approval.py): offered while the ticket is in one; the
# use case refuses anyone who is not an approver, with who is. Reject asks for its reason.
APPROVE = "approve"
REJECT = "reject"
DECISIONS = (APPROVE, REJECT)
BUTTONS = (KB_SOLVED, MERGE, KB_SAVE, *DECISIONS)
FOR_REQUESTER = frozenset({KB_SOLVED})
FOR_AGENTS = frozenset({MERGE, KB_SAVE})


# The lifecycle's buttons (the card shows those `Ticket.allowed_actions` gives the viewer). These
# run as clicked, with the words the platform's form brought if any:
ONE_CLICK: dict[str, Callable[[str, str | None], m.Command]] = {
    Action.CLAIM: lambda key, _: m.Claim(key), Action.RESUME: m.Resume, Action.REOPEN: m.Reopen,
    Action.CLOSE: m.Close, Action.CANCEL: m.Cancel, Action.URGE: m.Urge,
}
# These need words (a reason, a resolution, the note): from a form, else a click runs nothing.
WORDED: dict[str, Callable[[str, str], m.Command]] = {
    Action.PEND: m.Pend, Action.RESOLVE: m.Resolve, Action.NOTE: m.Note,
    Action.SUSPEND: m.Suspend,
}


def click_command(action: str, key: str, text: str | None = None,
                  arg: str | None = None) -> m.Command | None:
    """The command a card's button runs, on every messenger; None when it is no button or needs
    words the click did not bring (the adapter then asks for them, or says what to type)."""
    if action in BUTTONS:
        return command_for(action, key, arg)
    if action in ONE_CLICK:
        return ONE_CLICK[action](key, text or None)
    if text and action in WORDED:
        return WORDED[action](key, text)
    return None


def command_for(action: str, key: str, arg: str | None) -> m.Command | None:
    """The command a button stands for; None for another button or an argument that is not one."""
    if action == KB_SOLVED:
        article = parse_article_key(arg or "")
        return None if article is None else m.SolvedBy(article, key)
    if action == MERGE:
        return m.Merge(key, arg) if arg else None
    if action == KB_SAVE:
        return m.KbSave(key)
    if action == APPROVE:
        return m.Approve(key)
    if action == REJECT:  # the reason comes typed (or from the platform's form) as `arg`
        return m.Reject(key, arg or None)
    return None


def typed(action: str, key: str, arg: str | None) -> str:
    """The same command as typed in chat."""
    return {KB_SOLVED: f"solved {key} by {arg}", MERGE: f"merge {key} into {arg}",
            KB_SAVE: f"kb save {key}", APPROVE: f"approve {key}",
            REJECT: f"reject {key} {arg or '<reason>'}"}[action]


def offered_at_creation(articles: list[dict[str, Any]], similar: list[str]) -> list[dict[str, str]]:
    """A new ticket's buttons: each suggested public article (a shared card may be read by
    anyone in its channel) and each similar open ticket."""
    return ([{"action": KB_SOLVED, "arg": a["key"]} for a in articles if not a.get("internal")]
            + [{"action": MERGE, "arg": key} for key in similar])


def ticket_buttons(ticket: Ticket, confidential: bool = False) -> list[dict[str, str]]:
    """What a card of the ticket shows now, for everyone: the creation's offers while it is
    open, and saving a resolved (or closed) ticket to the knowledge base (never a confidential
    one's: its words stay out of articles others read)."""
    buttons = list(ticket.offered) if ticket.status.is_open else []
    if str(ticket.status_id) in ticket.flow.approvals:
        buttons += decision_buttons()
    if _worth_saving(ticket) and not confidential:
        buttons.append({"action": KB_SAVE, "arg": ""})
    return buttons


def decision_buttons() -> list[dict[str, str]]:
    return [{"action": APPROVE, "arg": ""}, {"action": REJECT, "arg": ""}]


def _worth_saving(ticket: Ticket) -> bool:
    """Resolved by someone's answer: not merged away, not solved by an article already."""
    return (ticket.status in (Status.RESOLVED, Status.CLOSED) and bool(ticket.resolution)
            and ticket.duplicate_of is None
            and parse_article_key(ticket.resolution or "") is None)


def viewer_buttons(ticket: Ticket, viewer: Person, org: Organisation) -> list[dict[str, str]]:
    """The same, for one reader (an answer's card): only the buttons they may press."""
    agent = org.is_agent(viewer.handle)
    requester = viewer.id == ticket.requester.id
    step = ticket.flow.approvals.get(str(ticket.status_id))
    approver = step is not None and viewer.handle in approvers_of(
        step, ticket.requester.handle, org, ticket.fields)
    return [b for b in ticket_buttons(ticket, ticket_is_confidential(org, ticket))
            if (b["action"] in FOR_AGENTS and agent)
            or (b["action"] in FOR_REQUESTER and requester)
            or (b["action"] in DECISIONS and approver)]
