"""Charts as inline SVG text, drawn in Python: no JavaScript, no fonts or files to fetch.

Each function returns one ``<svg>`` element sized in pixels, with ``<title>`` tooltips
(browsers show them on hover, offline). Every piece of text is XML-escaped. The ``xmlns``
attribute is left out on purpose: inside HTML the parser puts ``<svg>`` in the SVG
namespace by itself, and the report stays free of any ``http://`` reference.

Colours: members of the segment are orange, everyone else light blue, sizes green and the
overlap heat map runs from pale grey to violet (a Jaccard index of 1 is full violet).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

INSIDE = "#e8590c"
OUTSIDE = "#74c0fc"
SIZE = "#2f9e44"
HEAT_LOW = "#f1f3f5"
HEAT_HIGH = "#5f3dc4"
INK = "#343a40"
MUTED = "#868e96"
GRID = "#e9ecef"
DOT_OFF = "#dee2e6"


@dataclass(frozen=True, slots=True)
class Pair:
    """One bar pair: a label and the shares inside and outside (None: not known)."""

    label: str
    inside: float | None
    outside: float | None
    tip: str = ""
    tick: str | None = None  # a shorter label for an axis (default: the label)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _n(value: float) -> str:
    """A coordinate with at most two decimals (short, stable output)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    if 0 < value < 0.001:
        return "<0.1%"
    return f"{value * 100:.{digits}f}%"


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (f'<svg class="chart" width="{_n(width)}" height="{_n(height)}" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" aria-label="{_e(label)}">'
            + "".join(body) + "</svg>")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _nice_max(value: float) -> float:
    """A round upper end for a share axis (0.05, 0.1, 0.2, 0.25, 0.5, 1 …)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= value:
            return min(1.0, factor * power) if value <= 1 else factor * power
    return value  # pragma: no cover


def legend(inside: str = "members", outside: str = "everyone else") -> str:
    body = [f'<rect x="0" y="3" width="12" height="12" fill="{INSIDE}"/>',
            f'<text x="18" y="13" fill="{INK}">{_e(inside)}</text>',
            f'<rect x="120" y="3" width="12" height="12" fill="{OUTSIDE}"/>',
            f'<text x="138" y="13" fill="{INK}">{_e(outside)}</text>']
    return _svg(260, 18, body, "legend")


def size_bars(items: Sequence[tuple[str, float | None, str]], width: int = 560) -> str:
    """Horizontal bars: (label, share of all entities 0‥1, text at the bar's end)."""
    label_width, text_width, row = 190, 120, 22
    bar_space = width - label_width - text_width
    top = _nice_max(max((v or 0.0) for _, v, _ in items) if items else 1.0)
    body: list[str] = []
    for index, (label, value, text) in enumerate(items):
        y = index * row
        length = bar_space * (value or 0.0) / top
        body.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" fill="{INK}">'
                    f'{_e(_clip(label, 28))}</text>')
        body.append(f'<rect x="{label_width}" y="{y + 4}" width="{_n(max(length, 1.0 if value else 0.0))}" '
                    f'height="{row - 8}" fill="{SIZE}"><title>{_e(label)}: {_e(text)}</title></rect>')
        body.append(f'<text x="{_n(label_width + length + 6)}" y="{y + 15}" fill="{INK}">{_e(text)}</text>')
    return _svg(width, max(row, row * len(items)), body, "segment sizes")


def paired_bars(pairs: Sequence[Pair], width: int = 400) -> str:
    """Horizontal bar pairs for values: members (orange) above everyone else (blue)."""
    label_width, row, text_width = 130, 30, 52
    bar_space = width - label_width - text_width
    top = _nice_max(max([p.inside or 0.0 for p in pairs] + [p.outside or 0.0 for p in pairs] + [0.0]))
    body: list[str] = []
    for index, pair in enumerate(pairs):
        y = index * row
        body.append(f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" fill="{INK}">'
                    f'{_e(_clip(pair.label, 18))}<title>{_e(pair.label)}</title></text>')
        for offset, share, colour in ((3, pair.inside, INSIDE), (15, pair.outside, OUTSIDE)):
            length = bar_space * (share or 0.0) / top
            tip = f"{pair.label}: {percent(share)} of {'members' if colour == INSIDE else 'everyone else'}"
            body.append(f'<rect x="{label_width}" y="{y + offset}" width="{_n(length)}" height="11" '
                        f'fill="{colour}"><title>{_e(tip)}</title></rect>')
            body.append(f'<text class="small" x="{_n(label_width + length + 4)}" y="{y + offset + 9.5}" '
                        f'fill="{MUTED}">{_e(percent(share, 0 if (share or 0) >= 0.1 else 1))}</text>')
    return _svg(width, max(row, row * len(pairs)), body, "shares inside and outside")


