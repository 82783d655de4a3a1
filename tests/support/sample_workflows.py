"""The sample organisation's own ticket types and workflows, as organisation-file text to append
to a platform test's own file, so the Slack and DingTalk transcripts walk the sample's
workflows themselves (the laptop's manager step then the IT lead's, the change board)."""

from typing import Any

import yaml

from bot.orgfile import SAMPLE


def sample() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return loaded


def sample_laptop_yaml() -> str:
    return sample_type_yaml("laptop_request")


def sample_type_yaml(own_type: str) -> str:
    """The sample's own types and the workflow of one of them (`access_request` …)."""
    flows = [w for w in sample()["workflows"] if own_type in w["types"]]
    return yaml.safe_dump({"ticket_types": sample()["ticket_types"], "workflows": flows},
                          allow_unicode=True, sort_keys=False)


def sample_board() -> list[str]:
    """The sample's change advisory board (its `cab` group): erin, grace, admin."""
    members: list[str] = sample()["groups"]["cab"]
    return members


def sample_change_board_yaml() -> str:
    """The sample's change workflow with its board, the group its approval step names; the
    platform file must have the board's members as people."""
    return sample_type_yaml("change_request") + yaml.safe_dump(
        {"groups": {"cab": sample_board()}}, sort_keys=False)


def with_sample_hr(org: str, people: list[dict[str, str]],
                   channels: dict[str, str]) -> str:
    """`org` (a platform test's file) with the sample's confidential HR team and queue as the
    sample writes them, its members given as `people` (with their platform ids). `channels`
    gives the queue channels on the platform, so a leak would have somewhere to go."""
    loaded: dict[str, Any] = yaml.safe_load(org)
    team = next(t for t in sample()["teams"] if t["key"] == "hr")
    queue = next(q for q in sample()["queues"] if q["key"] == "HR")
    assert team["confidential"] and queue["confidential"]
    loaded["people"] += people
    loaded["teams"].append(team)
    loaded["queues"].append({**queue, "channels": channels})
    return yaml.safe_dump(loaded, allow_unicode=True, sort_keys=False)
