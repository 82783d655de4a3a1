"""`identities:` in the organisation file: accounts on any messenger, beside today's ids."""

from pathlib import Path

import pytest

from bot.orgfile import OrgFileError, load_org

HEAD = ("default_queue: IT\nteams: [{key: it, name: IT}]\n"
        "queues: [{key: IT, name: IT, default_team: it}]\npeople:\n")


def _load(tmp_path: Path, people: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "org.yaml"
    path.write_text(HEAD + people, encoding="utf-8")
    return load_org(path)


def test_identities_are_read_beside_todays_ids(tmp_path: Path) -> None:
    loaded = _load(tmp_path, "  - {handle: li, name: 李雷, dingtalk_id: staff-li, identities: "
                             "[{platform: feishu, id: ou_li}, {platform: feishu, id: ou_li2, "
                             "workspace: cli_2}]}\n")
    (entry,) = loaded.directory
    assert entry.accounts() == [("dingtalk", "", "staff-li"), ("feishu", "", "ou_li"),
                                ("feishu", "cli_2", "ou_li2")]


def test_one_account_for_two_people_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OrgFileError) as caught:
        _load(tmp_path, "  - {handle: li, name: Li, identities: [{platform: feishu, id: ou_x}]}\n"
                        "  - {handle: wang, name: Wang, identities: [{platform: feishu, id: ou_x}]}\n")
    assert caught.value.problems == [
        f"{tmp_path / 'org.yaml'}:6: people[1].identities[0]: feishu id 'ou_x' belongs to 'li' already"]


def test_an_unknown_platform_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OrgFileError) as caught:
        _load(tmp_path, "  - {handle: li, name: Li, identities: [{platform: icq, id: '1'}]}\n")
    assert "identities" in caught.value.problems[0]