def histogram(pairs: Sequence[Pair], width: int = 400, height: int = 170,
              missing: Pair | None = None) -> str:
    """Columns along an ordered axis (bins, months): everyone else as wide light-blue bars,
    members as narrower orange bars in front; a separate pair at the end for missing values."""
    left, bottom, top_pad, right = 34, 34, 8, 6
    gap = 14 if missing is not None else 0
    columns = len(pairs) + (1 if missing is not None else 0)
    plot_width = width - left - right - gap
    slot = plot_width / max(1, columns)
    plot_height = height - bottom - top_pad
    values = [v for p in [*pairs, *([missing] if missing else [])] for v in (p.inside, p.outside)]
    top = _nice_max(max([v or 0.0 for v in values] + [0.0]))
    body: list[str] = []
    for tick in (0.0, 0.5, 1.0):
        y = top_pad + plot_height * (1 - tick)
        body.append(f'<line x1="{left}" y1="{_n(y)}" x2="{width - right}" y2="{_n(y)}" stroke="{GRID}"/>')
        body.append(f'<text class="small" x="{left - 4}" y="{_n(y + 3.5)}" text-anchor="end" '
                    f'fill="{MUTED}">{_e(percent(top * tick, 0))}</text>')
    every = max(1, math.ceil(len(pairs) / 7))
    for index, pair in enumerate([*pairs, *([missing] if missing else [])]):
        extra = gap if index >= len(pairs) else 0
        x = left + index * slot + extra
        for share, colour, fraction in ((pair.outside, OUTSIDE, 0.9), (pair.inside, INSIDE, 0.5)):
            bar = plot_height * (share or 0.0) / top
            w = max(1.0, slot * fraction)
            tip = (pair.tip or pair.label) + (f": {percent(share)} of "
                                              f"{'members' if colour == INSIDE else 'everyone else'}")
            body.append(f'<rect x="{_n(x + (slot - w) / 2)}" y="{_n(top_pad + plot_height - bar)}" '
                        f'width="{_n(w)}" height="{_n(bar)}" fill="{colour}"><title>{_e(tip)}</title></rect>')
        if index % every == 0 or index >= len(pairs):
            body.append(f'<text class="small" x="{_n(x + slot / 2)}" y="{height - bottom + 14}" '
                        f'text-anchor="middle" fill="{MUTED}">{_e(_clip(pair.tick or pair.label, 12))}</text>')
    body.append(f'<line x1="{left}" y1="{_n(top_pad + plot_height)}" x2="{width - right}" '
                f'y2="{_n(top_pad + plot_height)}" stroke="{MUTED}"/>')
    return _svg(width, height, body, "distribution inside and outside")


