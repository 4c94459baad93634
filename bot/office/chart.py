"""The weekly chart as inline SVG, drawn on the server (no script, no library, nothing fetched).

Bars: messages and fallbacks per week (left axis); line: the 👎 rate (right axis, 0–100 %). The
colours keep WCAG AA contrast on white; the page shows the same figures as a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.office.weekly import Week

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 56, 24, 56
MESSAGES_COLOUR = "#1f5fa8"
FALLBACKS_COLOUR = "#a34e00"
DOWN_RATE_COLOUR = "#b0123a"
GRID_COLOUR = "#d0d4da"
TEXT_COLOUR = "#1d2330"


def nice_ceiling(value: int) -> int:
    """A round axis maximum ≥ ``value`` that four grid steps divide evenly (4, 8, 20, 40, 80, 200, 400 …)."""
    magnitude = 1
    while True:
        for step in (4, 8, 20, 40, 80):
            if value <= step * magnitude:
                return step * magnitude
        magnitude *= 10


def _text(x: float, y: float, content: str, anchor: str = "middle", colour: str = TEXT_COLOUR) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}" font-size="12">{escape(content)}</text>'
    )


def weekly_svg(weeks: Sequence[Week], title: str = "週ごとの利用状況") -> str:
    """The chart as an ``<svg>`` element (role="img", with a title and a description)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top_value = nice_ceiling(max([w.messages for w in weeks] + [w.fallbacks for w in weeks] + [1]))
    slot = plot_w / max(len(weeks), 1)
    bar = max(4.0, slot * 0.32)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" class="chart">',
        f'<title id="chart-title">{escape(title)}</title>',
        '<desc id="chart-desc">棒グラフは週ごとのメッセージ数とフォールバック数（左の目盛り）、'
        "折れ線は👎の割合（右の目盛り）。同じ数値を下の表に示します。</desc>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for i in range(5):  # grid and both axes' ticks
        fraction = i / 4
        y = TOP + plot_h * (1 - fraction)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        parts.append(_text(LEFT - 6, y + 4, f"{round(top_value * fraction):,}", anchor="end"))
        parts.append(_text(WIDTH - RIGHT + 6, y + 4, f"{round(100 * fraction)}%", anchor="start"))
    points = []
    for index, week in enumerate(weeks):
        centre = LEFT + slot * (index + 0.5)
        for offset, value, colour, name in (
            (-bar, week.messages, MESSAGES_COLOUR, "メッセージ"),
            (0.0, week.fallbacks, FALLBACKS_COLOUR, "フォールバック"),
        ):
            height = plot_h * value / top_value
            parts.append(
                f'<rect x="{centre + offset:.1f}" y="{TOP + plot_h - height:.1f}" width="{bar:.1f}" '
                f'height="{height:.1f}" fill="{colour}"><title>{escape(week.label)}週 {name} {value}</title></rect>'
            )
        parts.append(_text(centre, HEIGHT - BOTTOM + 18, week.label))
        if week.down_rate is not None:
            points.append((centre, TOP + plot_h * (1 - week.down_rate), week))
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{DOWN_RATE_COLOUR}" stroke-width="2.5"/>')
    for x, y, week in points:
        rate = round(100 * (week.down_rate or 0))
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{DOWN_RATE_COLOUR}">'
            f"<title>{escape(week.label)}週 👎の割合 {rate}%（{week.thumbs_down}/{week.rated}）</title></circle>"
        )
    legend_y = HEIGHT - 14
    for index, (colour, name) in enumerate(
        ((MESSAGES_COLOUR, "メッセージ数"), (FALLBACKS_COLOUR, "フォールバック数"), (DOWN_RATE_COLOUR, "👎の割合"))
    ):
        x = LEFT + index * 170
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 18, legend_y, name, anchor="start"))
    parts.append("</svg>")
    return "".join(parts)
