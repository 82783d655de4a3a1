"""Fairness of round robin and least loaded over many simulated tickets (pure, no database).

    python -m bench.fairness [--tickets 1000] [--members 7] [--seed 7]

Round robin: tickets handed out with nobody away, then with people going away at random; the
spread is the most minus the fewest tickets any member got.
Least loaded: tickets of random priority (weights P1 5 … P5 1); each open ticket is resolved with
a fixed chance at every step, whoever holds it. The spread is the largest difference in weighted
open load between two members right after an assignment, and the spread of tickets and of
weight handed out in total.
"""

import argparse
import json
import random
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from workflows.assignment import DEFAULT_WEIGHTS, AssignmentPolicy, Strategy, TeamState, choose
from workflows.priority import Priority

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PRIORITY_MIX = [(Priority.P1, 5), (Priority.P2, 15), (Priority.P3, 50), (Priority.P4, 20),
                (Priority.P5, 10)]


@dataclass(frozen=True)
class RoundRobinResult:
    tickets: int
    counts: dict[str, int]
    spread: int  # most - fewest tickets per member
    unfair_turns: int  # someone got a second turn before an always-available member got one


@dataclass(frozen=True)
class LeastLoadedResult:
    tickets: int
    counts: dict[str, int]
    weight_given: dict[str, int]
    count_spread: int
    weight_spread: int  # of all weight handed out
    worst_load_spread: int  # weighted open load, right after an assignment, over the whole run
    wrong_picks: int  # assignments to someone who was not (one of) the least loaded


def members(n: int) -> tuple[str, ...]:
    return tuple(f"agent{i:02d}" for i in range(1, n + 1))


def round_robin(tickets: int = 1000, n: int = 7, seed: int = 7,
                away_chance: float = 0.0) -> RoundRobinResult:
    """With `away_chance`, at every ticket each present member goes away with that chance for
    1-20 tickets' time."""
    rng = random.Random(seed)
    team = members(n)
    policy = AssignmentPolicy(Strategy.ROUND_ROBIN)
    last: str | None = None
    away: dict[str, datetime] = {}
    picks: list[tuple[str, frozenset[str]]] = []  # who, and who was available then
    for step in range(tickets):
        now = START + timedelta(minutes=step)
        for member in team:
            if away.get(member, START) <= now and rng.random() < away_chance:
                away[member] = now + timedelta(minutes=rng.randint(1, 20))
        choice = choose(policy, TeamState(team, last=last, away=away), Priority.P3,
                        frozenset(), now)
        assert choice.handle is not None or all(away.get(m, START) > now for m in team)
        if choice.handle is not None:
            last = choice.handle
            picks.append((choice.handle, frozenset(m for m in team if away.get(m, START) <= now)))
    counts = Counter(h for h, _ in picks)
    return RoundRobinResult(len(picks), {m: counts[m] for m in team},
                            max(counts[m] for m in team) - min(counts[m] for m in team),
                            _unfair_turns(picks))


def _unfair_turns(picks: list[tuple[str, frozenset[str]]]) -> int:
    """Between two turns of one member, every member available all along must have had one."""
    unfair = 0
    previous: dict[str, int] = {}
    for index, (who, _) in enumerate(picks):
        if who in previous:
            between = picks[previous[who] + 1:index + 1]
            always = frozenset.intersection(*(available for _, available in between))
            served = {h for h, _ in between}
            unfair += len(always - served - {who})
        previous[who] = index
    return unfair


def least_loaded(tickets: int = 1000, n: int = 7, seed: int = 7,
                 resolve_chance: float = 0.05) -> LeastLoadedResult:
    rng = random.Random(seed)
    team = members(n)
    policy = AssignmentPolicy(Strategy.LEAST_LOADED)
    weights = DEFAULT_WEIGHTS
    open_tickets: list[tuple[str, Priority]] = []
    last: str | None = None
    counts: Counter[str] = Counter()
    given: Counter[str] = Counter()
    worst = wrong = 0
    for step in range(tickets):
        now = START + timedelta(minutes=step)
        open_tickets = [t for t in open_tickets if rng.random() >= resolve_chance]
        loads = Counter({m: 0 for m in team})
        for who, priority in open_tickets:
            loads[who] += weights[priority]
        priority = rng.choices([p for p, _ in PRIORITY_MIX], [w for _, w in PRIORITY_MIX])[0]
        choice = choose(policy, TeamState(team, loads=dict(loads), last=last), priority,
                        frozenset(), now)
        assert choice.handle is not None
        wrong += loads[choice.handle] != min(loads.values())
        last = choice.handle
        open_tickets.append((choice.handle, priority))
        counts[choice.handle] += 1
        given[choice.handle] += weights[priority]
        loads[choice.handle] += weights[priority]
        worst = max(worst, max(loads.values()) - min(loads.values()))
    return LeastLoadedResult(
        tickets, {m: counts[m] for m in team}, {m: given[m] for m in team},
        max(counts.values()) - min(counts[m] for m in team),
        max(given.values()) - min(given[m] for m in team), worst, wrong)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--members", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    runs = {
        "round_robin": round_robin(args.tickets, args.members, args.seed),
        "round_robin_with_away": round_robin(args.tickets, args.members, args.seed, 0.02),
        "least_loaded": least_loaded(args.tickets, args.members, args.seed),
        "least_loaded_no_resolving": least_loaded(args.tickets, args.members, args.seed, 0.0),
    }
    print(json.dumps({name: asdict(result) for name, result in runs.items()}, indent=2))
    rr, ll = runs["round_robin"], runs["least_loaded"]
    print(f"round robin: spread {rr.spread} ticket(s) over {rr.tickets}; with people away: "
          f"spread {runs['round_robin_with_away'].spread}, unfair turns "
          f"{runs['round_robin_with_away'].unfair_turns}")
    print(f"least loaded: worst open-load spread {ll.worst_load_spread} (max weight "
          f"{max(DEFAULT_WEIGHTS.values())}), tickets spread {ll.count_spread}, weight spread "
          f"{ll.weight_spread}, wrong picks {ll.wrong_picks}")


if __name__ == "__main__":
    main()
