"""A ticket's summed-up facts answer every period exactly as its audit lines do."""

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.report_trails import AGENTS, trails, windows
from workflows.reports.facts import Event, TicketFacts
from workflows.reports.lifecycle import read
from workflows.reports.summary import idle, life_of, summarize


def _facts(created: datetime, events: tuple[Event, ...]) -> TicketFacts:
    return TicketFacts("IT-1", "it", "P3", None, "req", created, "24x7", events)


@settings(max_examples=1500, deadline=None)
@given(trails(), st.lists(windows(), min_size=1, max_size=4))
def test_a_summary_reads_every_period_as_the_trail_does(
        trail: tuple[datetime, tuple[Event, ...]], periods: list[tuple[datetime, datetime]]
) -> None:
    created, events = trail
    summary = summarize(events)
    if summary is None:
        return
    facts = _facts(created, events)
    for start, end in periods:
        life = life_of(facts, summary, start, end, AGENTS)
        if life is None:  # left out of the report: the trail's reading must count in nothing
            assert idle(read(facts, start, end, AGENTS))
        else:
            assert life == read(facts, start, end, AGENTS)


@settings(max_examples=300, deadline=None)
@given(trails())
def test_a_trail_with_a_reopen_or_a_second_resolution_is_not_summed_up(
        trail: tuple[datetime, tuple[Event, ...]]) -> None:
    actions = [e.action for e in trail[1]]
    if "reopen" in actions or actions.count("resolve") > 1:
        assert summarize(trail[1]) is None


def test_the_usual_trail_is_summed_up() -> None:
    from datetime import UTC, timedelta

    from workflows.status import Status
    t = datetime(2026, 10, 5, tzinfo=UTC)
    events = (
        Event(t, "create", "req", Status.NEW),
        Event(t + timedelta(minutes=9), "claim", "ann", Status.IN_PROGRESS,
              {"assignee": [None, "ann"]}),
        Event(t + timedelta(minutes=9), "sla_response", "ann", None,
              {"used": [None, 540.0], "met": [None, True]}),
        Event(t + timedelta(hours=3), "resolve", "ann", Status.RESOLVED),
        Event(t + timedelta(hours=3), "sla_stop", "ann", None,
              {"used": [None, 10800.0], "met": [None, True]}),
        Event(t + timedelta(hours=4), "rate", "req", None, {"csat": [None, 5]}, "thanks"),
        Event(t + timedelta(days=3), "close", None, Status.CLOSED),
    )
    summary = summarize(events)
    assert summary is not None and summary.csat == 5 and summary.resolved_by == "ann"
    facts = _facts(t, events)
    life = life_of(facts, summary, t, t + timedelta(days=1), AGENTS)
    assert life == read(facts, t, t + timedelta(days=1), AGENTS)
    assert life.one_touch and life.rating == (5, "thanks", t + timedelta(hours=4))
