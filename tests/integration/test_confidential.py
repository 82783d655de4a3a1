"""Confidential queues: an HR ticket is seen by its insiders only (the requester, the HR team,
the people added) and is never in a channel. For every chat verb that reads or acts on a ticket,
and for every card button, an outsider (an agent of another team, an admin) gets the answer an
unknown key gets, and nothing changes."""

import pytest
from sqlalchemy import select

from commands import messages as m
from commands.buttons import BUTTONS, command_for
from commands.messages import Identity
from storage.models import OutboxRow
from tests.integration.test_bad_input import snapshot
from tests.support.chat import Chat
from workflows.actions import Action
from workflows.kinds import Source

TITLE = "Complaint about my manager"
UNKNOWN = "There is no ticket HR-1. Try `list` to see yours."
OUTSIDERS = ("bob", "dave", "admin", "erin")

# Every verb that names a ticket, as an outsider would type it.
VERBS = [
    "claim HR-1", "assign HR-1 @ivan", "transfer HR-1 @ivan reason: x", "cc HR-1 @erin",
    "reply HR-1 hello", "note HR-1 hi", "pend HR-1 why", "resume HR-1", "priority HR-1 P1",
    "resolve HR-1 done", "reopen HR-1", "close HR-1", "cancel HR-1", "suspend HR-1 hold",
    "urge HR-1", "link IT-1 HR-1", "link HR-1 IT-1", "merge HR-1 into IT-1",
    "merge IT-1 into HR-1", "rate HR-1 5", "show HR-1", "history HR-1", "mute HR-1",
    "unmute HR-1", "sla HR-1", "check HR-1 1", "kb save HR-1", "solved HR-1 by KB-1",
    "new related:HR-1 follow-up",
]


@pytest.fixture
async def hr(chat: Chat) -> Chat:
    """HR-1 filed by alice in a public channel; IT-1 an ordinary ticket; KB-1 an article."""
    filed = await chat.user("alice").in_channel("#general").says(
        f"new queue:HR {TITLE} -- he shouts at me in meetings")
    assert filed.ok and filed.text == (
        "Your request was filed privately: its details are in your direct messages.")
    assert "HR-1" not in filed.text and TITLE not in filed.text
    assert (await chat.user("alice").says("new printer jam")).ok
    assert (await chat.user("bob").says("kb new Printer jams -- open the tray")).ok
    return chat


async def _outbox(chat: Chat) -> list[tuple[str, str, str, dict]]:
    async with chat.app.engine.connect() as conn:
        rows = await conn.execute(select(OutboxRow.address, OutboxRow.template,
                                         OutboxRow.ticket_key, OutboxRow.params)
                                  .order_by(OutboxRow.id))
        return [tuple(r) for r in rows.all()]  # type: ignore[misc]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("text", VERBS)
async def test_an_outsider_is_told_it_does_not_exist(hr: Chat, who: str, text: str) -> None:
    before = await snapshot(hr)
    reply = await hr.user(who).says(text)
    assert (reply.text, reply.ok) == (UNKNOWN, False), text
    assert TITLE not in reply
    assert await snapshot(hr) == before


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_every_button_is_refused_as_unknown(hr: Chat, who: str) -> None:
    """What each card button sends (bot/slack/on_button.py, bot/dingtalk/card_actions.py):
    the lifecycle's checks (`May`) and quick actions, and the knowledge base's buttons."""
    before = await snapshot(hr)
    commands: list[m.Command] = [m.May("HR-1", action) for action in Action]
    commands += [m.Claim("HR-1"), m.Urge("HR-1"), m.Resume("HR-1"), m.Reopen("HR-1")]
    commands += [c for b in BUTTONS if (c := command_for(b, "HR-1", "KB-1")) is not None]
    commands += [command_for("merge", "IT-1", "HR-1")]  # type: ignore[list-item]
    for command in commands:
        answer = await hr.app.dispatcher.execute(Identity(Source.CONSOLE, who), command)
        assert (hr.catalog.answer(answer), answer.ok) == (UNKNOWN, False), command
    assert await snapshot(hr) == before


