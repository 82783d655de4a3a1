"""Assignment strategies with away members, ties, empty teams, rosters and P1 bypass; fairness
over 1,000 simulated tickets (figures: `python -m bench.fairness`)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bench.fairness import least_loaded, round_robin
from workflows.assignment import (
    DEFAULT_WEIGHTS,
    AssignmentPolicy,
    P1Bypass,
    Strategy,
    TeamState,
    choose,
    rotation,
    weighted_load,
)
from workflows.choice import How
from workflows.priority import Priority
from workflows.roster import Roster, Shift

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday, 17:00 in Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")
TEAM = ("frank", "grace", "heidi")
NONE: frozenset[str] = frozenset()


def pick(strategy: Strategy, state: TeamState, priority: Priority = Priority.P3,
         skills: frozenset[str] = NONE, now: datetime = NOW, **policy: object):  # type: ignore[no-untyped-def]
    return choose(AssignmentPolicy(strategy, **policy), state, priority, skills, now)  # type: ignore[arg-type]


def test_rotation_starts_after_the_last_person() -> None:
    assert rotation(TEAM, "grace") == ("heidi", "frank", "grace")
    assert rotation(TEAM, "heidi") == TEAM
    assert rotation(TEAM, None) == TEAM
    assert rotation(TEAM, "someone who left") == TEAM


# -- round robin -----------------------------------------------------------------------------
def test_round_robin_takes_turns_in_declared_order() -> None:
    last = None
    order = []
    for _ in range(7):
        choice = pick(Strategy.ROUND_ROBIN, TeamState(TEAM, last=last))
        order.append(choice.handle)
        last = choice.handle
    assert order == ["frank", "grace", "heidi", "frank", "grace", "heidi", "frank"]
    assert choice.reason() == "round robin: next after heidi"
    assert pick(Strategy.ROUND_ROBIN, TeamState(TEAM)).reason() == "round robin: first in turn"


def test_round_robin_skips_people_away_and_says_so() -> None:
    away = {"grace": NOW + timedelta(days=7), "heidi": NOW - timedelta(minutes=1)}  # heidi is back
    choice = pick(Strategy.ROUND_ROBIN, TeamState(TEAM, last="frank", away=away))
    assert (choice.handle, choice.how) == ("heidi", How.ROUND_ROBIN)
    assert choice.reason() == ("round robin: next after frank; skipped (away): grace until "
                               "2026-03-09 09:00 UTC")


def test_everyone_away_or_nobody_to_assign_leaves_the_ticket_for_triage() -> None:
    away = {h: NOW + timedelta(hours=1) for h in TEAM}
    for strategy in (Strategy.ROUND_ROBIN, Strategy.LEAST_LOADED, Strategy.SKILL):
        choice = pick(strategy, TeamState(TEAM, away=away), skills=frozenset({"vpn"}))
        assert (choice.handle, choice.how) == (None, How.ALL_AWAY)
        assert choice.reason().startswith("everyone who could take it is away; skipped (away): ")
        empty = pick(strategy, TeamState(()))
        assert (empty.handle, empty.reason()) == (None, "the team has nobody to assign to")


def test_manual_teams_never_assign() -> None:
    choice = pick(Strategy.MANUAL, TeamState(TEAM))
    assert (choice.handle, choice.reason()) == (
        None, "manual assignment: waits in triage for someone to claim it")


# -- least loaded ----------------------------------------------------------------------------
def test_load_is_open_work_weighted_by_priority() -> None:
    assert weighted_load({Priority.P1: 1, Priority.P4: 2}) == 7
    assert weighted_load({Priority.P1: 1}, {**DEFAULT_WEIGHTS, Priority.P1: 10}) == 10


def test_least_loaded_picks_the_lightest_and_shows_the_comparison() -> None:
    state = TeamState(TEAM, loads={"frank": 5, "grace": 2, "heidi": 4})
    choice = pick(Strategy.LEAST_LOADED, state)
    assert (choice.handle, choice.how) == ("grace", How.LEAST_LOADED)
    assert choice.reason() == ("least loaded (open tickets weighted by priority): "
                               "frank 5, grace 2, heidi 4")


def test_least_loaded_ties_go_round_after_the_last_person() -> None:
    state = TeamState(TEAM, loads={"frank": 2, "grace": 2, "heidi": 2}, last="frank")
    assert pick(Strategy.LEAST_LOADED, state).handle == "grace"
    state = TeamState(TEAM, loads={"frank": 2, "grace": 3, "heidi": 2}, last="frank")
    assert pick(Strategy.LEAST_LOADED, state).handle == "heidi"
    assert pick(Strategy.LEAST_LOADED, TeamState(TEAM)).handle == "frank"  # no cursor yet


def test_least_loaded_skips_the_lightest_when_away() -> None:
    state = TeamState(TEAM, loads={"frank": 0, "grace": 2, "heidi": 4},
                      away={"frank": NOW + timedelta(days=1)})
    choice = pick(Strategy.LEAST_LOADED, state)
    assert choice.handle == "grace"
    assert [h for h, _ in choice.compared] == ["grace", "heidi"]
    assert [h for h, _ in choice.skipped] == ["frank"]


# -- skill -----------------------------------------------------------------------------------
SKILLS = {"frank": frozenset({"vpn", "wifi"}), "grace": frozenset({"vpn"}),
          "heidi": frozenset({"printer"})}


def test_skill_prefers_whoever_has_every_skill_needed() -> None:
    state = TeamState(TEAM, loads={"frank": 9, "grace": 0}, skills=SKILLS)
    choice = pick(Strategy.SKILL, state, skills=frozenset({"vpn", "wifi"}))
    assert (choice.handle, choice.has, choice.lacks) == ("frank", ("vpn", "wifi"), ())
    assert choice.reason() == "skill match: has vpn, wifi; least loaded: frank 9"


def test_skill_among_equals_the_least_loaded_then_the_rotation() -> None:
    state = TeamState(TEAM, loads={"frank": 4, "grace": 1}, skills=SKILLS)
    assert pick(Strategy.SKILL, state, skills=frozenset({"vpn"})).handle == "grace"
    tie = TeamState(TEAM, loads={"frank": 1, "grace": 1}, skills=SKILLS, last="frank")
    assert pick(Strategy.SKILL, tie, skills=frozenset({"vpn"})).handle == "grace"
    tie = TeamState(TEAM, loads={"frank": 1, "grace": 1}, skills=SKILLS, last="grace")
    assert pick(Strategy.SKILL, tie, skills=frozenset({"vpn"})).handle == "frank"


def test_skill_falls_back_to_the_closest_match_then_to_triage() -> None:
    away = {"frank": NOW + timedelta(days=2)}
    state = TeamState(TEAM, skills=SKILLS, away=away)
    choice = pick(Strategy.SKILL, state, skills=frozenset({"vpn", "wifi"}))
    assert (choice.handle, choice.has, choice.lacks) == ("grace", ("vpn",), ("wifi",))
    assert choice.reason().startswith("skill match: has vpn (nobody available has wifi)")
    nobody = pick(Strategy.SKILL, state, skills=frozenset({"sap"}))
    assert (nobody.handle, nobody.how) == (None, How.NO_SKILL)
    assert nobody.reason().startswith("nobody available has sap; skipped (away): frank")


def test_skill_with_nothing_required_is_least_loaded() -> None:
    state = TeamState(TEAM, loads={"frank": 3, "grace": 3, "heidi": 1}, skills=SKILLS)
    choice = pick(Strategy.SKILL, state)
    assert (choice.handle, choice.how) == ("heidi", How.SKILL)
    assert choice.reason() == ("skill match: no particular skill needed; least loaded: "
                               "frank 3, grace 3, heidi 1")


# -- on duty and P1 bypass -------------------------------------------------------------------
ROSTER = Roster((
    Shift("day", time(9), time(18), ("frank", "grace"), frozenset(range(5)), 7, date(2026, 3, 2)),
    Shift("night", time(18), time(9), ("heidi",)),
))


def on_duty(state: TeamState, now: datetime, priority: Priority = Priority.P3,
            strategy: Strategy = Strategy.ON_DUTY, bypass: P1Bypass = P1Bypass.NONE):  # type: ignore[no-untyped-def]
    return pick(strategy, state, priority, now=now, tz=SHANGHAI, roster=ROSTER, p1_bypass=bypass)


def test_on_duty_follows_the_shifts_in_the_teams_zone() -> None:
    state = TeamState(TEAM, leads=("erin",))
    choice = on_duty(state, NOW)  # 17:00 in Shanghai: day shift, first week -> frank
    assert (choice.handle, choice.how) == ("frank", How.ON_DUTY)
    assert choice.reason() == "on duty: day shift 09:00-18:00 Asia/Shanghai"
    assert on_duty(state, NOW + timedelta(hours=1)).handle == "heidi"  # 18:00: night shift
    assert on_duty(state, NOW + timedelta(days=7)).handle == "grace"  # next week's day shift
    weekend = on_duty(state, datetime(2026, 3, 7, 4, 0, tzinfo=UTC))  # Saturday 12:00
    assert (weekend.handle, weekend.how) == (None, How.NOBODY_ON_DUTY)
    assert weekend.reason() == "nobody is on duty at 2026-03-07 12:00 Asia/Shanghai"


def test_on_duty_but_away_leaves_it_for_triage() -> None:
    state = TeamState(TEAM, away={"frank": NOW + timedelta(hours=3)})
    choice = on_duty(state, NOW)
    assert (choice.handle, choice.how) == (None, How.ALL_AWAY)
    assert choice.reason() == ("everyone who could take it is away; skipped (away): frank until "
                               "2026-03-02 20:00 Asia/Shanghai")


def test_p1_bypass_to_the_person_on_duty_even_in_a_manual_team() -> None:
    state = TeamState(TEAM, leads=("erin",))
    choice = on_duty(state, NOW, Priority.P1, Strategy.MANUAL, P1Bypass.ON_DUTY)
    assert (choice.handle, choice.how) == ("frank", How.P1_ON_DUTY)
    assert choice.reason() == ("P1 goes straight to the person on duty: day shift 09:00-18:00 "
                               "Asia/Shanghai")
    p2 = on_duty(state, NOW, Priority.P2, Strategy.MANUAL, P1Bypass.ON_DUTY)
    assert (p2.handle, p2.how) == (None, How.MANUAL)  # only P1 skips the queue


def test_p1_bypass_falls_back_to_the_lead_then_to_the_strategy() -> None:
    saturday = datetime(2026, 3, 7, 4, 0, tzinfo=UTC)  # nobody on duty
    state = TeamState(TEAM, leads=("erin", "lena"), away={"erin": saturday + timedelta(days=2)})
    choice = on_duty(state, saturday, Priority.P1, Strategy.ROUND_ROBIN, P1Bypass.ON_DUTY)
    assert (choice.handle, choice.how, choice.reason()) == (
        "lena", How.P1_LEAD, "P1 goes straight to the team lead")
    all_leads_away = TeamState(TEAM, leads=("erin",), away={"erin": saturday + timedelta(days=2)})
    choice = on_duty(all_leads_away, saturday, Priority.P1, Strategy.ROUND_ROBIN,
                     P1Bypass.ON_DUTY)
    assert (choice.handle, choice.how) == ("frank", How.ROUND_ROBIN)


def test_p1_bypass_to_the_lead() -> None:
    choice = pick(Strategy.LEAST_LOADED, TeamState(TEAM, leads=("erin",)), Priority.P1,
                  p1_bypass=P1Bypass.LEAD)
    assert (choice.handle, choice.how) == ("erin", How.P1_LEAD)


def test_several_on_duty_share_by_load() -> None:
    late = Roster((*ROSTER.shifts, Shift("late", time(16), time(20), ("grace",))))
    state = TeamState(TEAM, loads={"frank": 6, "grace": 2})
    choice = pick(Strategy.ON_DUTY, state, now=NOW, tz=SHANGHAI, roster=late)
    assert (choice.handle, choice.compared) == ("grace", (("frank", 6), ("grace", 2)))
    assert choice.reason() == "on duty: late shift 16:00-20:00 Asia/Shanghai"


# -- fairness over 1,000 tickets (figures: python -m bench.fairness) ---------------------------
@pytest.mark.parametrize("seed", [1, 2, 3, 7])
def test_round_robin_is_fair_over_a_thousand_tickets(seed: int) -> None:
    result = round_robin(tickets=1000, n=7, seed=seed)
    assert result.tickets == 1000
    assert result.spread <= 1  # 1000 = 7 x 142 + 6: six members get one more
    with_away = round_robin(tickets=1000, n=7, seed=seed, away_chance=0.02)
    # Absent people miss their turns (that is the point), but nobody present is ever passed
    # over: between two turns of one member, everyone available all along had theirs.
    assert with_away.unfair_turns == 0


@pytest.mark.parametrize("seed", [1, 2, 3, 7])
def test_least_loaded_keeps_open_work_level_over_a_thousand_tickets(seed: int) -> None:
    heaviest = max(DEFAULT_WEIGHTS.values())
    steady = least_loaded(tickets=1000, n=7, seed=seed, resolve_chance=0.0)
    assert steady.wrong_picks == 0
    assert steady.worst_load_spread <= heaviest  # never more than one P1 apart
    churn = least_loaded(tickets=1000, n=7, seed=seed, resolve_chance=0.05)
    assert churn.wrong_picks == 0
    # Random resolutions can open a gap before the next ticket closes it again.
    assert churn.worst_load_spread <= 2 * heaviest
