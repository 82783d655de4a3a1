"""The sample's confidential HR queue in the real `ticketbot console` process, end to end: filed
in a public channel, claimed, a person added, an internal note typed in another team's channel,
sent back to the requester and answered, raised in priority, resolved, closed and rated. No
message the console shows going to a channel (`📣 to #…`) names it (key, title,
description); the requester, the team and the person added are told by direct message."""

from tests.e2e.test_console import ticketbot

TITLE = "Complaint about my manager"
DESCRIPTION = "he shouts at me in meetings"
SECRETS = ("HR-1", TITLE, DESCRIPTION)
SCRIPT = f"""\
/in #general
new queue:HR {TITLE} -- {DESCRIPTION}
/in
/as heidi
claim HR-1
cc HR-1 @erin
/as ivan
/in #it-triage
note HR-1 talk to both of them
/in
/as heidi
pend HR-1 when did it happen?
/as alice
reply HR-1 last Friday
/as heidi
/in #general
priority HR-1 P1 it happened again
/in
resolve HR-1 spoke to him, apology made
/as alice
close HR-1
rate HR-1 4 thanks
/in #general
new printer jam
"""


def told(out: str) -> dict[str, list[str]]:
    """What the console shows going out, by address (a message's further lines included)."""
    sent: dict[str, list[str]] = {}
    address = None
    for line in out.splitlines():
        if line.startswith("  📣 to "):
            address, _, text = line.removeprefix("  📣 to ").partition(": ")
            sent.setdefault(address, []).append(text)
        elif address is not None and line.startswith("     "):
            sent[address][-1] += "\n" + line.strip()
        else:
            address = None
    return sent


def test_an_hr_ticket_lives_and_no_channel_hears_of_it(database_url: str) -> None:
    assert ticketbot(database_url, "db", "upgrade").returncode == 0
    run = ticketbot(database_url, "console", stdin=SCRIPT)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "Your request was filed privately: its details are in your direct messages." in out
    for step in ("Heidi claimed HR-1.", "HR-1 is pending: when did it happen?",
                 "HR-1 is closed."):
        assert step in out, f"missing {step!r} in transcript:\n{out}"

    sent = told(out)
    channels = {address: texts for address, texts in sent.items() if address.startswith("#")}
    assert any("IT-1" in text for text in channels.get("#it-triage", []))  # channels are shown
    leaks = [(a, t) for a, texts in channels.items() for t in texts
             if any(s in t for s in SECRETS)]
    assert not leaks, out
    for person in ("alice", "heidi", "ivan", "erin"):  # requester, team, the person added
        assert any("HR-1" in text for text in sent.get(person, [])), (person, out)
    for person in ("bob", "carol", "dave", "admin"):  # IT's agents, its lead, the admin
        assert not any(s in t for t in sent.get(person, []) for s in SECRETS), (person, out)
