"""The messengers the adapters bring. To the domain each is a `Source`, a string it stores and
compares; only the edge knows them by name."""

from typing import Annotated

from pydantic import PlainSerializer, PlainValidator

from workflows.kinds import Source

SLACK = Source("slack")
DINGTALK = Source("dingtalk")
FEISHU = Source("feishu")  # Feishu (Lark); people are found through their identities

MESSENGERS = (SLACK, DINGTALK, FEISHU)
# Every origin a file or a setting may name: the messengers and the domain's own.
KNOWN = frozenset({*MESSENGERS, Source.CONSOLE, Source.API, Source.SYSTEM, Source.WEBHOOK})


def platform_named(value: object) -> Source:
    """The origin a file names; an unknown name is refused as the enum it replaced refused it."""
    if not isinstance(value, str) or value not in KNOWN:
        raise ValueError(f"{value!r} is not a platform ({', '.join(sorted(KNOWN))})")
    return Source(value)


# A `Source` field of a pydantic model (the organisation file, settings).
Platform = Annotated[Source, PlainValidator(platform_named), PlainSerializer(str)]
