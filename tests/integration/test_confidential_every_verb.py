"""Confidential queues, exhaustively: every verb of the grammar (`commands.vocabulary.USAGE`, the
list tests/integration/test_bad_input.py checks too) and every card button of every adapter
(commands/buttons.py, bot/slack/on_button.py and on_view.py, bot/dingtalk/card_actions.py,
bot/feishu/events.py), used by outsiders, teach them nothing about the HR ticket.

- A verb or button that names the ticket is answered exactly as for a key never used (`HR-9`):
  same words, same refusal, nothing changed. So a refusal never confirms the key is taken.
- A verb that names no ticket (lists, reports, exports, search, asset, routing, preferences…)
  never shows its key, title or description, in words, card or files.

A verb added to USAGE fails `test_every_verb_is_covered` until it is given a case here; a button
added to an adapter's table is pressed here without being listed (the tables are read).
"""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import App, build_app
from bot.dingtalk import card_actions as dingtalk
from bot.dingtalk.cards import TEMPLATES_BY_VALUE
from bot.feishu import events as feishu
from bot.orgfile import SAMPLE
from bot.settings import Settings
from bot.slack.modals import STEP_MODALS
from commands import buttons
from commands import messages as m
from commands.answer import Answer
from commands.messages import Identity
from commands.notify import CARD_ACTIONS, card_snapshot
from commands.vocabulary import USAGE
from tests.integration.test_bad_input import snapshot
from tests.support.chat import BotReply, Chat
from tests.support.clock import FakeClock
from workflows.actions import Action
from workflows.kinds import Source

TITLE = "Complaint about my manager"
DESCRIPTION = "he shouts at me in meetings"
SECRETS = ("HR-1", TITLE, DESCRIPTION)
NEVER_USED = "HR-9"
# Agents of other teams, a lead of another team, an admin: none of them is inside HR-1.
OUTSIDERS = ("bob", "dave", "erin", "admin")
ASSETS = "\nassets:\n  - {name: PRN-3, type: printer, location: Floor 3}\n"

# Verbs that name the ticket, as an outsider would type them (HR-1 is replaced by HR-9 for the
# answer a key never used gets).
NAMING: dict[str, list[str]] = {
    "new": ["new related:HR-1 follow-up"],
    "claim": ["claim HR-1"], "assign": ["assign HR-1 @ivan", "assign HR-1 IT-9 @bob"],
    "transfer": ["transfer HR-1 @bob reason: x", "transfer HR-1 it reason: x"],
    "cc": ["cc HR-1 @erin"], "reply": ["reply HR-1 hello"], "note": ["note HR-1 hi"],
    "pend": ["pend HR-1 why"], "resume": ["resume HR-1"], "priority": ["priority HR-1 P1"],
    "resolve": ["resolve HR-1 done"], "reopen": ["reopen HR-1"], "close": ["close HR-1"],
    "cancel": ["cancel HR-1"], "suspend": ["suspend HR-1 hold"], "urge": ["urge HR-1"],
    "link": ["link IT-1 HR-1", "link HR-1 IT-1"],
    "merge": ["merge HR-1 into IT-1", "merge IT-1 into HR-1"],
    "rate": ["rate HR-1 5"], "show": ["show HR-1"], "history": ["history HR-1"],
    "mute": ["mute HR-1"], "unmute": ["unmute HR-1"], "sla": ["sla HR-1"],
    "check": ["check HR-1 1"], "set": ["set HR-1 risk=high"],
    "kb": ["kb save HR-1"], "solved": ["solved HR-1 by KB-1"],
    "approve": ["approve HR-1"], "reject": ["reject HR-1 not needed"],
}
# Verbs that name no ticket: whatever they answer, it must not mention HR-1.
ASKING: dict[str, list[str]] = {
    "unlink": ["unlink slack"],
    "new": [f"new {TITLE}"],
    "list": ["list", "list mine", "list requests", "list team hr", "list triage",
             "list triage hr", "list overdue", "list at-risk", "list all", "list new"],
    "route": [f"route explain {TITLE}"],
    "away": ["away until tomorrow"], "back": ["back"],
    "notify": ["notify dm"], "quiet": ["quiet off"], "language": ["language en"],
    "prefs": ["prefs"], "help": ["help", "help show"],
    "sla": ["sla explain P3 queue=HR"],
    "report": ["report", "report team hr", "report by category", "report @ivan"],
    "export": ["export {month}", "export {month} team hr"],
    "schedule": ["schedule list"], "asset": ["asset show PRN-3"],
    "kb": [f"kb {TITLE}", "kb KB-1", "kb history KB-1"],
    "solved": ["solved by KB-1"],
}


