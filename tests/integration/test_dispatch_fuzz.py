"""Random and hostile chat text through the whole dispatcher: no internal errors, and a refusal
writes nothing to the tickets or their audit trail."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from storage.models import AuditRow, OutboxRow, TicketRow
from tests.support.chat import Chat

HOSTILE = st.sampled_from([
    "", "new", "new " + "x" * 500, "claim IT-999999999", "assign IT-1 <@U0|<!channel>>",
    "transfer IT-1 @@@ reason:", "note IT-1 {{ config }}", "resolve 0", "merge IT-1 into IT-1",
    "list status 💥", "rate IT-1 -1", "quiet 99:99-00:00 Mars/Olympus", "away until never",
    "route explain", "sla explain P9", "cc IT-1 <@U\u0000>", "reopen IT-1 \u202e",
])
TEXT = st.one_of(HOSTILE, st.text(max_size=120))


async def counts(chat: Chat) -> tuple[int, int, int]:
    async with chat.app.engine.connect() as conn:
        return tuple([int((await conn.execute(select(func.count()).select_from(model)))
                          .scalar_one()) for model in (TicketRow, AuditRow, OutboxRow)])


async def test_hostile_text_never_breaks_or_half_writes(chat: Chat) -> None:
    await chat.user("alice").says("new Printer jammed")
    seen: list[str] = []

    @settings(max_examples=120, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(TEXT, st.sampled_from(["alice", "bob", "dave"]))
    def collect(text: str, who: str) -> None:
        seen.append(f"{who}\x00{text}")

    collect()
    for item in seen:
        who, text = item.split("\x00", 1)
        before = await counts(chat)
        reply = await chat.user(who).says(text)
        assert reply.answer.key != "error.internal", (who, text)
        if not reply.ok:
            assert await counts(chat) == before, (who, text)
