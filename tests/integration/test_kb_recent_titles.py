"""The process's index of open titles only proposes: a ticket closed after it was indexed is
never named, and another process's new ticket is compared at once, on both databases."""

from bot.bootstrap import build_app
from bot.settings import Settings
from tests.support.chat import Chat
from tests.support.clock import FakeClock

SIMILAR = "Open tickets that look like the same problem:"


async def test_a_closed_ticket_is_never_named_and_the_next_one_is(chat: Chat) -> None:
    carol, bob, alice = chat.user("carol"), chat.user("bob"), chat.user("alice")
    assert (await carol.says("new Printer on floor 2 offline")).ok
    assert (await carol.says("new Printer on floor 2 offline since Monday")).ok
    first = await alice.says("new printer on floor 2 offline")  # indexes IT-1 and IT-2
    assert "IT-1 · Printer on floor 2 offline" in first.text
    assert (await bob.says("claim IT-1")).ok
    assert (await bob.says("resolve IT-1 reconnected the printer")).ok
    after = await alice.says("new printer on floor 2 offline again")
    assert SIMILAR in after.text
    assert "IT-1 ·" not in after.text and "IT-2 · Printer on floor 2 offline since" in after.text


async def test_another_process_new_ticket_shows_at_once(
        chat: Chat, settings: Settings, clock: FakeClock) -> None:
    alice = chat.user("alice")
    assert "Open tickets" not in (await alice.says("new Badge does not open door 3")).text
    other = await build_app(settings, clock=clock)  # a second replica on the same database
    try:
        carol = Chat(other).user("carol")
        assert (await carol.says("new VPN drops every hour")).ok
    finally:
        await other.aclose()
    again = await alice.says("new VPN drops every hour at home")
    assert SIMILAR in again.text and "IT-2 · VPN drops every hour" in again.text
