"""The index of recent open tickets' titles scores as `similarity` does, sees numbers skipped
by a transaction that commits late, forgets closed tickets and stays bounded."""

from datetime import UTC, datetime, timedelta

from storage.kb_index import Terms, similarity
from storage.kb_recent import FULL_REFRESH, IDLE_RELOAD, RecentTitles
from storage.kb_text import words

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def terms(title: str) -> Terms:
    return Terms.of(words(title))


def test_scores_equal_similarity_and_ties_go_to_the_most_recent() -> None:
    recent = RecentTitles()
    titles = {1: "printer on floor 2 offline", 2: "VPN disconnects every hour",
              3: "printer on floor 2 offline", 4: "打印机无法打印"}
    recent.reload([(i, T0 + timedelta(minutes=i), terms(t)) for i, t in titles.items()], 4, 0.0)
    query = terms("the printer on floor 2 is offline")
    found = recent.alike(query, T0, 0.1, 32)
    assert [c.id for c in found] == [3, 1]
    assert found[0].score == similarity(query, terms(titles[3]))
    # Outside the window, nothing.
    assert recent.alike(query, T0 + timedelta(minutes=5), 0.1, 32) == []


def test_skipped_numbers_are_looked_for_until_they_show() -> None:
    recent = RecentTitles()
    recent.reload([], 0, 0.0)
    recent.skipped.clear()
    # 2 was numbered but not committed when 1 and 3 were read.
    recent.add_new([(1, T0, True, terms("mail down")), (3, T0, True, terms("mail down again"))])
    assert recent.last_seen == 3 and recent.skipped == {2}
    assert recent.is_new(2) and not recent.is_new(3)
    recent.add_new([(2, T0, True, terms("mail is down"))])
    assert recent.skipped == set()
    assert {c.id for c in recent.alike(terms("mail down"), T0, 0.5, 32)} == {1, 2, 3}


def test_closed_tickets_are_not_indexed_and_dropped_ones_forgotten() -> None:
    recent = RecentTitles()
    recent.reload([], 0, 0.0)
    recent.add_new([(1, T0, False, None), (2, T0, True, terms("badge does not open door"))])
    assert len(recent) == 1
    recent.drop(2)
    assert recent.alike(terms("badge does not open door"), T0, 0.1, 32) == []


def test_bounded_to_the_most_recent() -> None:
    recent = RecentTitles(capacity=10)
    recent.reload([], 0, 0.0)
    recent.add_new([(i, T0 + timedelta(seconds=i), True, terms(f"Bench ticket {i}"))
                    for i in range(1, 200)])
    assert len(recent) <= 10 + 50
    recent.reload([(i, T0 + timedelta(seconds=i), terms("Bench ticket")) for i in range(1, 30)],
                  29, 1.0)
    assert len(recent) == 10
    assert min(c.id for c in recent.alike(terms("Bench ticket"), T0, 0.5, 32)) == 20


def test_reloads_when_due_or_idle() -> None:
    recent = RecentTitles()
    assert recent.due(0.0)
    recent.reload([], 0, 0.0)
    assert not recent.due(1.0)
    assert recent.due(1.0 + IDLE_RELOAD)  # nobody looked for a while
    recent.reload([], 0, 10.0)
    for second in range(11, int(10 + FULL_REFRESH)):
        assert not recent.due(float(second))
    assert recent.due(10.0 + FULL_REFRESH)


def test_new_tickets_are_scored_into_an_earlier_answer() -> None:
    recent = RecentTitles()
    recent.reload([(1, T0, terms("mail down on floor 3"))], 1, 0.0)
    query = terms("mail down")
    before = recent.alike(query, T0, 0.3, 2)
    recent.add_new([(2, T0 + timedelta(minutes=1), True, terms("mail down")),
                    (3, T0, True, terms("badge broken"))])
    merged = recent.rescored(before, [2, 3], query, T0, 0.3, 2)
    assert merged == recent.alike(query, T0, 0.3, 2)
    assert [c.id for c in merged] == [2, 1]


def test_same_answer_as_scoring_every_title() -> None:
    """What the per-creation comparison of every open title gave, best first."""
    rng = __import__("random").Random(7)
    vocabulary = ["printer", "offline", "vpn", "mail", "floor", "打印机", "无法", "登录",
                  "password", "reset", "laptop", "slow", "2", "3"]
    titles = {i: " ".join(rng.sample(vocabulary, rng.randint(1, 5))) for i in range(1, 300)}
    at = {i: T0 + timedelta(seconds=rng.randint(0, 50)) for i in titles}
    recent = RecentTitles()
    recent.reload([(i, at[i], terms(t)) for i, t in titles.items()], 299, 0.0)
    for _ in range(30):
        query = terms(" ".join(rng.sample(vocabulary, 3)))
        scores = {i: s for i, t in titles.items() if (s := similarity(query, terms(t))) >= 0.4}
        expected = sorted(scores, key=lambda i: (-scores[i], -at[i].timestamp(), -i))[:6]
        found = recent.alike(query, T0, 0.4, 6)
        assert [c.id for c in found] == expected
        assert [c.score for c in found] == [scores[i] for i in expected]
