"""A confidential queue's ticket over the REST API: its insiders read it; to anyone else every
read answers as for a key never used, and search leaves it out."""

from tests.api.conftest import Api
from tests.support.chat import Chat

TITLE = "Complaint about my manager"


async def test_outsiders_get_what_an_unknown_key_gets(api: Api) -> None:
    assert (await Chat(api.app).user("alice").says(f"new queue:HR {TITLE}")).ok
    assert (await Chat(api.app).user("alice").says("new printer jam")).ok
    heidi, bob, admin = await api.as_("heidi"), await api.as_("bob"), await api.as_("admin")
    assert (await heidi.get("/tickets/HR-1")).json()["ticket"]["title"] == TITLE
    for outsider in (bob, admin):
        for path in ("/tickets/{}", "/tickets/{}/history"):
            got, never = (await outsider.get(path.format("HR-1")),
                          await outsider.get(path.format("HR-9")))
            assert got.status_code == never.status_code == 404
            assert got.text.replace("HR-1", "HR-?") == never.text.replace("HR-9", "HR-?")
        found = (await outsider.get("/tickets")).json()
        assert [t["key"] for t in found["tickets"]] == ["IT-1"] and found["total"] == 1
        assert (await outsider.get("/tickets", params={"queue": "HR"})).json()["total"] == 0
    assert (await heidi.get("/tickets", params={"queue": "HR"})).json()["total"] == 1
