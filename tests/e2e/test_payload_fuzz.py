"""Malformed Slack payloads, correctly signed, over real HTTP to the app: slash commands with
fields missing or mangled, interactivity payloads that are not JSON or not shaped like Slack's,
events with odd types and values. Never a 5xx, never a traceback in what comes back, and nothing
written to the tickets, their audit trail, comments or outbox."""

import itertools
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.models import AuditRow, CommentRow, OutboxRow, TicketRow
from tests.e2e.slack_stack import SlackStack, slack_stack
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock

FORM = "application/x-www-form-urlencoded"
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=40))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12)
# Nothing here names a real ticket or asks for a new one: every payload must change nothing.
GARBAGE = st.one_of(st.text(max_size=60).map(lambda t: "zz" + t), st.sampled_from([
    "IT-999", "{\"key\": \"IT-999\", \"v\": \"x\"}", "{\"key\": null}", "[]", "null", "\u0000",
    "x" * 3000, "<!channel>", "{{ 7*7 }}"]))


def mangle(shape: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The shape with some keys dropped and some values replaced by any JSON."""
    keys = sorted(shape)
    return st.tuples(st.sets(st.sampled_from(keys)), st.dictionaries(
        st.sampled_from(keys), JSON, max_size=3)).map(
        lambda drop_swap: {**{k: v for k, v in shape.items() if k not in drop_swap[0]},
                           **drop_swap[1]})


def slash_bodies(response_url: str) -> st.SearchStrategy[bytes]:
    fields = sp.slash_command("zz fuzz", user_id="U0FUZZ", user_name="fuzz",
                              response_url=response_url)
    mangled = st.tuples(st.sets(st.sampled_from(sorted(fields))), GARBAGE).map(
        lambda drop_text: sp.form_body({**{k: v for k, v in fields.items()
                                           if k not in drop_text[0]}, "text": drop_text[1]}))
    return st.one_of(mangled, st.binary(max_size=200))


def interactive_bodies() -> st.SearchStrategy[bytes]:
    click = sp.block_actions("ticket:claim", json.dumps({"key": "IT-999", "v": 1}),
                             user_id="U0FUZZ", user_name="fuzz", channel_id="C0FUZZ",
                             message_ts="1767000000.000100")
    submit = sp.view_submission("ticket_resolve", {"resolution": {"value": sp.text_input_state("zz")}},
                                user_id="U0FUZZ", user_name="fuzz",
                                private_metadata=json.dumps({"key": "IT-999"}))
    payloads = st.one_of(
        mangle(click), mangle(submit),
        st.builds(lambda action, value: sp.block_actions(
            action, value, user_id="U0FUZZ", user_name="fuzz", channel_id="C0FUZZ",
            message_ts="1767000000.000100"),
            st.sampled_from(["ticket:claim", "ticket:transfer", "ticket:resolve", "ticket:",
                             "ticket:💥", "other"]), GARBAGE),
        st.builds(lambda callback, meta: sp.view_submission(
            callback, {"note": {"value": sp.text_input_state("zz")}}, user_id="U0FUZZ", user_name="fuzz",
            private_metadata=meta),
            st.sampled_from(["ticket_transfer", "ticket_note", "ticket_pend", "ticket_resolve",
                             "unknown"]), GARBAGE),
    )
    as_json = payloads.map(sp.interactive_body)
    not_json = GARBAGE.map(lambda text: sp.form_body({"payload": text}))
    return st.one_of(as_json, not_json)


def event_bodies() -> st.SearchStrategy[bytes]:
    message = sp.message("zz fuzz", user="U0FUZZ", channel="C0FUZZ", ts="1767000000.000900")
    events = st.one_of(
        mangle(message),
        st.builds(lambda kind, text: {"type": kind, "user": "U0FUZZ", "text": text,
                                      "channel": "D0FUZZ", "ts": "1767000000.000901"},
                  st.sampled_from(["message", "app_mention", "app_home_opened", "unknown"]),
                  GARBAGE),
        st.builds(lambda name, item: {"type": "reaction_added", "user": "U0FUZZ",
                                      "reaction": name, "item": item},
                  st.sampled_from(["eyes", "+1", ""]), JSON),
    )
    envelope = sp.event_callback({"type": "app_home_opened", "user": "U0FUZZ"})
    ids = itertools.count()  # a fresh event id each, or the app would skip them as retries
    return events.map(lambda event: sp.json_body(
        {**envelope, "event": event, "event_id": f"Ev0FUZZ{next(ids):06d}"}))


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock,
                fake_slack: FakeSlack) -> AsyncIterator[SlackStack]:
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


async def written(stack: SlackStack) -> tuple[int, ...]:
    return tuple([await stack.count(model)
                  for model in (TicketRow, AuditRow, CommentRow, OutboxRow)])


def examples(strategy: st.SearchStrategy[bytes], count: int) -> list[bytes]:
    found: list[bytes] = []

    @settings(max_examples=count, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(body: bytes) -> None:
        found.append(body)

    collect()
    return found


@pytest.mark.parametrize("kind", ["slash", "interactive", "event"])
async def test_malformed_signed_payloads_never_break_or_write(stack: SlackStack,
                                                              kind: str) -> None:
    await stack.command("U0ALICE", "new Printer jammed")  # one real ticket (IT-1) to protect
    await stack.deliver()
    before = await written(stack)
    strategy = {"slash": lambda: slash_bodies(stack.response_url()),
                "interactive": interactive_bodies, "event": event_bodies}[kind]()
    for body in examples(strategy, 60):
        content_type = "application/json" if kind == "event" else FORM
        response = await stack.post(body, content_type)
        assert response.status_code < 500, body
        assert "Traceback" not in response.text, body
        await stack.slack.settle()
        assert await written(stack) == before, body
    said = [call.args.get("text") or "" for call in stack.fake.calls
            if call.method in ("chat.postEphemeral", "chat.postMessage")]
    said += [str(reply.get("text") or "") for reply in stack.fake.responses]  # response_url
    assert not any("Traceback" in text or "error.internal" in text for text in said)
