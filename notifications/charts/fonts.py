"""Find a font that has CJK glyphs, so Chinese labels render as characters, not boxes.

matplotlib's default (DejaVu Sans) has no CJK glyphs. The image and CI install Debian's
`fonts-wqy-zenhei`; Noto CJK and a few other common families are taken as well. Without one,
charts still render (Chinese shows as boxes) and a warning says which package to install.
"""

import functools
import logging
from dataclasses import dataclass

from matplotlib import font_manager

log = logging.getLogger(__name__)

# Family names as fontconfig / matplotlib report them, best first.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN",
)
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")


@dataclass(frozen=True, slots=True)
class ChartFont:
    family: str  # what rcParams["font.family"] is given
    path: str | None  # the font file; None when no CJK font was found
    cjk: bool


@functools.cache
def chart_font() -> ChartFont:
    """The first CJK family matplotlib knows, looking in the system font folders once more
    when its cache (built before the font was installed) does not list one."""
    found = _known()
    if found is None:
        for path in font_manager.findSystemFonts(FONT_DIRS, fontext="ttf"):
            if path.lower().endswith((".ttc", ".otf", ".ttf")) and _looks_cjk(path):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = _known()
    if found is None:
        log.warning("no CJK font installed: Chinese chart labels will show as boxes "
                    "(install fonts-wqy-zenhei or fonts-noto-cjk)")
        return ChartFont("DejaVu Sans", None, False)
    return found


def _known() -> ChartFont | None:
    by_name = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in by_name:
            return ChartFont(family, by_name[family], True)
    return None


def _looks_cjk(path: str) -> bool:
    name = path.lower()
    return any(mark in name for mark in ("cjk", "wqy", "zenhei", "microhei", "sourcehan",
                                         "droidsansfallback", "uming", "ukai"))
