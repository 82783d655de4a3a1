"""/readyz's checks: the database, the schema, and each configured messenger connection."""

from bot.bootstrap import App
from bot.serve import readiness
from bot.slack.observe import request_kind, slack_request_id
from storage.migrate import schema_state
from tests.support.databases import pg_execute


async def test_ready_when_database_schema_and_connections_are_up(app: App) -> None:
    async def up() -> bool:
        return True

    async def down() -> bool:
        return False

    assert await readiness(app, {"slack_socket": up}) == {
        "database": True, "schema": True, "slack_socket": True}
    checks = await readiness(app, {"slack_socket": down})
    assert checks["slack_socket"] is False and checks["database"] is True


async def test_not_ready_on_an_old_schema(app: App, database_url: str) -> None:
    head = (await schema_state(app.engine)).head
    await pg_execute(database_url, "UPDATE alembic_version SET version_num = 'older'")
    try:
        assert await readiness(app) == {"database": True, "schema": False}
    finally:
        await pg_execute(database_url, f"UPDATE alembic_version SET version_num = '{head}'")


def test_request_labels_and_ids_come_from_slack() -> None:
    assert request_kind({"command": "/ticket", "trigger_id": "13345.98"}) == "command"
    assert request_kind({"type": "event_callback", "event": {"type": "message"}}) == "event:message"
    assert request_kind({"type": "block_actions"}) == "block_actions"
    assert slack_request_id({"type": "event_callback", "event_id": "Ev01"}) == "Ev01"
    assert slack_request_id({"trigger_id": "13345.98"}) == "13345.98"
    assert len(slack_request_id({})) == 16
