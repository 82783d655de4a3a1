"""Hostile and random text: the grammar answers with a command or a friendly ParseError, never
anything else, and never crashes."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.platforms import DINGTALK
from bot.slack.mentions import slack_people
from commands.grammar import Grammar, ParseError
from commands.messages import Mention
from commands.vocabulary import VERBS

GRAMMAR = Grammar("IT")
WORDS = st.sampled_from([*VERBS, "IT-1", "42", "#7", "@bob", "<@U123|x>", "<!channel>", "P1",
                         "reason:", "原因：", "--", "|", "type:change", "queue:HR", "{{ 7*7 }}",
                         "\u3000", "\xa0", "until", "into", "explain", "到"])
TEXT = st.one_of(st.text(max_size=200), st.lists(WORDS | st.text(max_size=12), max_size=12)
                 .map(" ".join))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3))
def test_any_text_parses_or_is_refused_politely(text: str, at_users: dict[str, str]) -> None:
    try:
        people = {**slack_people(text), **{"@" + name: Mention(DINGTALK, staff, name)
                                           for name, staff in at_users.items()}}
        command = GRAMMAR.parse(text, people)
    except ParseError as error:
        # The knowledge base's refusals have their own namespace in the catalogs.
        assert error.message_key.startswith(("error.", "kb.error."))
        return
    assert type(command).__module__ == "commands.messages"
