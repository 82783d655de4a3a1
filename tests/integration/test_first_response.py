"""The response clock through the use cases with the sample organisation: only what answers the
requester stops it. 2026-03-02 09:00 UTC is Monday 17:00 in Shanghai; a P2 has one office hour."""

from tests.support.chat import Chat
from tests.support.clock import FakeClock


async def response_line(chat: Chat, key: str = "IT-1") -> str:
    return (await chat.user("admin").says(f"sla {key}")).text.splitlines()[1]


async def test_routing_assignment_and_notes_leave_the_clock_running_a_reply_stops_it(
        chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new P2 VPN keeps dropping")  # network team, least loaded
    shown = await chat.user("erin").says("show IT-1")
    other = "grace" if "Frank" in shown else "frank"  # whoever the strategy did not choose
    assert await response_line(chat) == (
        "First response: running · due 2026-03-02 18:00 (Asia/Shanghai) · used 0m of 1 business hour")

    clock.advance(minutes=10)
    assert (await chat.user("erin").says(f"assign IT-1 @{other}")).ok  # the lead hands it over
    assert (await response_line(chat)).startswith("First response: running")
    clock.advance(minutes=10)
    assert (await chat.user(other).says("note IT-1 tunnel logs show resets")).ok
    assert (await response_line(chat)).startswith("First response: running")

    clock.advance(minutes=5)
    assert (await chat.user(other).says("reply IT-1 We are looking at the tunnel now")).ok
    assert await response_line(chat) == "First response: met (25m of 1 business hour)"


async def test_a_claim_tells_the_requester_and_is_a_response(chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new P2 Printer offline")
    clock.advance(minutes=7)
    await chat.user("bob").says("claim IT-1")
    assert await response_line(chat) == "First response: met (7m of 1 business hour)"


async def test_an_agent_cannot_answer_their_own_ticket(chat: Chat, clock: FakeClock) -> None:
    await chat.user("bob").says("new P2 My laptop fan is noisy")
    await chat.user("bob").says("reply IT-1 it gets worse under load")
    assert (await response_line(chat)).startswith("First response: running")
    clock.advance(minutes=3)
    await chat.user("carol").says("reply IT-1 bring it by the desk")
    assert await response_line(chat) == "First response: met (3m of 1 business hour)"