async def test_the_unknown_answer_is_the_same_as_for_a_key_never_used(hr: Chat) -> None:
    taken = await hr.user("bob").says("show HR-1")
    never = await hr.user("bob").says("show HR-2")
    assert taken.text.replace("HR-1", "HR-?") == never.text.replace("HR-2", "HR-?")


@pytest.mark.parametrize("who", ["alice", "heidi", "ivan"])
async def test_insiders_see_it(hr: Chat, who: str) -> None:
    shown = await hr.user(who).says("show HR-1")
    assert shown.ok and TITLE in shown
    assert not shown.answer.public  # never said in a channel
    assert (await hr.user(who).says("history HR-1")).ok


async def test_a_person_added_sees_it_and_acting_inside_answers_privately(hr: Chat) -> None:
    assert (await hr.user("erin").says("show HR-1")).text == UNKNOWN
    added = await hr.user("heidi").in_channel("#hr-desk").says("cc HR-1 @erin")
    assert added.ok and not added.answer.public
    assert TITLE in await hr.user("erin").says("show HR-1")
    claimed = await hr.user("ivan").in_channel("#general").says("claim HR-1")
    assert claimed.ok and not claimed.answer.public


@pytest.mark.parametrize(("who", "text"), [
    ("admin", "list all"), ("admin", "list triage"), ("admin", "list new"),
    ("admin", "list overdue"), ("bob", "list all"), ("bob", "list team hr"),
    ("dave", "list triage hr"), ("erin", "list requests"),
])
async def test_lists_leave_it_out_for_outsiders(hr: Chat, who: str, text: str) -> None:
    listed = await hr.user(who).says(text)
    assert "HR-1" not in listed and TITLE not in listed, (who, text, listed.text)


@pytest.mark.parametrize(("who", "text"), [("alice", "list requests"), ("heidi", "list team"),
                                          ("ivan", "list triage")])
async def test_lists_show_it_inside(hr: Chat, who: str, text: str) -> None:
    assert "HR-1" in await hr.user(who).says(text)


async def test_no_channel_hears_of_it_and_the_insiders_do_by_direct_message(hr: Chat) -> None:
    await hr.user("ivan").says("claim HR-1")
    await hr.user("ivan").says("priority HR-1 P1 urgent")
    await hr.user("ivan").says("resolve HR-1 talked to him")
    rows = await _outbox(hr)
    secret = [r for r in rows if r[2] == "HR-1"]
    assert secret
    assert not [r for r in secret if r[0].startswith("#")]  # console channels are `#…`
    told = {r[0] for r in secret}
    assert {"alice", "heidi"} <= told  # the requester (also of her own filing) and the lead
    for address, _, key, params in rows:
        if address.startswith("#"):
            assert key != "HR-1" and TITLE not in str(params)


async def test_similar_ticket_hints_never_name_it_outside_its_queue(hr: Chat) -> None:
    created = await hr.user("bob").says(f"new {TITLE}")  # IT-2
    assert created.ok and "HR-1" not in created.text
    # Hints work (the IT ticket is named), but even its own requester filing in another queue,
    # maybe in a channel, is not reminded of the confidential one there.
    again = await hr.user("alice").in_channel("#general").says(f"new {TITLE}")
    assert "IT-2" in again.text and "HR-1" not in again.text
    inside = await hr.user("heidi").says(f"new queue:HR {TITLE}")
    assert inside.ok


async def test_reports_and_exports_leave_it_out_for_outsiders(hr: Chat) -> None:
    export = await hr.user("admin").says(f"export {hr.app.clock.now():%Y-%m}")
    keys = {row["key"] for f in export.answer.files for row in f.rows}
    assert "IT-1" in keys and "HR-1" not in keys
    inside = await hr.user("heidi").says(f"export {hr.app.clock.now():%Y-%m} team hr")
    assert "HR-1" in {row["key"] for f in inside.answer.files for row in f.rows}
    report = (await hr.user("admin").says("report")).text
    assert (await hr.user("erin").says("new queue:HR another private matter")).ok
    assert (await hr.user("admin").says("report")).text == report  # not counted for an outsider
    assert (await hr.user("heidi").says("report team hr")).text != report