def test_every_verb_is_covered() -> None:
    assert set(NAMING) | set(ASKING) == set(USAGE)


@pytest.fixture
async def app(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    org = tmp_path / "org.yaml"
    org.write_text(SAMPLE.read_text(encoding="utf-8") + ASSETS, encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org, locale="en",
                        timezone="UTC")
    application = await build_app(settings, clock=clock)
    yield application
    await application.aclose()


@pytest.fixture
async def hr(chat: Chat) -> Chat:
    """HR-1 filed by alice in a public channel (on the printer PRN-3, claimed by ivan, a
    checklist-free ordinary state); IT-1 an ordinary ticket; KB-1 an article."""
    filed = await chat.user("alice").in_channel("#general").says(
        f"new queue:HR {TITLE} asset:PRN-3 -- {DESCRIPTION}")
    assert filed.ok and not any(s in filed for s in SECRETS)
    assert (await chat.user("ivan").says("claim HR-1")).ok
    assert (await chat.user("alice").says("new printer jam asset:PRN-3")).ok
    assert (await chat.user("bob").says("kb new Printer jams -- open the tray")).ok
    return chat


def said(chat: Chat, answer: Answer) -> str:
    """Everything a reader gets from an answer: its words, its card, its files."""
    card = chat.catalog.card(answer.ticket, answer.zone) if answer.ticket else ""
    files = [str(row) for f in answer.files for row in f.rows]
    return "\n".join([chat.catalog.answer(answer), card or "", *files, str(answer.buttons)])


def as_never_used(chat: Chat, answer: Answer, key: str) -> tuple[str, bool, bool, str | None]:
    return (said(chat, answer).replace(key, "HR-?"), answer.ok, answer.public, answer.refusal)


def assert_learns_nothing(chat: Chat, taken: BotReply | Answer, never: BotReply | Answer,
                          what: object) -> None:
    taken_answer = taken.answer if isinstance(taken, BotReply) else taken
    never_answer = never.answer if isinstance(never, BotReply) else never
    assert not taken_answer.ok, what
    assert (as_never_used(chat, taken_answer, "HR-1")
            == as_never_used(chat, never_answer, NEVER_USED)), what
    assert not any(s in said(chat, taken_answer) for s in SECRETS[1:]), what


@pytest.mark.parametrize(("verb", "text"), [(v, t) for v, texts in NAMING.items() for t in texts])
async def test_a_verb_naming_it_answers_as_for_a_key_never_used(hr: Chat, verb: str,
                                                                text: str) -> None:
    before = await snapshot(hr)
    for who in OUTSIDERS:
        taken = await hr.user(who).says(text)
        never = await hr.user(who).says(text.replace("HR-1", NEVER_USED))
        assert_learns_nothing(hr, taken, never, (who, text))
    assert await snapshot(hr) == before


@pytest.mark.parametrize(("verb", "text"), [(v, t) for v, texts in ASKING.items() for t in texts])
async def test_a_verb_naming_no_ticket_never_shows_it(hr: Chat, verb: str, text: str) -> None:
    text = text.format(month=f"{hr.app.clock.now():%Y-%m}")
    secrets = [s for s in SECRETS if s not in text]  # what they typed is echoed, not learnt
    for who in OUTSIDERS:
        reply = await hr.user(who).says(text)
        shown = said(hr, reply.answer)
        assert not any(s in shown for s in secrets), (who, text, shown)


async def test_an_insider_does_see_it_where_outsiders_do_not(hr: Chat) -> None:
    """The same queries are not blind: HR-1 is there for the HR team."""
    month = f"{hr.app.clock.now():%Y-%m}"
    for text in ("list team hr", "asset show PRN-3", f"export {month} team hr"):
        reply = await hr.user("heidi").says(text)
        assert "HR-1" in said(hr, reply.answer), text


def _button_commands(key: str) -> list[tuple[str, m.Command]]:
    """Every command a card button or a card's modal runs, read from each adapter's tables:
    a button added to a table is pressed here without being listed."""
    args = {buttons.KB_SOLVED: "KB-1", buttons.MERGE: "IT-1", buttons.REJECT: "why"}
    found: list[tuple[str, m.Command]] = []
    # Slack: card and App Home buttons (commands/buttons.py's one-click actions, the modal
    # steps' checks, the extra buttons), the checklist's boxes, what the step modals submit.
    found += [(f"slack:{step}", make(key, None)) for step, make in buttons.ONE_CLICK.items()]
    found += [(f"slack:{step}", m.May(key, Action(step))) for step in STEP_MODALS]
    found += [(f"slack:{b}", c) for b in buttons.BUTTONS
              if (c := buttons.command_for(b, key, args.get(b))) is not None]
    found += [("slack:check", m.Check(key, 1)),
              ("slack:transfer modal", m.Transfer(key, to=m.Mention(None, "bob"), team=None,
                                                  reason="x")),
              ("slack:note modal", m.Note(key, "x")), ("slack:pend modal", m.Pend(key, "x")),
              ("slack:resolve modal", m.Resolve(key, "x"))]
    # DingTalk and Feishu: every action their cards can carry.
    names = sorted(TEMPLATES_BY_VALUE | set(buttons.BUTTONS) | {a.value for a in Action}
                   | {"check"})
    found += [(f"dingtalk:{a}", c) for a in names
              if (c := dingtalk.command_for(a, key, "words", args.get(a), 1)) is not None]
    found += [(f"feishu:{a}", c) for a in names
              if (c := feishu.command_for(a, key, args.get(a))) is not None]
    # Every lifecycle action's check (Slack's modals, the App Home).
    found += [(f"may:{a.value}", m.May(key, a)) for a in Action]
    # A similar ticket's merge button on an ordinary ticket, pointing at the confidential one.
    found.append(("merge into it", m.Merge("IT-1", key)))
    return found


def test_every_card_action_has_a_button_pressed_here() -> None:
    """What cards show (commands.notify.CARD_ACTIONS, commands.buttons.BUTTONS) is pressed on
    each platform with a table of its own."""
    pressed = {name for name, _ in _button_commands("HR-1")}
    for action in [a.value for a in CARD_ACTIONS] + list(buttons.BUTTONS):
        assert f"slack:{action}" in pressed, action
        if action == Action.TRANSFER:
            continue  # DingTalk's button answers with the command to type (a person is needed)
        assert f"dingtalk:{action}" in pressed, action


async def test_every_button_answers_as_for_a_key_never_used(hr: Chat) -> None:
    before = await snapshot(hr)
    taken, never = _button_commands("HR-1"), _button_commands(NEVER_USED)
    assert [n for n, _ in taken] == [n for n, _ in never]
    for who in OUTSIDERS:
        for (name, command), (_, unknown) in zip(taken, never, strict=True):
            identity = Identity(Source.CONSOLE, who)
            answer = await hr.app.dispatcher.execute(identity, command)
            reference = await hr.app.dispatcher.execute(identity, unknown)
            assert_learns_nothing(hr, answer, reference, (who, name))
    assert await snapshot(hr) == before


async def test_an_insider_cannot_save_it_to_the_knowledge_base(hr: Chat) -> None:
    """An article is read outside the ticket: a confidential one's words stay out, and its
    card offers no such button."""
    assert (await hr.user("ivan").says("resolve HR-1 talked to him")).ok
    saved = await hr.user("heidi").says("kb save HR-1")
    assert not saved.ok and "confidential" in saved.text
    shown = await hr.user("ivan").says("show HR-1")
    assert buttons.KB_SAVE not in str(shown.answer.buttons)
    async with hr.app.uow() as uow:
        ticket = await uow.tickets.get("HR-1")
    snapshot_buttons: Any = card_snapshot(ticket, hr.app.loaded.org).get("buttons") or []
    assert buttons.KB_SAVE not in {b["action"] for b in snapshot_buttons}
