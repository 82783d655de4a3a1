"""The report charts: valid PNGs, and Chinese labels drawn with a CJK font (no missing glyphs)."""

import struct
import warnings
from zoneinfo import ZoneInfo

import pytest

from notifications.catalogs import Catalogs
from notifications.charts import fonts
from notifications.charts.render import resolution_distribution, sla_by_priority, weekly_trend

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_MAGIC
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def _charts(locale: str) -> list[bytes]:
    catalog = Catalogs(ZoneInfo("UTC")).get(locale, "plain")
    return [
        weekly_trend(["11-02", "11-09", "11-16"], [12, 9, 14], [10, 11, 13], catalog).png,
        sla_by_priority(["P1", "P2", "P3"], [100.0, 87.5, None], [50.0, 92.0, 75.0],
                        catalog).png,
        resolution_distribution([0.5, 3.0, 7.9, 30.0, 200.0], catalog).png,
    ]


def test_charts_are_png_images_of_the_expected_size() -> None:
    for png in _charts("en"):
        assert _size(png) == (960, 540)
        assert png.endswith(b"IEND\xaeB`\x82")


def test_chinese_labels_use_a_cjk_font_and_no_glyph_is_missing() -> None:
    font = fonts.chart_font()
    if not font.cjk:
        pytest.fail("no CJK font installed: .ci/run installs fonts-wqy-zenhei")
    assert font.path is not None
    assert any(mark in font.path.lower() for mark in ("wqy", "cjk", "han", "droid", "uming"))
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        pngs = _charts("zh-CN")
    assert all(_size(png) == (960, 540) for png in pngs)


def test_the_cjk_font_has_the_glyphs_of_every_chinese_label() -> None:
    from matplotlib.ft2font import FT2Font

    font = fonts.chart_font()
    assert font.path is not None
    face = FT2Font(font.path)
    catalog = Catalogs(ZoneInfo("UTC")).get("zh-CN", "plain")
    keys = ("created", "resolved", "trend_title", "week", "tickets", "response", "resolution",
            "sla_title", "percent_met", "distribution_title", "hours")
    text = "".join(catalog.text(f"report_files.chart.{key}") for key in keys)
    missing = [c for c in text if not c.isascii() and face.get_char_index(ord(c)) == 0]
    assert missing == []


def test_without_a_cjk_font_the_chart_still_renders_and_a_warning_says_so(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    fonts.chart_font.cache_clear()
    monkeypatch.setattr(fonts, "CJK_FAMILIES", ("No Such Family",))
    monkeypatch.setattr(fonts, "FONT_DIRS", ())
    try:
        with caplog.at_level("WARNING", logger="notifications.charts.fonts"):
            font = fonts.chart_font()
            png = _charts("en")[0]
        assert not font.cjk
        assert "fonts-wqy-zenhei" in caplog.text
        assert _size(png) == (960, 540)
    finally:
        fonts.chart_font.cache_clear()
