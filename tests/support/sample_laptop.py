"""The sample organisation's own ticket types and its new-laptop workflow, as organisation-file
text to append to a platform test's own file, so the Slack and DingTalk transcripts walk the
sample's workflow itself (its manager step, then the IT lead's)."""

from typing import Any

import yaml

from bot.orgfile import SAMPLE


def sample_laptop_yaml() -> str:
    return sample_type_yaml("laptop_request")


def sample_type_yaml(own_type: str) -> str:
    """The sample's own types and the workflow of one of them (`access_request` …)."""
    sample: dict[str, Any] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    flows = [w for w in sample["workflows"] if own_type in w["types"]]
    return yaml.safe_dump({"ticket_types": sample["ticket_types"], "workflows": flows},
                          allow_unicode=True, sort_keys=False)
