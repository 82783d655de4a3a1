"""Malformed or not-permitted input: a friendly refusal, and not a single row changed.

Every case runs against a realistic desk (see `desk`), on SQLite and on PostgreSQL. The database
is snapshotted (every row of every table) just before the bad input and compared afterwards.

Every acting user below is declared in bot/sample_org.yaml and was synced into `people` when the
app started, so identifying them on the console inserts nothing. The one exception, a console
user typing for the first time (who is recorded on first contact), has its own test that allows
exactly that one new row and nothing else.
"""

from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from bot.dingtalk.text import mentioned_people
from bot.slack.mentions import slack_people
from commands.messages import Identity
from commands.vocabulary import USAGE, VERBS
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from workflows.kinds import Source

Snapshot = dict[str, list[dict[str, Any]]]

TABLES = {"people", "queues", "tickets", "ticket_collaborators", "ticket_links", "comments",
          "audit_events"}

NEW_USAGE = ("Usage: new [P1-P5] [type:incident|request|change|task] [category:X] [related:IT-4] "
             "<title> [-- description]")
LIST_USAGE = "Usage: " + USAGE["list"]
LINK_USAGE = "Usage: " + USAGE["link"]
STATUSES = "new, assigned, in_progress, pending, suspended, resolved, closed, cancelled"


async def snapshot(chat: Chat) -> Snapshot:
    """Every row of every table in the database (reflected, so tables added by later migrations
    are covered too), in primary-key order."""
    async with chat.app.engine.connect() as conn:
        metadata = MetaData()
        await conn.run_sync(metadata.reflect)
        tables = [t for t in metadata.sorted_tables if t.name != "alembic_version"]
        assert {t.name for t in tables} >= TABLES
        return {
            table.name: [dict(row._mapping) for row in await conn.execute(
                select(table).order_by(*(table.primary_key.columns or table.columns)))]
            for table in tables
        }


