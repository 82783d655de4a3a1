"""One catalog per (locale, platform), built once: the platform decides the escaping."""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from notifications.escaping import ESCAPES, plain
from notifications.text import Catalog


class Catalogs:
    def __init__(self, tz: ZoneInfo, override_dir: Path | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        self.tz = tz
        self.override_dir = override_dir
        self.now = now
        self._cache: dict[tuple[str, str], Catalog] = {}

    def get(self, locale: str, platform: str) -> Catalog:
        key = (locale, platform)
        if key not in self._cache:
            self._cache[key] = Catalog(locale, self.tz, self.override_dir,
                                       ESCAPES.get(platform, plain), platform, self.now)
        return self._cache[key]
