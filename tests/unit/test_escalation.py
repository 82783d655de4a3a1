"""The escalation state machine with a fixed clock: warnings, breach, chain, reminders, suspension;
work missed while the bot was down folded and marked late; pauses and priority changes."""

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from notifications.text import Catalog
from workflows.calendar import BusinessCalendar
from workflows.escalation import StepKind
from workflows.kinds import Source, TicketType
from workflows.organisation import Organisation, Queue, Team
from workflows.people import Person
from workflows.priority import Priority
from workflows.sla import due_now, perform, reassign_target, settle, start
from workflows.sla_dry_run import Act
from workflows.sla_policy import (
    ClockTargets,
    EscalationChain,
    EscalationStep,
    Facts,
    SlaBook,
    SlaPolicy,
    StepAction,
)
from workflows.sla_report import simulate
from workflows.status import Status
from workflows.ticket import Actor, Ticket

UTC = ZoneInfo("UTC")
M = timedelta(minutes=1)
CHAIN = EscalationChain(
    steps=(EscalationStep(StepAction.NOTIFY_LEAD), EscalationStep(StepAction.POST_CHANNEL),
           EscalationStep(StepAction.REASSIGN, 10 * M, business=False, to="on_duty"),
           EscalationStep(StepAction.RAISE_PRIORITY, 10 * M, business=False)),
    repeat_every=10 * M, repeat_business=False, max_reminders=3)
TARGETS = {p: ClockTargets(10 * M * p.rank, 60 * M * p.rank) for p in Priority}
FAST = SlaPolicy("fast", TARGETS, "24x7", chain=CHAIN)
ORG = Organisation(
    teams={"it": Team("it", "IT", frozenset({"dave"}), frozenset({"bob", "carol"}),
                      on_duty=("carol",))},
    queues={"IT": Queue("IT", "Help desk", "it")},
    sla=SlaBook({"24x7": BusinessCalendar.always()}, (FAST,), "fast"))
ALICE, BOB, CAROL = Person(1, "alice", "Alice"), Person(2, "bob", "Bob"), Person(3, "carol", "Carol")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def opened(priority: Priority = Priority.P2) -> Ticket:
    ticket = Ticket(key="IT-1", queue="IT", number=1, title="Core switch down", description="",
                    type=TicketType.INCIDENT, priority=priority, status=Status.NEW,
                    requester=ALICE, team="it", source=Source.CONSOLE, created_at=T0,
                    updated_at=T0, id=1)
    start(ticket, ORG, T0)
    return ticket


def claimed(priority: Priority = Priority.P2) -> Ticket:
    ticket = opened(priority)
    ticket.claim(Actor.of(BOB, ticket, ORG, T0, Source.CONSOLE))
    settle(ticket, ORG, T0)
    ticket.new_audit.clear()
    return ticket


def sweep(ticket: Ticket, at: datetime) -> list[str]:
    """What a sweep at `at` does to this ticket, one step at a time, as `action[ details]`."""
    done = []
    while (due := due_now(ticket, ORG, at)) is not None:
        handle = reassign_target(ticket, ORG, due, at)
        perform(ticket, ORG, due, at, CAROL if handle == "carol" else None)
        settle(ticket, ORG, at)
        for entry in ticket.new_audit:
            if entry.action.startswith(("sla_warning", "sla_breach", "escalat", "sla_reminder",
                                        "sla_exhausted", "priority", "suspend")):
                late = " late" if "late" in entry.changes or "late)" in (entry.reason or "") else ""
                skipped = f" skipped={entry.changes['skipped'][1]}" if "skipped" in entry.changes else ""
                done.append(entry.action + late + skipped)
        ticket.new_audit.clear()
    return done


def at(minutes: int) -> datetime:
    return T0 + minutes * M


