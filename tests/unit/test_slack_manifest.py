"""The shipped Slack app manifest asks for what the code uses, and nothing is forgotten."""

from pathlib import Path

import yaml

from bot.slack.modals import CREATE, STEP_MODALS

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "slack" / "manifest.yml"


def test_manifest_covers_the_listeners() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    assert [c["command"] for c in features["slash_commands"]] == ["/ticket"]
    assert features["slash_commands"][0]["should_escape"] is True
    assert [s["callback_id"] for s in features["shortcuts"]] == ["create_ticket"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened", "app_mention", "message.channels", "message.groups", "message.im",
        "reaction_added"}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "im:write", "reactions:read", "users:read",
            "channels:history", "app_mentions:read"} <= scopes
    urls = {features["slash_commands"][0]["url"], settings["interactivity"]["request_url"],
            settings["event_subscriptions"]["request_url"]}
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert CREATE == "ticket_create" and set(STEP_MODALS) == {"transfer", "note", "pend", "resolve"}
