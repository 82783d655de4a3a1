"""A webhook subscription hears of a confidential queue's tickets only when it says
`confidential: true`; other tickets reach every subscription as before."""

from pathlib import Path

from sqlalchemy import select

from bot.bootstrap import build_app
from bot.settings import Settings
from storage.models import OutboxRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock

ORG = """\
default_queue: IT
people:
  - {handle: alice, name: Alice}
  - {handle: heidi, name: Heidi}
teams:
  - {key: it, name: IT, leads: [heidi]}
  - {key: hr, name: HR, leads: [heidi], confidential: true}
queues:
  - {key: IT, name: IT, default_team: it}
  - {key: HR, name: HR, default_team: hr}
webhooks:
  - {name: everything, url: "http://127.0.0.1:9/all", secret: whsec-0123456789abcdef,
     events: [ticket.created]}
  - {name: hr-audit, url: "http://127.0.0.1:9/hr", secret: whsec-0123456789abcdef, events: [ticket.created],
     confidential: true}
"""


async def test_only_a_confidential_subscription_hears_of_it(
        database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    app = await build_app(Settings(_env_file=None, database_url=database_url, org_file=org),
                          clock=clock)
    try:
        chat = Chat(app)
        assert (await chat.user("alice").says("new queue:HR a private matter")).ok
        assert (await chat.user("alice").says("new printer jam")).ok
        async with app.engine.connect() as conn:
            rows = (await conn.execute(select(OutboxRow.ticket_key, OutboxRow.address).where(
                OutboxRow.platform == "webhook"))).all()
    finally:
        await app.aclose()
    assert sorted(map(tuple, rows)) == [("HR-1", "hr-audit"), ("IT-1", "everything"),
                                        ("IT-1", "hr-audit")]
