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
    found = recent.alike(query, T0, 0.1)
    assert [c.id for c in found] == [3, 1]
    assert found[0].score == similarity(query, terms(titles[3]))
    # Outside the window, nothing.
    assert recent.alike(query, T0 + timedelta(minutes=5), 0.1) == []


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
    assert {c.id for c in recent.alike(terms("mail down"), T0, 0.5)} == {1, 2, 3}


def test_closed_tickets_are_not_indexed_and_dropped_ones_forgotten() -> None:
    recent = RecentTitles()
    recent.reload([], 0, 0.0)
    recent.add_new([(1, T0, False, None), (2, T0, True, terms("badge does not open door"))])
    assert len(recent) == 1
    recent.drop(2)
    assert recent.alike(terms("badge does not open door"), T0, 0.1) == []


def test_bounded_to_the_most_recent() -> None:
    recent = RecentTitles(capacity=10)
    recent.reload([], 0, 0.0)
    recent.add_new([(i, T0 + timedelta(seconds=i), True, terms(f"Bench ticket {i}"))
                    for i in range(1, 200)])
    assert len(recent) <= 10 + 50
    recent.reload([(i, T0 + timedelta(seconds=i), terms("Bench ticket")) for i in range(1, 30)],
                  29, 1.0)
    assert len(recent) == 10
    assert min(c.id for c in recent.alike(terms("Bench ticket"), T0, 0.5)) == 20


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