async def says(chat: Chat, handle: str, text: str,
               at_users: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """Like `chat.user(handle).says(text)` on the console, with Slack's mentions and DingTalk's
    at-users passed as their adapters pass them."""
    people = {**slack_people(text), **mentioned_people(dict(at_users or {}))}
    answer = await chat.app.dispatcher.handle_text(Identity(Source.CONSOLE, handle), text, people)
    return chat.catalog.answer(answer), answer.ok


@pytest.fixture
async def desk(chat: Chat) -> Chat:
    """IT-1 in progress with bob (erin cc'd, linked to IT-2, urged by alice just now); IT-2 new;
    IT-3 resolved by bob; IT-4 cancelled. All requested by alice."""
    alice, bob = chat.user("alice"), chat.user("bob")
    steps = [
        (alice, "new P2 Email down on floor 3", "Created IT-1 for Alice for IT Support."),
        (bob, "claim IT-1", "Bob claimed IT-1."),
        (alice, "cc IT-1 @erin", "Added Erin to IT-1 as collaborators."),
        (alice, "new stapler jam", "Created IT-2 for Alice for IT Support."),
        (bob, "link IT-1 IT-2", "IT-1 is now linked to IT-2."),
        (alice, "new P4 toner low", "Created IT-3 for Alice for IT Support."),
        (bob, "claim IT-3", "Bob claimed IT-3."),
        (bob, "resolve IT-3 replaced toner",
         "IT-3 is resolved: replaced toner. It closes by itself in 3 days unless reopened."),
        (alice, "new old request", "Created IT-4 for Alice for IT Support."),
        (alice, "cancel IT-4 not needed", "IT-4 was cancelled: not needed."),
        (alice, "urge IT-1", "Reminder sent: Bob has been nudged about IT-1."),
    ]
    for speaker, text, expected in steps:
        reply = await speaker.says(text)
        assert (reply.text, reply.ok) == (expected, True), text
    return chat


def case(name: str, speaker: str, text: str, expected: str) -> Any:
    return pytest.param(speaker, text, expected, id=name)


SET_USAGE = "Usage: set <ticket> <field>=<value> …   e.g. set IT-4 risk=high window=2026-12-12"
PARSE_ERRORS = [
    case("empty", "alice", "", "Type a command, e.g. `new P2 VPN down on floor 3`, or `help`."),
    case("only-dingtalk-spaces", "alice", "\u3000\xa0",
         "Type a command, e.g. `new P2 VPN down on floor 3`, or `help`."),
    case("unknown-verb-suggestion", "bob", "clam IT-1",
         "I don't know \"clam\". Did you mean `claim`? Type `help` for the commands."),
    case("unknown-chinese-verb-suggestion", "bob", "领 IT-1",
         "I don't know \"领\". Did you mean `claim`? Type `help` for the commands."),
    case("unknown-verb-gibberish", "alice", "xyzzy IT-1",
         "I don't know \"xyzzy\". Type `help` for the commands."),
    case("new-no-title", "alice", "new", NEW_USAGE),
    case("new-priority-only", "alice", "new P2", NEW_USAGE),
    case("new-bad-type", "alice", "new type:bogus printer",
         "\"bogus\" is not a ticket type. Types: incident, request, change, task."),
    case("claim-no-key", "bob", "claim", "Usage: claim <ticket>"),
    case("claim-extra-words", "bob", "claim IT-2 right now", "Usage: claim <ticket>"),
    case("claim-bad-key", "bob", "claim foo",
         "\"foo\" is not a ticket id (like IT-42). Usage: claim <ticket>"),
    case("assign-no-mention", "bob", "assign IT-1", "Usage: " + USAGE["assign"]),
    case("assign-name-without-at", "bob", "assign IT-1 carol",
         "Usage: " + USAGE["assign"]),
    case("assign-two-people", "bob", "assign IT-1 @carol @dave",
         "Usage: " + USAGE["assign"]),
    case("transfer-no-target", "bob", "transfer IT-1",
         "Usage: transfer <ticket> @person|<team> reason: <why>"),
    case("cc-no-mention", "alice", "cc IT-1", "Usage: cc <ticket> @person [@person ...]"),
    case("cc-names-without-at", "alice", "cc IT-1 frank", "Usage: cc <ticket> @person [@person ...]"),
    case("reply-no-text", "alice", "reply IT-1", "Usage: reply <ticket> <text>"),
    case("note-no-text", "bob", "note IT-1", "Usage: note <ticket> <text>"),
    case("pend-no-reason", "bob", "pend IT-1", "Usage: pend <ticket> <reason>"),
    case("resume-bad-key", "bob", "resume foo",
         "\"foo\" is not a ticket id (like IT-42). Usage: resume <ticket> [reason]"),
    case("approve-bad-key", "erin", "approve foo",
         "\"foo\" is not a ticket id (like IT-42). Usage: " + USAGE["approve"]),
    case("reject-no-reason", "erin", "reject IT-1", "Usage: " + USAGE["reject"]),
    case("priority-missing", "bob", "priority IT-1", "Usage: priority <ticket> P1-P5 [reason]"),
    case("priority-bad", "bob", "priority IT-1 urgent",
         "\"urgent\" is not a priority. Use P1 (most urgent) to P5."),
    case("resolve-no-resolution", "bob", "resolve IT-1", "Usage: resolve <ticket> <resolution>"),
    case("reopen-no-key", "alice", "reopen", "Usage: reopen <ticket> [reason]"),
    case("close-no-key", "alice", "close", "Usage: close <ticket> [reason]"),
    case("cancel-bad-key", "alice", "cancel abc",
         "\"abc\" is not a ticket id (like IT-42). Usage: cancel <ticket> [reason]"),
    case("suspend-no-reason", "dave", "suspend IT-1", "Usage: suspend <ticket> <reason>"),
    case("urge-no-key", "alice", "urge", "Usage: urge <ticket> [message]"),
    case("link-one-key", "bob", "link IT-1", LINK_USAGE),
    case("link-other-not-a-key", "bob", "link IT-1 foo", LINK_USAGE),
    case("merge-one-key", "bob", "merge IT-2", "Usage: merge <duplicate ticket> into <ticket>"),
    case("merge-into-nothing", "bob", "merge IT-2 into", "Usage: merge <duplicate ticket> into <ticket>"),
    case("show-no-key", "bob", "show", "Usage: show <ticket>"),
    case("show-extra-words", "bob", "show IT-1 please", "Usage: show <ticket>"),
    case("history-no-key", "bob", "history", "Usage: history <ticket>"),
    case("set-no-field", "bob", "set IT-1", SET_USAGE),
    case("set-not-a-field", "bob", "set IT-1 please", SET_USAGE),
    case("set-unknown-field", "bob", "set IT-1 risk=high",
         "risk is not a field of this ticket type, which has no fields of its own."),
    case("list-two-teams", "bob", "list team it network", LIST_USAGE),
    case("list-status-without-statuses", "bob", "list status", LIST_USAGE),
    case("mute-no-key", "alice", "mute", "Usage: mute <ticket>"),
    case("mute-bad-key", "alice", "mute foo",
         "\"foo\" is not a ticket id (like IT-42). Usage: mute <ticket>"),
    case("unmute-extra-words", "alice", "unmute IT-1 please", "Usage: unmute <ticket>"),
    case("notify-not-a-mode", "alice", "notify maybe", "Usage: notify dm|channel|off"),
    case("rate-no-score", "alice", "rate IT-3", "Usage: rate <ticket> 1-5 [comment]"),
    case("away-no-day", "bob", "away", "Usage: " + USAGE["away"]),
    case("back-extra-words", "bob", "back me now", "Usage: " + USAGE["back"]),
    case("route-no-text", "bob", "route explain", "Usage: " + USAGE["route"]),
    case("sla-explain-no-priority", "bob", "sla explain", "Usage: " + USAGE["sla"]),
    case("rate-not-a-number", "alice", "rate IT-3 great",
         "\"great\" is not a rating: give a number from 1 (poor) to 5 (excellent)."),
    case("quiet-no-such-hour", "alice", "quiet 25:00-08:00",
         "Usage: quiet <from>-<to> [time zone] | quiet off   e.g. quiet 19:00-08:00 Asia/Shanghai"),
    case("language-unsupported", "alice", "language fr", "Usage: language en|zh-CN"),
    case("prefs-extra-words", "alice", "prefs everything", "Usage: prefs"),
    case("help-unknown-topic", "bob", "help frobnicate",
         "There is no command \"frobnicate\". Type `help` for the list."),
    # --- kb ---
    case("kb-edit-ticket-id", "bob", "kb edit IT-3 -- text",
         "\"IT-3\" is not an article id (like KB-3). Usage: kb <words> | kb KB-3 | kb new "
         "[internal] <title> -- <text> | kb save <ticket> [title] | kb edit KB-3 [title] [-- text] "
         "[public|internal] | kb retire KB-3 [reason] | kb history KB-3"),
    case("solved-no-article", "alice", "solved by", "Usage: solved [<ticket>] by KB-3"),
]

NO_SUCH_TICKET = "There is no ticket IT-99. Try `list` to see yours."

UNKNOWN_TICKETS = [
    case("claim", "bob", "claim IT-99", NO_SUCH_TICKET),
    case("claim-bare-number", "bob", "claim 99", NO_SUCH_TICKET),
    case("claim-other-queue", "bob", "claim HR-7", "There is no ticket HR-7. Try `list` to see yours."),
    case("assign", "bob", "assign IT-99 @carol", NO_SUCH_TICKET),
    case("transfer", "bob", "transfer IT-99 @carol reason: needs network team", NO_SUCH_TICKET),
    case("cc", "alice", "cc IT-99 @erin", NO_SUCH_TICKET),
    case("reply", "alice", "reply IT-99 any news?", NO_SUCH_TICKET),
    case("note", "bob", "note IT-99 checked", NO_SUCH_TICKET),
    case("pend", "bob", "pend IT-99 waiting", NO_SUCH_TICKET),
    case("resume", "bob", "resume IT-99", NO_SUCH_TICKET),
    case("approve", "erin", "批准 IT-99", NO_SUCH_TICKET),
    case("priority", "bob", "priority IT-99 P1", NO_SUCH_TICKET),
    case("resolve", "bob", "resolve IT-99 fixed", NO_SUCH_TICKET),
    case("reopen", "alice", "reopen IT-99", NO_SUCH_TICKET),
    case("close", "alice", "close IT-99", NO_SUCH_TICKET),
    case("cancel", "alice", "cancel IT-99", NO_SUCH_TICKET),
    case("suspend", "dave", "suspend IT-99 budget", NO_SUCH_TICKET),
    case("urge", "alice", "urge IT-99", NO_SUCH_TICKET),
    case("link-first", "bob", "link IT-99 IT-1", NO_SUCH_TICKET),
    case("link-second", "bob", "link IT-1 IT-99", NO_SUCH_TICKET),
    case("merge-duplicate", "bob", "merge IT-99 into IT-2", NO_SUCH_TICKET),
    case("merge-target", "bob", "merge IT-2 into IT-99", NO_SUCH_TICKET),
    case("show", "bob", "show IT-99", NO_SUCH_TICKET),
    case("show-bare-key", "bob", "IT-99", NO_SUCH_TICKET),
    case("history", "bob", "history IT-99", NO_SUCH_TICKET),
    case("rate", "alice", "rate IT-99 5", NO_SUCH_TICKET),
    case("mute", "alice", "mute IT-99", NO_SUCH_TICKET),
    case("unmute", "alice", "unmute IT-99", NO_SUCH_TICKET),
]

UNKNOWN_PEOPLE = [
    case("assign", "bob", "assign IT-1 @zed", "I don't know anyone called @zed."),
    case("assign-did-you-mean", "bob", "assign IT-1 @bobb",
         "I don't know anyone called @bobb. Did you mean @bob?"),
    case("transfer", "bob", "transfer IT-1 @zed reason: x", "I don't know anyone called @zed."),
    case("transfer-did-you-mean", "bob", "transfer IT-1 @carl reason: x",
         "I don't know anyone called @carl. Did you mean @carol?"),
    case("cc", "alice", "cc IT-1 @zed", "I don't know anyone called @zed."),
    # frank is known and would be added; the whole command is refused, so he is not.
    case("cc-one-of-two", "alice", "cc IT-1 @frank @zed", "I don't know anyone called @zed."),
    # No ticket and no ticket number are used up by a refused `new`.
    case("new-collaborator", "alice", "new printer jam @zed", "I don't know anyone called @zed."),
    case("new-collaborator-did-you-mean", "alice", "new printer jam @carl",
         "I don't know anyone called @carl. Did you mean @carol?"),
]

WRONG_ROLE = [
    case("resolve-by-requester", "alice", "resolve IT-1 done",
         "Only the assignee, the team lead or an admin can resolve this ticket."),
    case("claim-by-requester", "alice", "claim IT-2",
         "Only a team member, the team lead or an admin can claim this ticket."),
    case("claim-by-other-team", "frank", "claim IT-2",
         "Only a team member, the team lead or an admin can claim this ticket."),
    case("assign-by-requester", "alice", "assign IT-1 @carol",
         "Only the assignee, the team lead or an admin can assign this ticket."),
    case("assign-by-other-team-lead", "erin", "assign IT-1 @frank",
         "Only the assignee, the team lead or an admin can assign this ticket."),
    case("transfer-by-requester", "alice", "transfer IT-1 @carol reason: x",
         "Only the assignee, the team lead or an admin can transfer this ticket."),
    case("pend-by-teammate", "carol", "pend IT-1 waiting",
         "Only the assignee, the team lead or an admin can pend this ticket."),
    case("resolve-by-teammate", "carol", "resolve IT-1 fixed",
         "Only the assignee, the team lead or an admin can resolve this ticket."),
    case("cancel-by-assignee", "bob", "cancel IT-1",
         "Only the requester, the team lead or an admin can cancel this ticket."),
    case("suspend-by-assignee", "bob", "suspend IT-1 budget",
         "Only the team lead or an admin can suspend this ticket."),
    case("urge-by-assignee", "bob", "urge IT-1",
         "Only the requester or a collaborator can urge this ticket."),
    case("urge-by-lead", "dave", "urge IT-2",
         "Only the requester or a collaborator can urge this ticket."),
    case("link-by-requester", "alice", "link IT-1 IT-2",
         "Only the assignee, a team member, the team lead or an admin can link this ticket."),
    case("close-by-assignee", "bob", "close IT-3",
         "Only the requester, the team lead or an admin can close this ticket."),
    case("reopen-by-assignee", "bob", "reopen IT-3",
         "Only the requester, the team lead or an admin can reopen this ticket."),
    case("rate-by-assignee", "bob", "rate IT-3 5", "Only the requester can rate this ticket."),
    case("rate-by-lead", "dave", "rate IT-3 1", "Only the requester can rate this ticket."),
]

WRONG_STATUS = [
    case("reopen-in-progress", "alice", "reopen IT-1", "You cannot reopen a ticket that is in progress."),
    case("reopen-in-progress-by-lead", "dave", "reopen IT-1 x",
         "You cannot reopen a ticket that is in progress."),
    case("close-in-progress", "alice", "close IT-1", "You cannot close a ticket that is in progress."),
    case("resume-in-progress", "bob", "resume IT-1", "You cannot resume a ticket that is in progress."),
    case("pend-new", "bob", "pend IT-2 waiting", "You cannot pend a ticket that is new."),
    case("resolve-new", "bob", "resolve IT-2 fixed", "You cannot resolve a ticket that is new."),
    case("suspend-new", "dave", "suspend IT-2 budget", "You cannot suspend a ticket that is new."),
    case("claim-resolved", "bob", "claim IT-3", "You cannot claim a ticket that is resolved."),
    case("claim-resolved-by-teammate", "carol", "claim IT-3", "You cannot claim a ticket that is resolved."),
    case("assign-resolved", "bob", "assign IT-3 @carol", "You cannot assign a ticket that is resolved."),
    case("transfer-resolved", "bob", "transfer IT-3 @carol reason: x",
         "You cannot transfer a ticket that is resolved."),
    case("cancel-cancelled", "alice", "cancel IT-4", "You cannot cancel a ticket that is cancelled."),
    case("urge-cancelled", "alice", "urge IT-4", "You cannot urge a ticket that is cancelled."),
    case("link-cancelled", "bob", "link IT-4 IT-1", "You cannot link a ticket that is cancelled."),
    case("rate-in-progress", "alice", "rate IT-1 5", "You cannot rate a ticket that is in progress."),
    case("rate-cancelled", "alice", "rate IT-4 5", "You cannot rate a ticket that is cancelled."),
]

OTHER_REFUSALS = [
    case("transfer-missing-reason", "bob", "transfer IT-1 @carol", "Please add a reason."),
    case("transfer-empty-reason", "bob", "transfer IT-1 @carol reason:", "Please add a reason."),
    case("transfer-team-missing-reason", "bob", "transfer IT-1 network", "Please add a reason."),
    case("transfer-unknown-team", "bob", "transfer IT-1 nowhere reason: x",
         "There is no team \"nowhere\". Teams: hr, it, network."),
    case("transfer-unknown-team-prefix", "bob", "transfer IT-1 team:nowhere x",
         "There is no team \"nowhere\". Teams: hr, it, network."),
    case("transfer-same-team", "bob", "transfer IT-1 it reason: x", "IT-1 is already with team it."),
    case("transfer-to-non-agent", "bob", "transfer IT-1 @alice reason: x",
         "Alice is not on any team, so cannot take tickets."),
    case("transfer-to-assignee", "dave", "transfer IT-1 @bob reason: x", "IT-1 is already assigned to Bob."),
    case("assign-not-in-team", "bob", "assign IT-1 @frank",
         "Frank is not in team it. Use `transfer` to hand the ticket to another team."),
    case("assign-not-in-team-by-admin", "admin", "assign IT-1 @frank",
         "Frank is not in team it. Use `transfer` to hand the ticket to another team."),
    case("assign-to-assignee", "bob", "assign IT-1 @bob", "IT-1 is already assigned to Bob."),
    case("claim-already-claimed", "carol", "claim IT-1", "IT-1 is already claimed by Bob."),
    case("claim-already-yours", "bob", "claim IT-1", "IT-1 is already yours."),
    case("priority-same", "bob", "priority IT-1 P2", "IT-1 is already P2."),
    case("cc-already-collaborator", "alice", "cc IT-1 @erin", "They are already on IT-1."),
    case("urge-too-soon", "alice", "urge IT-1",
         "You already urged IT-1 recently. You can urge again in 30 minutes."),
    case("link-self", "bob", "link IT-1 IT-1", "A ticket cannot be linked to itself."),
    case("link-self-bare-number", "bob", "link IT-1 1", "A ticket cannot be linked to itself."),
    case("link-already-linked", "bob", "link IT-1 IT-2", "IT-1 is already linked to IT-2."),
    case("link-already-linked-reverse", "bob", "link IT-2 IT-1", "IT-2 is already linked to IT-1."),
    case("merge-into-cancelled", "bob", "merge IT-2 into IT-4",
         "IT-4 is cancelled; merge into an open ticket."),
    case("new-title-too-long", "alice", "new " + "x" * 201,
         "The title is too long (at most 200 characters)."),
    case("new-chinese-title-too-long", "alice", "新建 " + "坏" * 201,
         "The title is too long (at most 200 characters)."),
    case("new-description-too-long", "alice", "new printer -- " + "y" * 4001,
         "The description is too long (at most 4000 characters)."),
    case("reply-too-long", "alice", "reply IT-1 " + "z" * 4001,
         "The reply is too long (at most 4000 characters)."),
    case("new-unknown-queue", "alice", "new queue:XX printer", "There is no queue \"XX\". Queues: HR, IT."),
    case("list-team-non-agent", "alice", "list team",
         "Only agents can list team tickets. Try `list requests`."),
    case("list-overdue-non-agent", "alice", "list overdue",
         "Only agents can list overdue tickets. Try `list requests`."),
    case("list-all-non-agent", "alice", "list all", "Only agents can list all tickets. Try `list requests`."),
    case("list-unknown-team", "bob", "list team nowhere",
         "There is no team \"nowhere\". Teams: hr, it, network."),
    case("list-bad-status", "bob", "list foo", f"\"foo\" is not a status. Statuses: {STATUSES}."),
    case("list-bad-status-among-good", "bob", "list status pending nope",
         f"\"nope\" is not a status. Statuses: {STATUSES}."),
    case("rate-above-five", "alice", "rate IT-3 6",
         "\"6\" is not a rating: give a number from 1 (poor) to 5 (excellent)."),
    case("rate-zero", "alice", "rate IT-3 0",
         "\"0\" is not a rating: give a number from 1 (poor) to 5 (excellent)."),
    case("quiet-unknown-time-zone", "alice", "quiet 19:00-08:00 Mars/Olympus",
         "\"Mars/Olympus\" is not a time zone. Use a name like Asia/Shanghai or Europe/Berlin."),
    # --- reports ---
    case("report-unknown-period", "bob", "report frobnicate",
         "I don't know the period \"frobnicate\". Try `report this month`, `report last week`, "
         "`report 2026-11` or `report 2026-W47`."),
    case("export-not-a-month", "bob", "export 2026-13",
         "“2026-13” is not a month: write it like 2026-11."),
    case("export-requester", "alice", "export 2026-01",
         "Exports are for agents, leads and admins: ask your team lead for one."),
    # --- schedules ---
    case("check-no-checklist", "bob", "check IT-1 1", "IT-1 has no checklist; there is no item 1."),
    # --- approvals ---
    case("approve-not-in-a-step", "erin", "approve IT-1",
         "IT-1 is not waiting for an approval now (it is In progress)."),
    case("reject-not-in-a-step", "erin", "驳回 IT-1 too risky",
         "IT-1 is not waiting for an approval now (it is In progress)."),
    case("schedule-unknown-rule", "dave", 'schedule add "x" every blursday 09:00 team:it',
         "I could not read “every blursday” as a recurrence. For example: every monday 09:00 · "
         "every workday 09:00 · every last friday 10:00 · every month on the 31st 09:00 · last "
         "workday of the month 17:00 · every 3 days 08:00 · every year on 03-15 09:00. Nothing "
         "was saved."),
    case("asset-unknown", "bob", "asset show UPS-9",
         "There is no asset “UPS-9” in the registry. Nothing was saved."),
    case("asset-requester", "alice", "asset show UPS-9",
         "Only agents and admins look up assets and their tickets."),
    case("new-unknown-asset", "alice", "new asset:UPS-9 beeping",
         "There is no asset “UPS-9” in the registry. Nothing was saved."),
    case("unlink-no-messenger", "bob", "unlink", "Usage: unlink <messenger>   e.g. unlink slack"),
    case("unlink-none", "bob", "unlink feishu", "You have no feishu account linked."),
    case("link-code-from-console", "bob", "link ABCD-EFGH",
         "Link codes are said from a messenger account (Slack, DingTalk, Feishu), not from here."),
]

ALL_CASES = PARSE_ERRORS + UNKNOWN_TICKETS + UNKNOWN_PEOPLE + WRONG_ROLE + WRONG_STATUS + OTHER_REFUSALS


def test_every_verb_gets_bad_input() -> None:
    verbs = {VERBS.get(str(param.values[1]).split()[0].lower()) for param in ALL_CASES
             if str(param.values[1]).strip()}
    assert verbs - {None} == set(USAGE)


async def assert_refused_without_changes(chat: Chat, speaker: str, text: str, expected: str,
                                         at_users: Mapping[str, str] | None = None) -> None:
    before = await snapshot(chat)
    reply, ok = await says(chat, speaker, text, at_users)
    assert reply == expected
    assert ok is False
    assert await snapshot(chat) == before


@pytest.mark.parametrize(("speaker", "text", "expected"), PARSE_ERRORS)
async def test_parse_errors(desk: Chat, speaker: str, text: str, expected: str) -> None:
    await assert_refused_without_changes(desk, speaker, text, expected)


@pytest.mark.parametrize(("speaker", "text", "expected"), UNKNOWN_TICKETS)
async def test_unknown_ticket(desk: Chat, speaker: str, text: str, expected: str) -> None:
    await assert_refused_without_changes(desk, speaker, text, expected)


@pytest.mark.parametrize(("speaker", "text", "expected"), UNKNOWN_PEOPLE)
async def test_unknown_person(desk: Chat, speaker: str, text: str, expected: str) -> None:
    await assert_refused_without_changes(desk, speaker, text, expected)


@pytest.mark.parametrize(("speaker", "text", "expected"), WRONG_ROLE)
async def test_wrong_role(desk: Chat, speaker: str, text: str, expected: str) -> None:
    await assert_refused_without_changes(desk, speaker, text, expected)


@pytest.mark.parametrize(("speaker", "text", "expected"), WRONG_STATUS)
async def test_wrong_status(desk: Chat, speaker: str, text: str, expected: str) -> None:
    await assert_refused_without_changes(desk, speaker, text, expected)


@pytest.mark.parametrize(("speaker", "text", "expected"), OTHER_REFUSALS)
async def test_refused(desk: Chat, speaker: str, text: str, expected: str) -> None:
    await assert_refused_without_changes(desk, speaker, text, expected)


@pytest.mark.parametrize(("text", "at_users", "expected"), [
    pytest.param("assign IT-1 <@U999ZOE|zoe>", None,
                 "zoe is not in team it. Use `transfer` to hand the ticket to another team.",
                 id="slack-assign"),
    pytest.param("transfer IT-1 <@U999ZOE> reason: x", None,
                 "U999ZOE is not on any team, so cannot take tickets.",
                 id="slack-transfer"),
    pytest.param("cc IT-1 <@U999ZOE|zoe> @ghost", None, "I don't know anyone called @ghost.",
                 id="slack-cc-with-unknown-handle"),
    pytest.param("assign IT-1 @张三", {"张三": "staff999"},
                 "张三 is not in team it. Use `transfer` to hand the ticket to another team.",
                 id="dingtalk-assign"),
    pytest.param("transfer IT-1 @张三 原因: 需要网络组处理", {"张三": "staff999"},
                 "张三 is not on any team, so cannot take tickets.",
                 id="dingtalk-transfer"),
    pytest.param("new 打印机坏了 @张三 -- " + "详" * 4001, {"张三": "staff999"},
                 "The description is too long (at most 4000 characters).", id="dingtalk-new"),
])
async def test_platform_mention_first_seen_is_rolled_back_with_the_refusal(
        desk: Chat, text: str, at_users: dict[str, str] | None, expected: str) -> None:
    # A Slack or DingTalk user mentioned for the first time is recorded while the command runs;
    # the refusal rolls that back together with everything else.
    await assert_refused_without_changes(desk, "bob", text, expected, at_users=at_users)


@pytest.mark.parametrize(("minutes", "expected"), [
    pytest.param(10, "You already urged IT-1 recently. You can urge again in 20 minutes.", id="20-minutes"),
    pytest.param(29.5, "You already urged IT-1 recently. You can urge again in 1 minute.", id="1-minute"),
])
async def test_urge_again_too_soon(desk: Chat, clock: FakeClock, minutes: float, expected: str) -> None:
    clock.advance(minutes=minutes)
    await assert_refused_without_changes(desk, "alice", "urge IT-1", expected)


async def test_requester_cannot_reopen_after_the_window(desk: Chat, clock: FakeClock) -> None:
    clock.advance(days=8)
    await assert_refused_without_changes(
        desk, "alice", "reopen IT-3 printer still streaky",
        "IT-3 was resolved more than 7 days ago and cannot be reopened by the requester. "
        "Open a follow-up linked to it instead: `new related:IT-3 toner low`")


@pytest.mark.parametrize("text", ["show IT-1", "history IT-1", "IT-1", "mute IT-1"])
async def test_stranger_first_contact_is_the_only_change(desk: Chat, text: str) -> None:
    # zed is not in the organisation file: the console records people on first contact, and
    # that new `people` row is the one expected effect. Nothing else may change.
    before = await snapshot(desk)
    reply, ok = await says(desk, "zed", text)
    assert (reply, ok) == ("You are not a participant of IT-1.", False)
    after = await snapshot(desk)
    new_people = [row for row in after["people"] if row not in before["people"]]
    assert [row["handle"] for row in new_people] == ["zed"]
    assert after == {**before, "people": before["people"] + new_people}


async def test_snapshot_notices_a_change(desk: Chat) -> None:
    # Guards the helper itself: a permitted command must show up in the snapshot.
    before = await snapshot(desk)
    reply, ok = await says(desk, "alice", "reply IT-1 any news?")
    assert (reply, ok) == ("Reply added to IT-1.", True)
    after = await snapshot(desk)
    changed = {name for name in after if after[name] != before[name]}
    assert changed >= {"tickets", "comments", "audit_events"}
    assert not changed & {"people", "queues", "ticket_collaborators", "ticket_links"}