def test_the_whole_chain_once_each_at_its_time() -> None:
    ticket = claimed()  # P2: resolution 120 min; response met at once
    assert ticket.sla is not None and ticket.sla.next_due_at == at(60)
    assert sweep(ticket, at(59)) == []
    assert sweep(ticket, at(60)) == ["sla_warning"]
    assert sweep(ticket, at(60)) == []  # a second sweep at the same time does nothing
    assert sweep(ticket, at(90)) == ["sla_warning"]
    assert sweep(ticket, at(120)) == ["sla_breach", "escalation", "escalation_channel"]
    assert sweep(ticket, at(130)) == ["escalate"]  # reassigned to the person on duty
    assert ticket.assignee == CAROL and ticket.status is Status.ASSIGNED
    assert sweep(ticket, at(140)) == ["priority"]  # raised to P1 (still breached: chain goes on)
    assert ticket.priority is Priority.P1
    assert [sweep(ticket, at(m)) for m in (150, 160, 170)] == [["sla_reminder"]] * 3
    assert sweep(ticket, at(180)) == ["sla_exhausted", "suspend"]
    assert ticket.status is Status.SUSPENDED
    assert ticket.sla.next_due_at is None
    assert sweep(ticket, at(600)) == []


def test_the_dry_run_predicts_the_same_timeline() -> None:
    facts = Facts("IT", "it", TicketType.INCIDENT, None)
    timeline = simulate(ORG, FAST, Priority.P2, facts, T0, (Act(T0, "claim", "bob"),))
    assert [(s.kind, int((s.at - T0) / M)) for s in timeline] == [
        ("warning", 60), ("warning", 90), ("breach", 120), ("chain", 120), ("chain", 120),
        ("chain", 130), ("chain", 140), ("reminder", 150), ("reminder", 160), ("reminder", 170),
        ("exhausted", 180)]


def test_an_untouched_ticket_escalates_on_its_response_clock() -> None:
    ticket = opened()  # nobody claims it: response target 20 min
    assert sweep(ticket, at(10)) == ["sla_warning"]
    assert sweep(ticket, at(20)) == ["sla_breach skipped=1", "escalation", "escalation_channel"]
    # The lead answers: the response escalation stops; only the resolution clock remains.
    ticket.reply(Actor.of(Person(4, "dave", "Dave"), ticket, ORG, at(25), Source.CONSOLE), "on it")
    settle(ticket, ORG, at(25))
    ticket.new_audit.clear()
    assert sweep(ticket, at(59)) == []
    assert sweep(ticket, at(60)) == ["sla_warning"]


def test_work_missed_while_down_is_done_once_marked_late() -> None:
    ticket = claimed()
    # The bot was down from before the first warning until 25 minutes after the breach.
    assert sweep(ticket, at(145)) == [
        "sla_breach late skipped=2",  # both warnings folded into the breach
        "escalation late", "escalation_channel late", "escalate late", "priority late"]
    # Reminders missed during a second outage are folded into one.
    assert sweep(ticket, at(175)) == ["sla_reminder late skipped=2"]
    assert sweep(ticket, at(180)) == ["sla_exhausted", "suspend"]


def test_pending_pauses_the_chain_and_resume_continues_it() -> None:
    ticket = claimed()
    assert sweep(ticket, at(120)) == ["sla_breach skipped=2", "escalation", "escalation_channel"]
    ticket.pend(Actor.of(BOB, ticket, ORG, at(125), Source.CONSOLE), "waiting for the vendor")
    settle(ticket, ORG, at(125))
    assert sweep(ticket, at(300)) == []  # nothing runs while pending
    ticket.resume(Actor.of(ALICE, ticket, ORG, at(300), Source.CONSOLE))
    settle(ticket, ORG, at(300))
    ticket.new_audit.clear()
    # The reassign step was 5 minutes away when the pause began: it comes 5 minutes after.
    assert sweep(ticket, at(304)) == []
    assert sweep(ticket, at(305)) == ["escalate"]


def test_lowering_the_priority_after_a_breach_ends_the_escalation() -> None:
    ticket = claimed(Priority.P1)  # resolution 60 min
    assert sweep(ticket, at(60)) == ["sla_breach skipped=2", "escalation", "escalation_channel"]
    ticket.set_priority(Actor.of(Person(4, "dave", "Dave"), ticket, ORG, at(65), Source.CONSOLE),
                        Priority.P4, "not urgent after all")
    settle(ticket, ORG, at(65))
    ticket.new_audit.clear()
    # P4: 240 minutes from the opening: no longer breached; its warnings come again.
    assert ticket.sla is not None and ticket.sla.resolution.breached_at is None
    assert ticket.sla.next_due_at == at(120)
    assert sweep(ticket, at(120)) == ["sla_warning"]
    assert sweep(ticket, at(180)) == ["sla_warning"]
    assert sweep(ticket, at(240)) == ["sla_breach", "escalation", "escalation_channel"]


