"""Half a messenger configuration stops `ticketbot serve` with exit 2 and one sentence naming
the missing setting; nothing is started."""

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from bot.settings_check import incomplete_settings

BOT, APP, SECRET = "xoxb-1-2-abc", "xapp-1-A0-1-ff", "signing-secret"
CASES = [
    ({"slack_bot_token": BOT}, "SLACK_SIGNING_SECRET is not"),
    ({"slack_app_token": APP}, "SLACK_BOT_TOKEN is not"),
    ({"slack_bot_token": APP, "slack_signing_secret": SECRET}, "SLACK_BOT_TOKEN must be a bot token"),
    ({"slack_bot_token": BOT, "slack_app_token": BOT}, "SLACK_APP_TOKEN must be an app-level token"),
    ({"dingtalk_client_id": "ding1"}, "DINGTALK_CLIENT_SECRET is not"),
    ({"dingtalk_client_secret": "s"}, "DINGTALK_CLIENT_ID is not"),
    ({"dingtalk_client_id": "ding1", "dingtalk_client_secret": "s", "dingtalk_cards": "on"},
     "DINGTALK_CARD_TEMPLATE_ID is not set"),
    ({"dingtalk_card_template_id": "tpl.schema"}, "DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET"),
    ({"feishu_app_id": "cli_1"}, "FEISHU_APP_SECRET is not"),
    ({"feishu_app_secret": "s"}, "FEISHU_APP_ID is not"),
    ({"feishu_verification_token": "v"}, "FEISHU_APP_ID and FEISHU_APP_SECRET are not"),
    ({"feishu_app_id": "cli_1", "feishu_app_secret": "s",
      "feishu_openapi_endpoint": "http://open.feishu.cn/open-apis"}, "must be an https origin"),
    ({"feishu_app_id": "cli_1", "feishu_app_secret": "s", "feishu_verification_token": "v",
      "feishu_encrypt_key": "k"}, "encrypted Feishu events are not supported"),
]


@pytest.mark.parametrize(("values", "sentence"), CASES)
def test_half_a_configuration_is_named(values: dict[str, str], sentence: str) -> None:
    problem = incomplete_settings(Settings(_env_file=None, **values))
    assert problem is not None and sentence in problem


@pytest.mark.parametrize("values", [
    {},
    {"slack_bot_token": BOT, "slack_signing_secret": SECRET},
    {"slack_bot_token": BOT, "slack_app_token": APP},  # Socket Mode needs no signing secret
    {"dingtalk_client_id": "ding1", "dingtalk_client_secret": "s"},
    {"dingtalk_client_id": "ding1", "dingtalk_client_secret": "s", "dingtalk_cards": "on",
     "dingtalk_card_template_id": "tpl.schema"},
])
def test_complete_configurations_pass(values: dict[str, str]) -> None:
    assert incomplete_settings(Settings(_env_file=None, **values)) is None


def test_card_mode_follows_the_setting() -> None:
    base = {"dingtalk_client_id": "ding1", "dingtalk_client_secret": "s"}
    assert not Settings(_env_file=None, **base).dingtalk_card_mode
    assert Settings(_env_file=None, **base, dingtalk_card_template_id="t").dingtalk_card_mode
    assert not Settings(_env_file=None, **base, dingtalk_card_template_id="t",
                        dingtalk_cards="off").dingtalk_card_mode


@pytest.mark.parametrize("command", ["serve", "run", "dingtalk"])
def test_serve_refuses_to_start_with_one_sentence(
        command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # no .env file
    for name in ("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DINGTALK_CLIENT_ID",
                 "DINGTALK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    assert main([command]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SLACK_SIGNING_SECRET is not" in err
    assert not (tmp_path / "never.db").exists()  # nothing was started or created


def test_serve_refuses_half_a_feishu_configuration(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DINGTALK_CLIENT_ID",
                 "DINGTALK_CLIENT_SECRET", "FEISHU_APP_SECRET", "FEISHU_VERIFICATION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FEISHU_APP_ID", "cli_a1b2")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "FEISHU_APP_SECRET is not" in err
    assert not (tmp_path / "never.db").exists()
