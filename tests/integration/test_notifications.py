"""Who hears what, and delivery through the outbox: order, retries, pacing, digests, once only."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.bootstrap import App
from commands.duplicate_burst import GRACE, WINDOW
from notifications.relay import Pacing, Relay, RetryPolicy
from notifications.senders import DeliveryError, Outgoing
from storage.engine import session_factory
from storage.models import OutboxRow
from storage.outbox import SqlOutboxStore
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender


def relay(app: App, sender: RecordingSender, **options) -> Relay:  # type: ignore[no-untyped-def]
    options.setdefault("pacing", {})
    return app.relay({"console": sender}, **options)


async def drain(r: Relay) -> None:
    while await r.run_once():
        pass


async def rows(app: App) -> list[OutboxRow]:
    async with app.engine.connect() as conn:
        return list((await conn.execute(select(OutboxRow).order_by(OutboxRow.id))).all())


async def test_each_change_tells_the_right_people(chat: Chat) -> None:
    sender = RecordingSender()
    r = relay(chat.app, sender)
    alice, bob, dave = chat.user("alice"), chat.user("bob"), chat.user("dave")
    await alice.says("new P2 Email down cc @erin")
    await bob.says("claim IT-1")
    await bob.says("transfer IT-1 @carol reason: needs the network team")
    await chat.user("carol").says("note IT-1 port 12 flaps")
    await dave.says("cc IT-1 @frank")
    await drain(r)
    heard: dict[str, list[str]] = {}
    for m in sender.sent:
        heard.setdefault(m.address, []).append(m.text)
    moved = "Bob transferred IT-1 (Email down cc @erin) to Carol: needs the network team"
    assert heard == {
        # The triage channel is told how to take a ticket nobody has yet.
        "#it-triage": ["New P2 ticket IT-1 from Alice: Email down cc @erin"
                       " · unassigned: `claim IT-1` to take it",
                       "Bob is now working on IT-1 (Email down cc @erin).", moved],
        "erin": ["New P2 ticket IT-1 from Alice: Email down cc @erin",
                 # The internal note reaches agent collaborators only (erin: network team).
                 "Carol added an internal note on IT-1: port 12 flaps"],
        "alice": ["Bob is now working on IT-1 (Email down cc @erin).", moved],
        "carol": [moved],
        "frank": ["Dave added you to IT-1 (Email down cc @erin)."],
    }
    # Nobody is told about their own action: bob never hears of his claim or transfer.
    assert "bob" not in heard


async def test_internal_notes_never_reach_the_requester_side(chat: Chat) -> None:
    sender = RecordingSender()
    await chat.user("alice").says("new Laptop fan loud cc @zoe")  # zoe: not an agent
    await chat.user("bob").says("claim IT-1")
    await chat.user("bob").says("note IT-1 warranty expired, charge the department")
    await drain(relay(chat.app, sender))
    assert not [t for t in sender.texts() if "warranty" in t]


async def test_muted_and_switched_off_people_hear_nothing_but_p1(chat: Chat) -> None:
    sender = RecordingSender()
    alice, bob = chat.user("alice"), chat.user("bob")
    await alice.says("new P3 Mouse squeaks")
    await alice.says("new P1 Server room door open")
    assert (await alice.says("mute IT-1")).ok
    assert (await alice.says("mute IT-2")).ok
    await bob.says("claim IT-1")
    await bob.says("claim IT-2")  # P1: urgent, so the mute does not apply
    await drain(relay(chat.app, sender))
    assert sender.texts("alice") == ["Bob is now working on IT-2 (Server room door open)."]
    await alice.says("notify off")
    await bob.says("reply IT-2 on my way")
    await drain(relay(chat.app, sender))
    assert len(sender.texts("alice")) == 1


async def test_quiet_hours_defer_until_morning(chat: Chat, clock: FakeClock) -> None:
    sender = RecordingSender()
    r = relay(chat.app, sender)
    alice = chat.user("alice")
    # 2026-03-02 09:00 UTC is 17:00 in Shanghai; quiet hours 17:00-08:00 there.
    assert (await alice.says("quiet 17:00-08:00 Asia/Shanghai")).ok
    await alice.says("new P3 Projector dim")
    await chat.user("bob").says("claim IT-1")
    await drain(r)
    assert sender.texts("alice") == []
    clock.advance(hours=14, minutes=59)  # 07:59 in Shanghai
    await drain(r)
    assert sender.texts("alice") == []
    clock.advance(minutes=1)
    await drain(r)
    assert sender.texts("alice") == ["Bob is now working on IT-1 (Projector dim)."]


async def test_personal_language_is_used(chat: Chat) -> None:
    sender = RecordingSender()
    assert (await chat.user("alice").says("language zh-CN")).ok
    await chat.user("alice").says("new Printer jammed")
    await chat.user("bob").says("claim IT-1")
    await drain(relay(chat.app, sender))
    assert sender.texts("alice") == ["Bob 已开始处理 IT-1（Printer jammed）。"]


async def test_retry_after_is_waited_out_and_order_per_ticket_is_kept(
        chat: Chat, clock: FakeClock) -> None:
    sender = RecordingSender()
    r = relay(chat.app, sender)
    await chat.user("alice").says("new Mail sync drops")
    sender.failures = [DeliveryError("rate limited", retry_after=30, rate_limited=True)]
    await chat.user("bob").says("claim IT-1")
    await chat.user("bob").says("reply IT-1 which floor?")
    await drain(r)
    # The channel post for "create" hit the 429; nothing later for that channel overtook it.
    assert sender.texts("#it-triage") == []
    assert sender.texts("alice") == ["Bob is now working on IT-1 (Mail sync drops).",
                                     "Bob replied on IT-1: which floor?"]
    clock.advance(seconds=29)
    await drain(r)
    assert sender.texts("#it-triage") == []
    clock.advance(seconds=1)
    await drain(r)
    assert sender.texts("#it-triage") == [
        "New P3 ticket IT-1 from Alice: Mail sync drops · unassigned: `claim IT-1` to take it",
        "Bob is now working on IT-1 (Mail sync drops)."]


async def test_platform_down_for_a_while_then_everything_arrives_once_in_order(
        chat: Chat, clock: FakeClock) -> None:
    sender = RecordingSender()
    r = relay(chat.app, sender, retry=RetryPolicy(max_attempts=20, base=1, cap=60))
    sender.failures = [DeliveryError("503", maybe_sent=False)] * 6
    alice, bob = chat.user("alice"), chat.user("bob")
    await alice.says("new Email slow")
    await bob.says("claim IT-1")
    await bob.says("pend IT-1 waiting for the mail provider")
    await bob.says("resume IT-1")
    await bob.says("resolve IT-1 provider fixed it")
    for _ in range(30):
        await drain(r)
        clock.advance(seconds=60)
    assert sender.texts("alice") == [
        "Bob is now working on IT-1 (Email slow).",
        "IT-1 (Email slow) is waiting: waiting for the mail provider",
        "IT-1 (Email slow) is resolved: provider fixed it. Reply `reopen IT-1` if it is not fixed.",
    ]
    keys = [m.idempotency_key for m in sender.sent]
    assert len(keys) == len(set(keys))
    assert {row.status for row in await rows(chat.app)} == {"sent"}


async def test_a_crash_between_send_and_mark_does_not_send_twice(
        chat: Chat, clock: FakeClock) -> None:
    sender = RecordingSender()
    await chat.user("alice").says("new Keyboard missing keys")
    # A relay claims the row and delivers it, then dies before recording the delivery.

    store = SqlOutboxStore(session_factory(chat.app.engine))
    [claimed] = await store.claim(clock.now(), 10, timedelta(seconds=60))
    await sender.send(Outgoing("console", claimed.address, "x", "x", claimed.idempotency_key),
                      check_duplicate=False)
    r = relay(chat.app, sender)
    assert await r.run_once() == 0  # still leased to the dead relay
    clock.advance(seconds=61)
    await drain(r)
    assert sender.checked == [claimed.idempotency_key]  # looked before re-sending
    assert len(sender.sent) == 1
    assert [row.status for row in await rows(chat.app)] == ["sent"]


async def test_messages_that_may_be_out_are_checked_even_after_waiting_for_pace(
        chat: Chat, clock: FakeClock) -> None:
    sender = RecordingSender()
    await chat.user("alice").says("new Badge reader dead")
    await chat.user("alice").says("new Door stuck open")
    # A relay claims both channel posts, delivers them, and dies before recording either.
    store = SqlOutboxStore(session_factory(chat.app.engine))
    for claimed in await store.claim(clock.now(), 10, timedelta(seconds=60)):
        await sender.send(Outgoing("console", claimed.address, "x", "x", claimed.idempotency_key),
                          check_duplicate=False)
    clock.advance(seconds=61)
    r = relay(chat.app, sender, pacing={"console": Pacing(rate=1.0, burst=1)})
    await drain(r)  # one token: the first is looked for; the second waits for the next token
    clock.advance(seconds=1)
    await drain(r)
    assert len(sender.sent) == 2  # neither posted again, alone or in a digest
    assert len(sender.checked) == 2
    assert [row.status for row in await rows(chat.app)] == ["sent", "sent"]


async def test_two_relays_at_once_never_double_send(chat: Chat, clock: FakeClock) -> None:
    sender = RecordingSender()
    people = ["alice", "bob", "carol", "dave", "erin"]
    await asyncio.gather(*(chat.user(people[i % 5]).says(f"new Burst ticket {i}")
                           for i in range(40)))
    clock.advance(seconds=(WINDOW + GRACE).total_seconds())  # the bursts' duplicate notices too
    relays = [relay(chat.app, sender, batch=7) for _ in range(3)]
    for _ in range(20):
        await asyncio.gather(*(r.run_once() for r in relays))
    keys = [m.idempotency_key for m in sender.sent]
    assert len(keys) == len(set(keys)) == len(await rows(chat.app))


async def test_a_permanent_error_goes_to_the_dead_letters_and_can_be_retried(
        chat: Chat, clock: FakeClock) -> None:
    sender = RecordingSender()
    r = relay(chat.app, sender)
    sender.failures = [DeliveryError("Slack refused: channel_not_found", permanent=True)]
    await chat.user("alice").says("new Scanner offline")
    await drain(r)
    [row] = await rows(chat.app)
    assert (row.status, row.last_error) == ("dead", "Slack refused: channel_not_found")
    assert await SqlOutboxStore(session_factory(chat.app.engine)).revive(clock.now()) == 1
    await drain(r)
    assert sender.texts() == [
        "New P3 ticket IT-1 from Alice: Scanner offline · unassigned: `claim IT-1` to take it"]


async def test_too_many_attempts_end_in_the_dead_letters(chat: Chat, clock: FakeClock) -> None:
    sender = RecordingSender()
    r = relay(chat.app, sender, retry=RetryPolicy(max_attempts=3, base=1, cap=1))
    sender.failures = [DeliveryError("timeout", maybe_sent=True)] * 3
    await chat.user("alice").says("new Phone dead")
    for _ in range(5):
        await drain(r)
        clock.advance(seconds=2)
    [row] = await rows(chat.app)
    assert (row.status, row.attempts, row.last_error) == ("dead", 3, "timeout")
    assert sender.sent == []


async def test_a_burst_to_one_channel_becomes_a_digest(chat: Chat, clock: FakeClock) -> None:
    sender = RecordingSender()
    r = relay(chat.app, sender, pacing={"console": Pacing(rate=1.0, burst=3)})
    for i in range(12):
        await chat.user("alice").says(f"new Desk phone {i} broken")
    await drain(r)
    channel = sender.texts("#it-triage")
    assert len(channel) == 1
    assert channel[0].startswith("12 ticket updates:\n• New P3 ticket IT-1 from Alice")
    assert channel[0].endswith("• New P3 ticket IT-12 from Alice: Desk phone 11 broken"
                               " · unassigned: `claim IT-12` to take it")
    clock.advance(seconds=(WINDOW + GRACE).total_seconds())  # the lead's notice of the burst
    await drain(r)
    assert {row.status for row in await rows(chat.app)} == {"sent"}


async def test_pacing_spreads_messages_at_the_allowed_rate(chat: Chat, clock: FakeClock) -> None:
    sender = RecordingSender()
    r = relay(chat.app, sender, pacing={"console": Pacing(rate=1.0, burst=1)})
    await chat.user("alice").says("new Chair broken")
    await chat.user("bob").says("claim IT-1")
    await drain(r)
    assert len(sender.texts("#it-triage")) == 1  # the second waits for the next token
    async with chat.app.engine.begin() as conn:
        waiting = (await conn.execute(select(OutboxRow.not_before, OutboxRow.attempts).where(
            OutboxRow.status == "pending"))).all()
    assert [(when - clock.now()).total_seconds() for when, _ in waiting] == [pytest.approx(1.0)]
    assert [attempts for _, attempts in waiting] == [0]  # waiting for pace is not a failure
    clock.advance(seconds=1)
    await drain(r)
    assert len(sender.texts("#it-triage")) == 2


@pytest.mark.parametrize(("platform", "expected"), [
    ("slack", "New P3 ticket IT-1 from Alice: Restart &lt;!channel&gt; *now* {{ 7*7 }}"
     " · unassigned: `claim IT-1` to take it"),
    ("dingtalk", "New P3 ticket IT-1 from Alice: Restart ＜!channel＞ ＊now＊ {{ 7＊7 }}"
     " · unassigned: `claim IT-1` to take it"),
])
async def test_user_text_is_shown_literally(chat: Chat, platform: str, expected: str) -> None:
    await chat.user("alice").says("new Restart <!channel> *now* {{ 7*7 }}")
    async with chat.app.engine.begin() as conn:
        await conn.execute(update(OutboxRow).values(platform=platform))
    sender = RecordingSender()
    await drain(chat.app.relay({platform: sender}, pacing={}))
    assert sender.texts() == [expected]


async def test_closing_asks_the_requester_for_a_rating(chat: Chat, clock: FakeClock) -> None:
    sender = RecordingSender()
    alice, bob = chat.user("alice"), chat.user("bob")
    await alice.says("new Keyboard sticky")
    await bob.says("claim IT-1")
    await bob.says("resolve IT-1 cleaned it")
    await chat.user("dave").says("close IT-1")
    await drain(relay(chat.app, sender))
    assert sender.texts("alice")[-1] == (
        "IT-1 (Keyboard sticky) is closed. How did we do? Reply `rate IT-1 1-5` (5 is best), "
        "with a comment if you like.")
    assert sender.texts("bob")[-1] == "IT-1 (Keyboard sticky) is closed."
    await alice.says("new Mouse sticky")
    await bob.says("claim IT-2")
    await bob.says("resolve IT-2 cleaned it")
    closed_by_her = await alice.says("close IT-2")
    assert closed_by_her.text == ("IT-2 is closed. How did we do? `rate IT-2 1-5` (5 is best), "
                                  "with a comment if you like.")
    rated = await alice.says("rate IT-1 5 quick and friendly")
    assert rated.text == "Thank you! You rated IT-1 5/5."
    assert (await alice.says("rate IT-1 9")).text == (
        "\"9\" is not a rating: give a number from 1 (poor) to 5 (excellent).")
    assert (await bob.says("rate IT-1 1")).text == "Only the requester can rate this ticket."
    history = (await alice.says("history IT-1")).text.splitlines()
    assert history[-1].endswith("Alice  Rate · csat: — → 5 · reason: quick and friendly  [console]")


async def test_channel_followers_are_mentioned_instead_of_messaged(chat: Chat) -> None:
    sender = RecordingSender()
    alice, bob = chat.user("alice"), chat.user("bob")
    assert (await alice.says("notify channel")).text.startswith(
        "Saved. Your notifications: mentions in the ticket channel")
    await alice.says("new Monitor dead")
    await bob.says("claim IT-1")
    await drain(relay(chat.app, sender))
    assert sender.texts("alice") == []
    assert sender.texts("#it-triage")[-1] == "@Alice Bob is now working on IT-1 (Monitor dead)."


def test_relative_times_in_both_languages(clock: FakeClock) -> None:
    from zoneinfo import ZoneInfo

    from notifications.text import Catalog

    en = Catalog("en", ZoneInfo("UTC"), now=clock.now)
    zh = Catalog("zh-CN", ZoneInfo("UTC"), now=clock.now)
    soon = (clock.now() + timedelta(hours=2, minutes=5)).isoformat()
    assert en.relative(soon) == "in 2 hours"
    assert zh.relative(soon) == "2 小时后"
    assert en.relative(clock.now() - timedelta(days=1)) == "1 day ago"
    assert en.relative(clock.now()) == "just now"
