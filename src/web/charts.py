"""Small charts drawn on the server as SVG, so a page needs no JavaScript to show them.

Each chart is an image with a name (``role="img"``, ``<title>``, ``<desc>``) that says
what it shows; the page puts the same numbers in a table beside it, for anyone who
cannot see the picture (WCAG 1.1.1)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import count

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 16, 44
_ids = count(1)


@dataclass(frozen=True)
class Point:
    on: date
    value: Decimal
    label: str  # what a point's tooltip says, e.g. "baseline: 84"


def _ticks(low: float, high: float, wanted: int = 5) -> list[float]:
    """Round numbers from ``low`` to ``high`` for the value axis."""
    span = high - low or 1.0
    raw = span / (wanted - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = (low // step) * step
    ticks = []
    value = first
    while value <= high + step / 2:
        ticks.append(round(value, 6))
        value += step
    return ticks


def _number(value: float) -> str:
    return f"{value:g}"


def line_chart(points: list[Point], *, title: str, description: str, value_label: str) -> Markup:
    """A line over time, one dot per point, labelled with its date and value."""
    n = next(_ids)
    values = [float(p.value) for p in points]
    ticks = _ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    if high == low:
        high = low + 1
    first, last = points[0].on.toordinal(), points[-1].on.toordinal()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    inset = 12  # so that the first and last dots sit clear of the axes

    def x(day: date) -> float:
        if last == first:
            return LEFT + plot_w / 2
        return LEFT + inset + (day.toordinal() - first) / (last - first) * (plot_w - 2 * inset)

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-{n}-title chart-{n}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-{n}-title">{escape(title)}</title>',
        f'<desc id="chart-{n}-desc">{escape(description)}</desc>',
    ]
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" class="grid"/>'
            f'<text x="{LEFT - 8}" y="{ty + 5:.1f}" text-anchor="end">{_number(tick)}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" class="axis"/>'
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" class="axis"/>'
        f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{escape(value_label)}</text>'
    )
    for day, anchor in _date_labels(points):
        parts.append(
            f'<text x="{x(day):.1f}" y="{HEIGHT - 14}" text-anchor="{anchor}">{day.day} {day:%b %Y}</text>'
        )
    line = " ".join(f"{x(p.on):.1f},{y(float(p.value)):.1f}" for p in points)
    parts.append(f'<polyline points="{line}" class="line"/>')
    for p in points:
        parts.append(
            f'<circle cx="{x(p.on):.1f}" cy="{y(float(p.value)):.1f}" r="5" class="dot">'
            f"<title>{p.on.day} {p.on:%b %Y}: {escape(p.label)}</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _date_labels(points: list[Point]) -> list[tuple[date, str]]:
    """The first and last dates under the axis (one, centred, if they are the same day)."""
    first, last = points[0].on, points[-1].on
    if first == last:
        return [(first, "middle")]
    return [(first, "start"), (last, "end")]
