"""The three report charts, each from plain numbers and the reader's catalog.

Inputs are plain series (labels, counts, percentages, hours), not the report object, so the
charts stay independent of how the figures were computed. Each call draws on its own Figure
(never pyplot's global state), so concurrent renders in threads cannot mix.
"""

import io
import logging
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot; no display is ever needed

from matplotlib.figure import Figure

from notifications.charts.fonts import chart_font
from notifications.charts.kinds import Chart, Labels

__all__ = ["Chart", "Labels", "resolution_distribution", "sla_by_priority", "weekly_trend"]

# WenQuanYi Zen Hei has one weight, 500: matplotlib takes it for "normal" but logs a warning
# on every render. Our own warning (fonts.py) says what matters: whether a CJK font exists.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

SIZE = (8.0, 4.5)  # inches; 120 dpi gives 960×540, legible in Slack and DingTalk previews
DPI = 120
CREATED, RESOLVED, MET, MISSED = "#4C72B0", "#55A868", "#55A868", "#C44E52"




def _figure() -> Figure:
    font = chart_font()
    figure = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    figure.set_facecolor("white")
    matplotlib.rcParams["font.family"] = [font.family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False  # CJK fonts often lack U+2212
    return figure


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def weekly_trend(weeks: Sequence[str], created: Sequence[int], resolved: Sequence[int],
                 labels: Labels) -> Chart:
    """Created vs resolved per week (`weeks` are the x labels, e.g. "11-02")."""
    figure = _figure()
    axes = figure.add_subplot()
    axes.plot(list(weeks), list(created), marker="o", color=CREATED,
              label=labels.text("report_files.chart.created"))
    axes.plot(list(weeks), list(resolved), marker="s", color=RESOLVED,
              label=labels.text("report_files.chart.resolved"))
    title = labels.text("report_files.chart.trend_title")
    axes.set_title(title)
    axes.set_xlabel(labels.text("report_files.chart.week"))
    axes.set_ylabel(labels.text("report_files.chart.tickets"))
    axes.set_ylim(bottom=0)
    axes.legend()
    axes.grid(alpha=0.3)
    return Chart("trend", title, _png(figure))


def sla_by_priority(priorities: Sequence[str], response_met: Sequence[float | None],
                    resolution_met: Sequence[float | None], labels: Labels) -> Chart:
    """% met per priority for both clocks; None (no ticket measured) draws no bar."""
    figure = _figure()
    axes = figure.add_subplot()
    xs = range(len(priorities))
    width = 0.38
    axes.bar([x - width / 2 for x in xs], [v or 0 for v in response_met], width,
             color=CREATED, label=labels.text("report_files.chart.response"))
    axes.bar([x + width / 2 for x in xs], [v or 0 for v in resolution_met], width,
             color=RESOLVED, label=labels.text("report_files.chart.resolution"))
    axes.set_xticks(list(xs), list(priorities))
    axes.set_ylim(0, 105)
    title = labels.text("report_files.chart.sla_title")
    axes.set_title(title)
    axes.set_ylabel(labels.text("report_files.chart.percent_met"))
    axes.legend(loc="lower right")
    axes.grid(axis="y", alpha=0.3)
    return Chart("sla", title, _png(figure))


def resolution_distribution(hours: Sequence[float], labels: Labels,
                            bins: Sequence[float] = (0, 1, 4, 8, 24, 72, 168)) -> Chart:
    """How many tickets were resolved within each band of hours (the last band is open)."""
    figure = _figure()
    axes = figure.add_subplot()
    edges = list(bins)
    counts = [0] * len(edges)
    for value in hours:
        index = max(i for i, edge in enumerate(edges) if value >= edge) if value >= 0 else 0
        counts[index] += 1
    names = [f"{edges[i]:g}–{edges[i + 1]:g}" for i in range(len(edges) - 1)] + [f"≥{edges[-1]:g}"]
    axes.bar(names, counts, color=CREATED)
    title = labels.text("report_files.chart.distribution_title")
    axes.set_title(title)
    axes.set_xlabel(labels.text("report_files.chart.hours"))
    axes.set_ylabel(labels.text("report_files.chart.tickets"))
    axes.grid(axis="y", alpha=0.3)
    return Chart("resolution", title, _png(figure))