def _mix(low: str, high: str, t: float) -> str:
    a = [int(low[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(high[i:i + 2], 16) for i in (1, 3, 5)]
    t = min(1.0, max(0.0, t))
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def heatmap(names: Sequence[str], jaccard: Sequence[Sequence[float | None]],
            counts: Sequence[Sequence[int]], cell: int | None = None) -> str:
    """The overlap matrix: colour = Jaccard index (|A∩B| / |A∪B|), tooltips with the counts."""
    n = len(names)
    cell = cell or max(14, min(34, 520 // max(1, n)))
    label_width = 8 + 7 * min(28, max((len(x) for x in names), default=4))
    top = round(label_width * 0.85)  # column labels are rotated by 55°: sin(55°) ≈ 0.82
    width, height = label_width + n * cell + round(label_width * 0.6), top + n * cell + 8
    body: list[str] = []
    for i, name in enumerate(names):
        y = top + i * cell
        body.append(f'<text x="{label_width - 6}" y="{_n(y + cell / 2 + 4)}" text-anchor="end" '
                    f'fill="{INK}">{_e(_clip(name, 28))}</text>')
        x = label_width + i * cell + cell / 2
        body.append(f'<text x="{_n(x + 4)}" y="{top - 6}" transform="rotate(-55 {_n(x + 4)} {top - 6})" '
                    f'fill="{INK}">{_e(_clip(name, 28))}</text>')
    for i in range(n):
        for j in range(n):
            value = jaccard[i][j]
            colour = _mix(HEAT_LOW, HEAT_HIGH, value) if value is not None else "#ffffff"
            x, y = label_width + j * cell, top + i * cell
            tip = (f"{names[i]} and {names[j]}: {counts[i][j]:,} in both, Jaccard "
                   f"{'—' if value is None else f'{value:.3f}'}") if i != j else \
                f"{names[i]}: {counts[i][i]:,} members"
            body.append(f'<rect class="cell" x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" '
                        f'fill="{colour}"><title>{_e(tip)}</title></rect>')
            if cell >= 26 and value is not None and i != j:
                ink = "#ffffff" if value > 0.5 else INK
                body.append(f'<text class="small" x="{_n(x + (cell - 1) / 2)}" y="{_n(y + cell / 2 + 3)}" '
                            f'text-anchor="middle" fill="{ink}">{round(value * 100)}</text>')
    return _svg(width, height, body, "overlap heat map (Jaccard index)")


def heat_scale(width: int = 220) -> str:
    steps = 20
    body = [f'<rect x="{_n(i * width / steps)}" y="0" width="{_n(width / steps + 0.5)}" height="10" '
            f'fill="{_mix(HEAT_LOW, HEAT_HIGH, i / (steps - 1))}"/>' for i in range(steps)]
    body.append(f'<text class="small" x="0" y="24" fill="{MUTED}">0</text>')
    body.append(f'<text class="small" x="{width}" y="24" text-anchor="end" fill="{MUTED}">1 (the same members)</text>')
    return _svg(width, 28, body, "Jaccard colour scale")


def upset(names: Sequence[str], sizes: Sequence[int],
          intersections: Sequence[tuple[tuple[str, ...], int]], width: int = 620) -> str:
    """UpSet plot: a column per exact intersection (its size on top), dots for its segments."""
    used = [name for name in names if any(name in combo for combo, _ in intersections)]
    if not intersections or not used:
        return _svg(width, 20, [f'<text x="0" y="14" fill="{MUTED}">no member is in any segment</text>'],
                    "intersections")
    label_width = 8 + 7 * min(28, max(len(x) for x in used))
    row, bars_height = 18, 150
    slot = min(36.0, (width - label_width - 10) / len(intersections))
    top = max(count for _, count in intersections)
    body: list[str] = []
    dots_top = bars_height + 26
    for index, (combo, count) in enumerate(intersections):
        x = label_width + index * slot + slot / 2
        bar = (bars_height - 14) * count / top if top else 0
        tip = f"only {' & '.join(combo)}: {count:,}"
        body.append(f'<rect x="{_n(x - slot * 0.35)}" y="{_n(bars_height - bar)}" width="{_n(slot * 0.7)}" '
                    f'height="{_n(bar)}" fill="{INSIDE}"><title>{_e(tip)}</title></rect>')
        body.append(f'<text class="small" x="{_n(x)}" y="{_n(bars_height - bar - 3)}" text-anchor="middle" '
                    f'fill="{MUTED}">{_e(_short_count(count))}</text>')
        rows = [used.index(name) for name in combo if name in used]
        if len(rows) > 1:
            body.append(f'<line x1="{_n(x)}" y1="{_n(dots_top + min(rows) * row)}" x2="{_n(x)}" '
                        f'y2="{_n(dots_top + max(rows) * row)}" stroke="{INK}" stroke-width="2"/>')
        for r in range(len(used)):
            colour = INK if r in rows else DOT_OFF
            body.append(f'<circle cx="{_n(x)}" cy="{_n(dots_top + r * row)}" r="5" fill="{colour}"/>')
    for r, name in enumerate(used):
        size = sizes[list(names).index(name)]
        body.append(f'<text x="{label_width - 8}" y="{_n(dots_top + r * row + 4)}" text-anchor="end" '
                    f'fill="{INK}">{_e(_clip(name, 28))}<title>{_e(name)}: {size:,} members</title></text>')
    body.append(f'<line x1="{label_width}" y1="{bars_height}" x2="{_n(label_width + slot * len(intersections))}" '
                f'y2="{bars_height}" stroke="{MUTED}"/>')
    height = dots_top + len(used) * row
    return _svg(max(width, label_width + slot * len(intersections) + 10), height, body,
                "largest exact intersections")


def compact(value: float) -> str:
    """An axis tick: 1500 → 1.5k, 30000 → 30k, 2000000 → 2M."""
    size = abs(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return text + suffix
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def _short_count(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    if count >= 10_000:
        return f"{count / 1000:.0f}k"
    if count >= 1000:
        return f"{count / 1000:.1f}k"
    return str(count)
