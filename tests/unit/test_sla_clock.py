"""SLA clocks on a ticket, with fixed instants: business-time due dates, pauses spanning days,
priority changes mid-flight, reopen, the first response, and policy validation."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.calendar import BusinessCalendar
from workflows.escalation import StepKind
from workflows.holidays import ChinaHolidays
from workflows.kinds import Source, TicketType
from workflows.organisation import Organisation, Queue, Team
from workflows.people import Person
from workflows.priority import Priority
from workflows.sla import due_now, perform, settle, start
from workflows.sla_clock import SlaSnapshot, SlaState
from workflows.sla_policy import Clock, ClockTargets, Facts, PolicyMatch, SlaBook, SlaPolicy
from workflows.status import Status
from workflows.ticket import Actor, Ticket

SH = ZoneInfo("Asia/Shanghai")
H, M = timedelta(hours=1), timedelta(minutes=1)
OFFICE = ((540, 720), (810, 1080))
SHANGHAI = BusinessCalendar("shanghai", SH, (OFFICE,) * 5 + ((), ()), ChinaHolidays())
ALWAYS = BusinessCalendar.always("24x7", SH)
TARGETS = {
    Priority.P1: ClockTargets(15 * M, 4 * H),
    Priority.P2: ClockTargets(H, 8 * H),
    Priority.P3: ClockTargets(4 * H, 22.5 * H),
    Priority.P4: ClockTargets(7.5 * H, 52.5 * H),
    Priority.P5: ClockTargets(None, None),
}
STANDARD = SlaPolicy("standard", TARGETS, "shanghai", {Priority.P1: "24x7"})
VIP = SlaPolicy("vip", {p: ClockTargets(t.response and t.response / 2, t.resolution and
                                        t.resolution / 2) for p, t in TARGETS.items()},
                "shanghai", match=PolicyMatch(groups=frozenset({"executives"})))
BOOK = SlaBook({"shanghai": SHANGHAI, "24x7": ALWAYS}, (STANDARD, VIP), "standard")

ALICE, BOB, DAVE = Person(1, "alice", "Alice"), Person(2, "bob", "Bob"), Person(4, "dave", "Dave")
ORG = Organisation(
    teams={"it": Team("it", "IT", frozenset({"dave"}), frozenset({"bob"}))},
    queues={"IT": Queue("IT", "Help desk", "it")}, sla=BOOK,
    groups={"executives": frozenset({"ceo"})})


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)  # type: ignore[misc]


def opened(at: datetime, priority: Priority = Priority.P3) -> Ticket:
    ticket = Ticket(key="IT-1", queue="IT", number=1, title="VPN down", description="",
                    type=TicketType.INCIDENT, priority=priority, status=Status.NEW,
                    requester=ALICE, team="it", source=Source.CONSOLE, created_at=at,
                    updated_at=at, id=1)
    start(ticket, ORG, at)
    return ticket


def act(person: Person, ticket: Ticket, at: datetime) -> Actor:
    return Actor.of(person, ticket, ORG, at, Source.CONSOLE)


def settled(ticket: Ticket, at: datetime) -> list[tuple[str, dict]]:
    """Settle as commit_change does; the SLA lines it wrote."""
    settle(ticket, ORG, at)
    lines = [(e.action, {k: v[1] for k, v in e.changes.items()})
             for e in ticket.new_audit if e.action.startswith("sla_")]
    ticket.new_audit.clear()
    return lines


def test_due_dates_are_business_time_of_the_matched_policy() -> None:
    ticket = opened(sh(2026, 3, 6, 17, 50))  # Friday
    assert ticket.sla is not None and ticket.sla.snapshot.policy == "standard"
    assert ticket.response_due_at == sh(2026, 3, 9, 14, 20)
    assert ticket.resolution_due_at == sh(2026, 3, 11, 17, 50)  # 10 min, then 22 h 20 min
    # The first step is the 50 % warning of the response clock (2 business hours in).
    assert ticket.sla.next_due_at == sh(2026, 3, 9, 10, 50)


def test_p1_runs_on_the_24x7_calendar_and_vip_requesters_get_their_policy() -> None:
    ticket = opened(sh(2026, 3, 6, 23, 0), Priority.P1)
    assert ticket.sla is not None and ticket.sla.snapshot.calendar == "24x7"
    assert ticket.resolution_due_at == sh(2026, 3, 7, 3, 0)
    facts = Facts("IT", "it", TicketType.INCIDENT, None, frozenset({"executives"}))
    assert BOOK.match(facts).name == "vip"
    assert BOOK.match(Facts("IT", "it", TicketType.INCIDENT, None)).name == "standard"


def test_a_pause_spanning_a_weekend_moves_the_due_times_by_the_business_time_paused() -> None:
    ticket = opened(sh(2026, 3, 6, 9, 0))  # Friday 09:00: three working days, Tuesday 18:00
    ticket.claim(act(BOB, ticket, sh(2026, 3, 6, 9, 30)))
    settled(ticket, sh(2026, 3, 6, 9, 30))
    assert ticket.resolution_due_at == sh(2026, 3, 10, 18, 0)
    ticket.pend(act(BOB, ticket, sh(2026, 3, 6, 17, 0)), "waiting for the vendor")
    assert settled(ticket, sh(2026, 3, 6, 17, 0)) == [("sla_pause", {"status": "pending"})]
    assert ticket.sla is not None and ticket.sla.next_due_at is None  # nothing runs while paused
    ticket.resume(act(ALICE, ticket, sh(2026, 3, 9, 10, 0)))
    lines = settled(ticket, sh(2026, 3, 9, 10, 0))
    # 65 h on the wall, of which 2 business hours (Fri 17-18, Mon 9-10).
    assert lines == [("sla_resume", {"paused": 65 * 3600, "business": 2 * 3600,
                                     "total": 65 * 3600})]
    assert ticket.resolution_due_at == sh(2026, 3, 11, 11, 0)  # two business hours later
    # Friday 09:00-17:00 less lunch, and Monday 10:00-11:00.
    assert ticket.sla.used(Clock.RESOLUTION, SHANGHAI, sh(2026, 3, 9, 11, 0)) == 7.5 * H


def test_a_second_pause_accumulates() -> None:
    ticket = opened(sh(2026, 3, 2, 9, 0))
    ticket.claim(act(BOB, ticket, sh(2026, 3, 2, 9, 5)))
    settled(ticket, sh(2026, 3, 2, 9, 5))
    for begin, end in ((sh(2026, 3, 2, 10, 0), sh(2026, 3, 2, 11, 0)),
                       (sh(2026, 3, 3, 9, 0), sh(2026, 3, 3, 9, 30))):
        ticket.pend(act(BOB, ticket, begin), "waiting")
        settled(ticket, begin)
        ticket.resume(act(BOB, ticket, end))
        settled(ticket, end)
    assert ticket.sla is not None
    assert ticket.sla.paused_business == 90 * M and ticket.sla.paused_total == 90 * M
    assert ticket.resolution_due_at == SHANGHAI.add(sh(2026, 3, 2, 9, 0), 22.5 * H + 90 * M)


def test_the_first_response_stops_the_response_clock_met_or_missed() -> None:
    ticket = opened(sh(2026, 3, 2, 9, 0))  # response target 4 business hours: due 14:30
    ticket.reply(act(ALICE, ticket, sh(2026, 3, 2, 10, 0)), "any news?")  # the requester: no
    assert settled(ticket, sh(2026, 3, 2, 10, 0)) == []
    ticket.reply(act(BOB, ticket, sh(2026, 3, 2, 14, 0)), "looking")
    assert settled(ticket, sh(2026, 3, 2, 14, 0)) == [
        ("sla_response", {"used": int(3.5 * 3600), "target": 4 * 3600, "met": True})]
    late = opened(sh(2026, 3, 2, 9, 0))
    late.claim(act(BOB, late, sh(2026, 3, 2, 15, 0)))
    assert settled(late, sh(2026, 3, 2, 15, 0))[0][1]["met"] is False


def test_a_priority_change_mid_flight_re_targets_from_creation_and_is_recorded() -> None:
    ticket = opened(sh(2026, 3, 2, 9, 0), Priority.P4)
    ticket.set_priority(act(DAVE, ticket, sh(2026, 3, 2, 10, 0)), Priority.P2, "CEO waiting")
    [(action, details)] = settled(ticket, sh(2026, 3, 2, 10, 0))
    assert action == "sla_retarget" and details["priority"] == "P2"
    assert ticket.response_due_at == sh(2026, 3, 2, 10, 0)
    assert ticket.resolution_due_at == sh(2026, 3, 3, 9, 30)  # 8 business hours from 09:00
    assert details["resolution_due"] == ticket.resolution_due_at.isoformat()
    # Raised to P1: the 24x7 calendar of P1 applies from now on.
    ticket.set_priority(act(DAVE, ticket, sh(2026, 3, 2, 10, 5)), Priority.P1, None)
    settled(ticket, sh(2026, 3, 2, 10, 5))
    assert ticket.sla is not None and ticket.sla.snapshot.calendar == "24x7"
    assert ticket.resolution_due_at == sh(2026, 3, 2, 13, 0)


def test_a_pause_over_the_weekend_is_re_measured_on_the_24x7_calendar_of_p1() -> None:
    ticket = opened(sh(2026, 3, 6, 16, 0))  # a P3 on Friday at 16:00
    ticket.claim(act(BOB, ticket, sh(2026, 3, 6, 16, 0)))
    settled(ticket, sh(2026, 3, 6, 16, 0))
    ticket.pend(act(BOB, ticket, sh(2026, 3, 6, 16, 30)), "waiting for the vendor")
    settled(ticket, sh(2026, 3, 6, 16, 30))
    ticket.resume(act(ALICE, ticket, sh(2026, 3, 9, 9, 0)))
    settled(ticket, sh(2026, 3, 9, 9, 0))
    raised = sh(2026, 3, 9, 9, 5)
    ticket.set_priority(act(DAVE, ticket, raised), Priority.P1, "the whole floor is down")
    [(action, details)] = settled(ticket, raised)
    # On 24x7 the ticket has run 16:00-16:30 on Friday and 09:00-09:05 on Monday: 35 minutes of
    # its 4 hours. The 64.5 h paused count as 64.5 h, not as Friday's 1.5 office hours.
    assert action == "sla_retarget" and details["calendar"] == "24x7"
    assert ticket.resolution_due_at == sh(2026, 3, 9, 12, 30)
    assert details["resolution_due"] == ticket.resolution_due_at.isoformat()
    assert ticket.sla is not None and ticket.sla.used(Clock.RESOLUTION, ALWAYS, raised) == 35 * M
    assert ticket.sla.paused_business == 64.5 * H
    assert due_now(ticket, ORG, raised) is None  # nothing is breached
    # Lowered again: the office calendar measures the same pause as 1.5 business hours.
    ticket.set_priority(act(DAVE, ticket, sh(2026, 3, 9, 9, 10)), Priority.P3, None)
    settled(ticket, sh(2026, 3, 9, 9, 10))
    assert ticket.resolution_due_at == SHANGHAI.add(sh(2026, 3, 6, 16, 0), 24 * H)


def p2_claimed_monday() -> Ticket:
    ticket = opened(sh(2026, 3, 2, 9, 0), Priority.P2)  # resolution due Tuesday 09:30
    ticket.claim(act(BOB, ticket, sh(2026, 3, 2, 9, 0)))
    settled(ticket, sh(2026, 3, 2, 9, 0))
    assert ticket.resolution_due_at == sh(2026, 3, 3, 9, 30)
    return ticket


def pend_and_resume(ticket: Ticket, pend: datetime, resume: datetime) -> None:
    ticket.pend(act(BOB, ticket, pend), "waiting for the vendor")
    settled(ticket, pend)
    ticket.resume(act(ALICE, ticket, resume))
    settled(ticket, resume)


def test_a_pause_after_the_due_instant_does_not_postpone_the_breach() -> None:
    ticket = p2_claimed_monday()
    pend_and_resume(ticket, sh(2026, 3, 3, 11, 0), sh(2026, 3, 4, 10, 0))  # nobody swept
    assert ticket.resolution_due_at == sh(2026, 3, 3, 9, 30)
    due = due_now(ticket, ORG, sh(2026, 3, 4, 10, 0))
    assert due is not None and due.step.kind is StepKind.BREACH
    assert due.step.due == sh(2026, 3, 3, 9, 30) and due.late is not None


def test_a_pause_begun_before_the_due_instant_still_moves_it() -> None:
    ticket = p2_claimed_monday()
    pend_and_resume(ticket, sh(2026, 3, 3, 9, 0), sh(2026, 3, 3, 10, 0))
    assert ticket.resolution_due_at == sh(2026, 3, 3, 10, 30)


def test_a_breached_clock_keeps_its_due_time_through_pauses_and_a_raise() -> None:
    ticket = p2_claimed_monday()
    now = sh(2026, 3, 3, 9, 30)
    while (due := due_now(ticket, ORG, now)) is not None:  # the sweep: warnings, then the breach
        perform(ticket, ORG, due, now)
        settled(ticket, now)
    assert ticket.sla is not None and ticket.sla.resolution.breached_at == sh(2026, 3, 3, 9, 30)
    pend_and_resume(ticket, sh(2026, 3, 3, 18, 0), sh(2026, 3, 4, 10, 0))
    assert ticket.resolution_due_at == sh(2026, 3, 3, 9, 30)
    ticket.set_priority(act(DAVE, ticket, sh(2026, 3, 4, 10, 5)), Priority.P1, None)
    [(_, details)] = settled(ticket, sh(2026, 3, 4, 10, 5))
    assert datetime.fromisoformat(details["resolution_due"]) == sh(2026, 3, 3, 9, 30)
    assert ticket.resolution_due_at == sh(2026, 3, 3, 9, 30)
    assert ticket.sla.resolution.breached_at == sh(2026, 3, 3, 9, 30)


def test_reopen_resumes_the_resolution_clock_without_the_resolved_time() -> None:
    ticket = opened(sh(2026, 3, 2, 9, 0))
    ticket.claim(act(BOB, ticket, sh(2026, 3, 2, 9, 0)))
    settled(ticket, sh(2026, 3, 2, 9, 0))
    ticket.resolve(act(BOB, ticket, sh(2026, 3, 2, 11, 0)), "rebooted")
    assert settled(ticket, sh(2026, 3, 2, 11, 0)) == [
        ("sla_stop", {"used": 2 * 3600, "target": int(22.5 * 3600), "met": True})]
    ticket.reopen(act(ALICE, ticket, sh(2026, 3, 3, 11, 0)), ORG.policies, "again")
    lines = settled(ticket, sh(2026, 3, 3, 11, 0))
    assert lines == [("sla_resume", {"paused": 24 * 3600, "business": int(7.5 * 3600),
                                     "total": 24 * 3600})]
    assert ticket.resolution_due_at == SHANGHAI.add(sh(2026, 3, 2, 9, 0), 30 * H)
    assert ticket.sla is not None and ticket.sla.next_due_at is not None


def test_closing_stops_everything() -> None:
    ticket = opened(sh(2026, 3, 2, 9, 0))
    ticket.cancel(act(ALICE, ticket, sh(2026, 3, 2, 9, 30)), None)
    settled(ticket, sh(2026, 3, 2, 9, 30))
    assert ticket.sla is not None and ticket.sla.next_due_at is None


def test_an_untracked_priority_has_no_due_times() -> None:
    ticket = opened(sh(2026, 3, 2, 9, 0), Priority.P5)
    assert ticket.response_due_at is None and ticket.resolution_due_at is None
    assert ticket.sla is not None and ticket.sla.next_due_at is None


def test_policy_validation() -> None:
    decreasing = {**TARGETS, Priority.P4: ClockTargets(H, 52.5 * H)}
    assert SlaPolicy("x", decreasing, "shanghai").problems() == [
        "response target of P4 is shorter than a higher priority's"]
    none_then_some = {**TARGETS, Priority.P4: ClockTargets(None, None),
                      Priority.P5: ClockTargets(H, H)}
    assert len(SlaPolicy("x", none_then_some, "shanghai").problems()) == 2
    zero = {p: ClockTargets(None, None) for p in Priority}
    assert "every target is zero" in SlaPolicy("x", zero, "shanghai").problems()[0]
    book = SlaBook({"shanghai": SHANGHAI}, (STANDARD,), "missing")
    assert book.problems() == ["default policy 'missing' is not defined",
                               "policy standard: unknown calendar '24x7'"]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 6 * 24 * 60), min_size=0, max_size=8, unique=True),
       st.sampled_from([Priority.P2, Priority.P3, Priority.P1]))
def test_a_due_time_is_when_the_target_is_used_up_outside_the_pauses(
        edges: list[int], priority: Priority) -> None:
    opened_at = sh(2026, 3, 5, 10, 0)
    points = sorted(edges)[: len(edges) // 2 * 2]
    pauses = [(opened_at + points[i] * M, opened_at + points[i + 1] * M)
              for i in range(0, len(points), 2)]
    snapshot = SlaSnapshot.of(STANDARD, priority)
    calendar = BOOK.calendar(snapshot.calendar)
    target = snapshot.targets.resolution
    assert target is not None
    state = SlaState(snapshot, opened_at, pauses=list(pauses))
    due = state.due(Clock.RESOLUTION, calendar)
    assert due is not None and state.used(Clock.RESOLUTION, calendar, due) == target
    if all(due != end for _, end in pauses):  # a pause begun just as the target was used up
        assert state.used(Clock.RESOLUTION, calendar, due - M) < target  # ends when it resumes
    before = [p for p in pauses if p[0] <= due]
    assert SlaState(snapshot, opened_at, pauses=before).due(Clock.RESOLUTION, calendar) == due