def test_a_step_the_ticket_no_longer_allows_is_skipped_and_recorded() -> None:
    ticket = claimed(Priority.P1)
    sweep(ticket, at(60))
    sweep(ticket, at(70))  # reassign to carol
    due = due_now(ticket, ORG, at(80))
    assert due is not None and due.step.kind is StepKind.CHAIN
    perform(ticket, ORG, due, at(80))  # raise priority: already P1
    lines = [(e.action, e.reason) for e in ticket.new_audit]
    assert lines == [("sla_step_skipped", "priority cannot be raised")]


QUIET = SlaPolicy("quiet", TARGETS, "24x7", chain=EscalationChain(
    (EscalationStep(StepAction.NOTIFY_LEAD),), 10 * M, repeat_business=False, max_reminders=1))
QUIET_ORG = replace(ORG, sla=SlaBook({"24x7": BusinessCalendar.always()}, (QUIET,), "quiet"))


def test_an_exhausted_chain_on_a_ticket_nobody_took_does_not_claim_a_suspension() -> None:
    ticket = Ticket(key="IT-2", queue="IT", number=2, title="Nobody's", description="",
                    type=TicketType.INCIDENT, priority=Priority.P2, status=Status.NEW,
                    requester=ALICE, team="it", source=Source.CONSOLE, created_at=T0,
                    updated_at=T0, id=2)
    start(ticket, QUIET_ORG, T0)
    while ticket.sla is not None and (now := ticket.sla.next_due_at) is not None:
        due = due_now(ticket, QUIET_ORG, now)
        assert due is not None
        perform(ticket, QUIET_ORG, due, now)
        settle(ticket, QUIET_ORG, now)
    exhausted = [e for e in ticket.new_audit if e.action == "sla_exhausted"]
    assert ticket.status is Status.NEW  # a new ticket cannot be suspended
    assert [e.changes["suspended"] for e in exhausted] == [[None, False]] * 2
    catalogs = Catalog("en", UTC), Catalog("zh-CN", UTC)
    assert [c.history_line(exhausted[0]) for c in catalogs] == [
        "Escalation exhausted after 1 reminders: control channel told; not suspended "
        "(nobody has taken the ticket)",
        "已提醒 1 次仍无进展：已通知管控群；工单还没有人接手，未挂起"]
    # The dry run says the same, and a ticket someone took is suspended there as in the sweep.
    facts = Facts("IT", "it", TicketType.INCIDENT, None)
    untouched = simulate(QUIET_ORG, QUIET, Priority.P2, facts, T0)
    assert catalogs[0].text(untouched[-1].template) == (
        "control channel told; not suspended (nobody has taken the ticket)")
    taken = simulate(QUIET_ORG, QUIET, Priority.P2, facts, T0, (Act(at(1), "claim", "bob"),))
    assert catalogs[1].text(taken[-1].template) == "挂起并通知管控群"
    assert [s.kind for s in taken].count("exhausted") == 1  # suspended: the clocks stop


def test_the_dry_run_names_whom_a_reassign_reaches_and_what_is_skipped() -> None:
    facts = Facts("IT", "it", TicketType.INCIDENT, None)
    steps = simulate(ORG, FAST, Priority.P2, facts, T0, (Act(T0, "claim", "carol"),))
    chain = [(s.template, s.to, int((s.at - T0) / M)) for s in steps if s.kind == "chain"]
    # carol is on duty and has it already: the reassign is skipped, as the sweep skips it.
    assert chain[2:] == [("sla.step.skipped", None, 130), ("sla.step.raise_priority", "P1", 140)]
    assert Catalog("en", UTC).text(steps[5].template, number=3, action="reassign") == (
        "escalation step 3 skipped: nobody to reassign to")


def test_a_pend_at_the_breach_instant_comes_first_one_after_it_postpones_nothing() -> None:
    facts = Facts("IT", "it", TicketType.INCIDENT, None)
    claim = Act(T0, "claim", "bob")

    def breach(*acts: Act) -> int:
        steps = simulate(ORG, FAST, Priority.P2, facts, T0, (claim, *acts))
        return next(int((s.at - T0) / M) for s in steps if s.kind == "breach")

    assert breach() == 120
    assert breach(Act(at(120), "pend", "bob"), Act(at(150), "resume", "bob")) == 150
    assert breach(Act(at(121), "pend", "bob"), Act(at(150), "resume", "bob")) == 120
