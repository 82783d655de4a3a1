"""Two approval steps in a row, walked in the console: the sample's new-laptop request (its own
ticket type) goes to the requester's manager, then to the IT team's lead; the first step pauses
the SLA clocks, the second keeps them running; a rejection at the second step declines it with its reason."""

from tests.support.chat import Chat


async def requested(chat: Chat) -> str:
    created = await chat.user("alice").says("new type:laptop New laptop for the new hire")
    key = created.answer.ticket.key
    assert (await chat.user("bob").says(f"claim {key}")).ok
    sent = await chat.user("bob").says(f"pend {key} needs approval")
    assert "Awaiting manager" in sent.card, sent.card
    return key


async def test_the_manager_then_the_it_lead_approve(chat: Chat) -> None:
    key = await requested(chat)
    refused = await chat.user("dave").says(f"approve {key}")  # the IT lead: not yet his turn
    assert refused.text == (f"You are not an approver of {key} while it is Awaiting manager: "
                            "carol decides.")
    first = await chat.user("carol").says(f"approve {key}")  # alice's manager
    assert first.text.splitlines()[0] == (
        f"{key} is approved: it is now Awaiting IT lead. Approved by carol; awaited: dave.")
    assert "Awaiting IT lead" in first.card
    second = await chat.user("dave").says(f"approve {key}")
    assert second.text.splitlines()[0] == (
        f"{key} is approved: it is now In progress. Approved by dave.")
    history = (await chat.user("dave").says(f"history {key}")).text
    assert "Carol  Approve (Awaiting manager → Awaiting IT lead)" in history
    assert "Dave  Approve (Awaiting IT lead → In progress)" in history
    # The manager's step paused the clocks; the IT lead's keeps them running.
    assert "SLA clocks paused" in history and "SLA clocks resumed" in history


async def test_the_it_lead_declines_with_a_reason(chat: Chat) -> None:
    key = await requested(chat)
    assert (await chat.user("carol").says(f"approve {key}")).ok
    declined = await chat.user("dave").says(f"reject {key} a laptop from stock will do")
    assert declined.text.splitlines()[0] == (
        f"You rejected {key}: a laptop from stock will do. It is now Declined.")
    history = (await chat.user("dave").says(f"history {key}")).text
    assert "Dave  Reject (Awaiting IT lead → Declined) · reason: a laptop from stock will do" in (
        history)
