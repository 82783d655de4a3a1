"""Who sees which report, and answers to bad questions: each refusal says why, nothing changes.
The organisation and the month of tickets are those of test_report_figures."""

from bot.bootstrap import App
from tests.integration.test_report_figures import app, month_of_tickets, ny  # noqa: F401
from tests.support.chat import Chat
from tests.support.clock import FakeClock


async def test_a_requester_sees_their_own_requests_only(chat: Chat, clock: FakeClock) -> None:
    await month_of_tickets(chat, clock)
    clock.current = ny(11, 30, 17)
    await chat.user("frank").says("new P2 Badge reader broken")  # frank's own request: IT-8
    own = await chat.user("alice").says("report 2026-11")
    assert own.text.splitlines()[:2] == [
        "Report 2026-11 (so far) · requests of Alice · compared with 2026-10",
        "Created: 4 (prev 3, +1) · Resolved: 4 (prev 1, +3)"]
    assert "By agent" not in own.text  # nobody's workload in a requester's report
    refused = await chat.user("alice").says("report 2026-11 team ny")
    assert not refused.ok
    assert refused.text == ("You can see reports of your own teams only, and you are not in "
                            "team ny.")
    other = await chat.user("alice").says("report 2026-11 @bob")
    assert other.text == ("You can see the work of people in your own teams only, and Bob is "
                          "not in any of them.")


async def test_agents_see_their_teams_and_teammates_leads_their_teams_admins_all(
        chat: Chat, clock: FakeClock) -> None:
    await month_of_tickets(chat, clock)
    assert (await chat.user("bob").says("report 2026-11")).text.startswith(
        "Report 2026-11 · team ny ·")
    mate = await chat.user("bob").says("report 2026-11 @carol")
    assert mate.text.startswith("Report 2026-11 · work of Carol ·")
    assert "  carol: handled 3 · resolved 3" in mate.text and "  bob:" not in mate.text
    assert (await chat.user("frank").says("report 2026-11 @bob")).text == (
        "You can see the work of people in your own teams only, and Bob is not in any of them.")
    assert (await chat.user("bob").says("report 2026-11 team net")).text == (
        "You can see reports of your own teams only, and you are not in team net.")
    assert (await chat.user("erin").says("report 2026-11 team ny")).ok is False
    network = await chat.user("erin").says("report 2026-11")
    assert network.text.startswith("Nothing happened in 2026-11 for team net:")
    everyone = await chat.user("root").says("report 2026-11")
    assert everyone.text.splitlines()[0] == (
        "Report 2026-11 · whole organisation · compared with 2026-10")
    assert (await chat.user("root").says("report 2026-11 @alice")).text.startswith(
        "Report 2026-11 · requests of Alice ·")


async def test_bad_questions_get_clear_answers_and_change_nothing(
        app: App, chat: Chat, clock: FakeClock) -> None:  # noqa: F811
    await month_of_tickets(chat, clock)
    history = (await chat.user("root").says("history IT-4")).text
    first = (await chat.user("dave").says("report 2026-11")).text
    answers = {text: (await chat.user("dave").says(text)) for text in (
        "report someday", "report 2026-13", "report 2027-01", "report next week",
        "report 2026-11 team nowhere", "report 2026-11 @nobody", "report 2025-01",
        "report by colour")}
    assert answers["report someday"].text == (
        "I don't know the period \"someday\". Try `report this month`, `report last week`, "
        "`report 2026-11` or `report 2026-W47`.")
    assert answers["report 2026-13"].text.startswith("I don't know the period \"2026-13\".")
    assert answers["report 2027-01"].text == (
        "2027-01 has not started yet, so there is nothing to report. Try `report this month`.")
    assert answers["report 2026-11 team nowhere"].text == (
        "There is no team \"nowhere\". Teams: net, ny.")
    assert answers["report 2026-11 @nobody"].text.startswith("I don't know anyone called @nobody.")
    assert answers["report 2025-01"].text == (
        "Nothing happened in 2025-01 for team ny: no ticket was created, resolved, rated or "
        "open. Try another period, e.g. `report 2024-12`.")
    assert answers["report by colour"].text.startswith("Usage: ")
    assert not any(a.ok for t, a in answers.items() if t != "report 2025-01")
    # The same question, the same answer; the tickets are as they were.
    assert (await chat.user("dave").says("report 2026-11")).text == first
    assert (await chat.user("root").says("history IT-4")).text == history
