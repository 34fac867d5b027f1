"""Effect sizes (Hedges' g of the pre-post change) as a bar chart drawn on the server: an
SVG with no script, named for a screen reader, whose figures are the table beside it
(its text alternative).

Each bar says its figure, its 95% confidence interval (drawn as a line across the bar)
and the number of pupils behind it in words, so a small group is never read from the
length of a bar alone."""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup, escape

WIDTH = 400
LEFT = 10
RIGHT = 8
TOP = 34
ROW = 104
BAR = 18
STEP = 0.5
# Words stay legible over the grid lines: a white outline painted under each letter.
HALO = 'fill="#1b1b1f" stroke="#fff" stroke-width="4" paint-order="stroke"'


def effect_size_chart(bars: list[dict[str, Any]], *, table_id: str) -> Markup:
    """One bar per intervention and measure with an effect size; ``table_id`` is the table
    that gives the same figures (the chart's description)."""
    drawn = [b for b in bars if b.get("effect_size") is not None]
    if not drawn:
        return Markup("")
    sizes = [float(b[k]) for b in drawn for k in _FIGURES if b.get(k) is not None]
    low = min(0.0, math.floor(min(sizes) / STEP) * STEP)
    high = max(1.0, math.ceil(max(sizes) / STEP) * STEP)
    height = TOP + ROW * len(drawn) + 8
    span = WIDTH - LEFT - RIGHT

    def x(value: float) -> float:
        return round(LEFT + span * (value - low) / (high - low), 1)

    parts = [
        f'<svg class="chart impact-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{table_id}-chart-title" aria-describedby="{table_id}-caption" '
        'xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, sans-serif">',
        f'<title id="{table_id}-chart-title">Effect size (Hedges\' g) of each intervention on each '
        "measure, with its 95% confidence interval and the number of pupils behind it</title>",
    ]
    parts += _scale(low, high, x, height)
    for n, bar in enumerate(drawn):
        parts += _bar(bar, TOP + n * ROW, x)
    parts.append("</svg>")
    return Markup("".join(parts))


_FIGURES = ("effect_size", "effect_size_ci_low", "effect_size_ci_high")


def _scale(low: float, high: float, x: Any, height: int) -> list[str]:
    """Grid lines every half a standard deviation, labelled along the top; zero in black."""
    lines = []
    steps = round((high - low) / STEP)
    for k in range(steps + 1):
        value = round(low + k * STEP, 2)
        at = x(value)
        colour = "#1b1b1f" if value == 0 else "#b6bcc4"
        lines.append(f'<line x1="{at}" y1="{TOP - 6}" x2="{at}" y2="{height - 4}" stroke="{colour}"/>')
        anchor = "start" if k == 0 else "end" if k == steps else "middle"
        lines.append(
            f'<text x="{at}" y="{TOP - 12}" font-size="12" text-anchor="{anchor}" fill="#4a4f57">'
            f"{value:g}</text>"
        )
    return lines


def _bar(bar: dict[str, Any], top: int, x: Any) -> list[str]:
    size = float(bar["effect_size"])
    start, end = sorted((x(0.0), x(size)))
    small = bar.get("small", False)
    # Short lines rather than one long one: they fit a phone's width
    low, high = bar.get("effect_size_ci_low"), bar.get("effect_size_ci_high")
    figure = f"g = {size:g}" + (
        f" (95% CI {low:g} to {high:g})" if low is not None and high is not None else ""
    )
    pupils = f"n = {bar['pairs']} pupil{'s' if bar['pairs'] != 1 else ''}" + (
        " (small sample)" if small else ""
    )
    fill = "#8a4b00" if small else "#1d4f91"
    return [
        f'<text x="{LEFT + 4}" y="{top + 14}" font-size="14" font-weight="bold" {HALO}>'
        f"{escape(bar['intervention'])}</text>",
        f'<text x="{LEFT + 4}" y="{top + 31}" font-size="13" {HALO}>{escape(bar["measure"])}</text>',
        f'<rect x="{start}" y="{top + 38}" width="{max(end - start, 1.5)}" height="{BAR}" fill="{fill}"/>',
        *_interval(low, high, top + 38 + BAR + 5, x),
        f'<text x="{LEFT + 4}" y="{top + 38 + BAR + 24}" font-size="13" {HALO}>{escape(figure)}</text>',
        f'<text x="{LEFT + 4}" y="{top + 38 + BAR + 40}" font-size="13" {HALO}>{escape(pupils)}</text>',
    ]


def _interval(low: float | None, high: float | None, y: float, x: Any) -> list[str]:
    """The 95% confidence interval as a line under the bar, with a tick at each end."""
    if low is None or high is None:
        return []
    a, b = x(float(low)), x(float(high))
    line = 'stroke="#1b1b1f" stroke-width="2"'
    return [
        f'<line x1="{a}" y1="{y}" x2="{b}" y2="{y}" {line}/>',
        f'<line x1="{a}" y1="{y - 4}" x2="{a}" y2="{y + 4}" {line}/>',
        f'<line x1="{b}" y1="{y - 4}" x2="{b}" y2="{y + 4}" {line}/>',
    ]
