"""/api/v1/reports: the chat `report` over HTTP, with the same scopes and the same figures (the
month of tickets of test_report_figures, whose figures were worked out by hand), as JSON, CSV
and XLSX."""

import csv
import io

import openpyxl

from tests.api.conftest import Api
from tests.integration.test_report_figures import app, month_of_tickets  # noqa: F401
from tests.support.chat import Chat
from tests.support.clock import FakeClock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_the_json_report_carries_the_figures_chat_shows(api: Api, clock: FakeClock) -> None:
    chat = Chat(api.app)
    await month_of_tickets(chat, clock)
    said = await chat.user("dave").says("report 2026-11")
    dave = await api.as_("dave", "tickets:read")
    response = await dave.get("/reports", params={"period": "2026-11"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"] == "2026-11" and body["previous_period"] == "2026-10"
    assert body["scope"] == {"team": "ny"} and body["running"] is False
    now, before = body["current"], body["previous"]
    assert (now["created"], now["resolved"], now["backlog"]) == (4, 4, 2)
    assert (before["created"], before["resolved"], before["backlog"]) == (3, 1, 2)
    assert now["response_sla"]["percent"] == 75.0 and now["response_sla"]["breaches"] == ["IT-6"]
    assert now["resolution"]["business"]["median"] == 5.5 * 3600  # "business median 5h 30m"
    assert now["reopened"] == 1 and now["one_touch"] == 2
    assert now["csat"]["average"] == 3.5 and now["csat"]["distribution"] == [0, 1, 0, 0, 1]
    assert [(a["handle"], a["handled"], a["resolved"]) for a in body["agents"]] == [
        ("carol", 3, 3), ("bob", 2, 1)]
    # The message is chat's report, line for line.
    assert body["message"].splitlines()[:2] == said.text.splitlines()[:2]
    assert body["message"].splitlines()[1] == "Created: 4 (prev 3, +1) · Resolved: 4 (prev 1, +3)"

    by = (await dave.get("/reports", params={"period": "2026-11", "by": "priority"})).json()
    assert by["by"] == "priority" and "By priority" in by["message"]
    assert {g["name"] for g in by["by_priority"]} >= {"P2"}


async def test_the_same_people_see_the_same_scopes_as_in_chat(api: Api, clock: FakeClock) -> None:
    await month_of_tickets(Chat(api.app), clock)
    alice = await api.as_("alice", "tickets:read")
    own = (await alice.get("/reports", params={"period": "2026-11"})).json()
    assert own["scope"] == {"requests": "Alice"} and own["agents"] == []
    refused = await alice.get("/reports", params={"period": "2026-11", "team": "ny"})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"] == ("You can see reports of your own teams only, and you are "
                                        "not in team ny.")
    other = await alice.get("/reports", params={"period": "2026-11", "person": "bob"})
    assert other.status_code == 403 and "Bob is not in any of them" in other.json()["detail"]
    bob = await api.as_("bob", "tickets:read")
    mate = (await bob.get("/reports", params={"period": "2026-11", "person": "@carol"})).json()
    assert mate["scope"] == {"agent": "Carol"}
    assert [a["handle"] for a in mate["agents"]] == ["carol"]
    root = await api.as_("root", "tickets:read")
    assert (await root.get("/reports", params={"period": "2026-11"})).json()["scope"] == {
        "everyone": "1"}
    for params in ({"period": "someday"}, {"period": "2099-01"}, {"by": "mood"},
                   {"format": "pdf"}, {"team": "nowhere"}, {"colour": "red"}):
        bad = await root.get("/reports", params=params)
        assert bad.status_code == 422, params
    no_scope = await api.as_("dave", "tickets:write")
    assert (await no_scope.get("/reports")).status_code == 403


async def test_csv_and_xlsx_by_format_or_accept(api: Api, clock: FakeClock) -> None:
    await month_of_tickets(Chat(api.app), clock)
    dave = await api.as_("dave", "tickets:read")
    as_csv = await dave.get("/reports", params={"period": "2026-11", "format": "csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert 'filename="report-2026-11.csv"' in as_csv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    summary = {r["metric"]: r for r in rows if r["section"] == "summary"}
    assert (summary["created"]["current"], summary["created"]["previous"]) == ("4", "3")
    assert summary["response_sla.percent"]["current"] == "75.0"
    assert summary["response_sla.breaches"]["current"] == "IT-6"
    carol = {r["metric"]: r["current"] for r in rows if r["section"] == "agent"
             and r["name"] == "carol"}
    assert carol["resolved"] == "3"

    as_xlsx = await dave.get("/reports", params={"period": "2026-11", "team": "ny"},
                             headers={"Accept": XLSX})
    assert as_xlsx.status_code == 200 and as_xlsx.headers["content-type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    cells = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == ("section", "name", "metric", "current", "previous")
    assert ("summary", "2026-11", "created", 4, 3) in cells
    as_json = await dave.get("/reports", params={"period": "2026-11"},
                             headers={"Accept": "application/json"})
    assert as_json.headers["content-type"] == "application/json"
