"""Whose App Home is republished on a change: people who opened it lately, a bounded number."""

from bot.slack.bot import HomeViewers


def test_viewers_are_remembered_for_a_while() -> None:
    now = [1000.0]
    viewers = HomeViewers(keep_for=3600, clock=lambda: now[0])
    assert "U0ALICE" not in viewers
    viewers.saw("U0ALICE")
    now[0] += 3599
    assert "U0ALICE" in viewers
    now[0] += 2
    assert "U0ALICE" not in viewers
    viewers.saw("U0ALICE")  # opened again
    assert "U0ALICE" in viewers


def test_the_least_recent_viewer_is_forgotten_first() -> None:
    viewers = HomeViewers(limit=2, clock=lambda: 0.0)
    viewers.saw("U1")
    viewers.saw("U2")
    viewers.saw("U1")  # U1 looked again: U2 is now the oldest
    viewers.saw("U3")
    assert ("U1" in viewers, "U2" in viewers, "U3" in viewers) == (True, False, True)
