"""Who looked at their App Home lately (their Homes follow the changes)."""

import time
from collections.abc import Callable


class HomeViewers:
    """People who opened the bot's App Home lately, most recent last. Only their Homes are
    republished when a ticket changes: anyone else gets a fresh one from `app_home_opened` when
    they open it. Kept per process; with several replicas, a Home left open is refreshed by the
    replica that saw it opened, and by any replica when it is opened again."""

    def __init__(self, keep_for: float = 12 * 3600, limit: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.keep_for, self.limit, self.clock = keep_for, limit, clock
        self._seen: dict[str, float] = {}

    def saw(self, user_id: str) -> None:
        self._seen.pop(user_id, None)
        self._seen[user_id] = self.clock()
        while len(self._seen) > self.limit:
            del self._seen[next(iter(self._seen))]

    def __contains__(self, user_id: object) -> bool:
        seen = self._seen.get(user_id) if isinstance(user_id, str) else None
        return seen is not None and self.clock() - seen < self.keep_for
