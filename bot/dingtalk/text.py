"""From a robot message's text to what the shared grammar reads.

DingTalk cuts the robot's own @ out of text.content but leaves the spaces before the command,
and keeps every other @ as `@显示名`. atUsers lists who was @-mentioned (dingtalkId, and staffId
for members of the organisation) but not their names, so names are matched to staffIds: first
the names the directory already knows for those staffIds, then, when exactly as many @names as
people remain, in order of appearance.
"""

import re
from collections.abc import Mapping, Sequence

from bot.dingtalk.inbound import AtUser
from bot.platforms import DINGTALK
from commands.messages import Mention
from commands.tokens import normalize

# As the grammar reads an @handle: up to whitespace, another @, or punctuation.
_AT = re.compile(r"(?<![\w@])@(?P<name>[^\s@<>,，;；:：]+)")


def command_text(text: str, humans: Sequence[AtUser], known: Mapping[str, str],
                 robot_name: str | None = None) -> tuple[str, dict[str, str]]:
    """The command text and the at-users as {name: staffId}. `known` maps staffId -> name."""
    text = normalize(text)
    if robot_name:
        text = normalize(re.sub(rf"\s*(?<![\w@])@{re.escape(robot_name)}(?=\s|$)", "", text))
    names = [match.group("name") for match in _AT.finditer(text)]
    known_names = {known[u.staff_id] for u in humans if u.staff_id in known}
    # An @ of the robot left in the text (some clients do): leading @names beyond the people.
    extra = len(names) - len(humans)
    while extra > 0:
        match = _AT.match(text)
        if match is None or match.group("name") in known_names:
            break
        text = normalize(text[match.end():])
        names.remove(match.group("name"))
        extra -= 1
    at_users: dict[str, str] = {}
    unmatched: list[AtUser] = []
    for user in humans:
        name = known.get(user.staff_id or "")
        if name and name in names and name not in at_users:
            at_users[name] = user.staff_id or ""
        else:
            unmatched.append(user)
    free = list(dict.fromkeys(n for n in names if n not in at_users))
    if unmatched and len(free) == len(unmatched):
        at_users.update((name, user.staff_id or "") for name, user in zip(free, unmatched,
                                                                            strict=True))
    return text, at_users


def mentioned_people(at_users: dict[str, str]) -> dict[str, Mention]:
    """The @s DingTalk resolved (name -> staffId), as the grammar takes them: the people they
    name, by the text as written (the shared grammar reads no platform's syntax)."""
    return {"@" + name: Mention(DINGTALK, staff_id, name)
            for name, staff_id in at_users.items()}
