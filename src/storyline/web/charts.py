"""Small inline-SVG charts: counts over time, drawn on the server (no JavaScript).

Colours come from classes in ``style.css``; the CSP forbids inline ``style``
attributes, so none are used. Every label is escaped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from markupsafe import Markup, escape


def _month(date: str) -> str | None:
    return date[:7] if date and len(date) >= 7 and date[4] == "-" else None


def _months_between(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (y, m) <= end and len(out) < 1200:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def bins(dated_counts: Iterable[tuple[str | None, int]]) -> list[tuple[str, int]]:
    """(label, count) bins over time: by month for spans up to four years, by year beyond."""
    months: Counter[str] = Counter()
    for date, n in dated_counts:
        month = _month(date or "")
        if month:
            months[month] += n
    if not months:
        return []
    labels = _months_between(min(months), max(months))
    if len(labels) <= 48:
        return [(label, months.get(label, 0)) for label in labels]
    years: Counter[str] = Counter()
    for month, n in months.items():
        years[month[:4]] += n
    return [(str(y), years.get(str(y), 0)) for y in range(int(min(years)), int(max(years)) + 1)]


def bar_chart(points: list[tuple[str, int]], width: int = 240, height: int = 40, what: str = "articles") -> Markup:
    """Bars for ``points`` as an inline SVG; each bar has a tooltip ``label: n what``."""
    if not points:
        return Markup("")
    top = max(n for _, n in points) or 1
    step = width / len(points)
    bar = max(step - 1.0, 1.0)
    label = escape(f"{what} from {points[0][0]} to {points[-1][0]}")
    parts = [
        f'<svg class="chart" role="img" aria-label="{label}" viewBox="0 0 {width} {height + 14}" '
        f'width="{width}" height="{height + 14}" xmlns="http://www.w3.org/2000/svg">',
        f'<line class="axis" x1="0" y1="{height}.5" x2="{width}" y2="{height}.5"/>',
    ]
    for i, (name, n) in enumerate(points):
        h = 0 if n == 0 else max(2.0, height * n / top)
        parts.append(
            f'<rect class="bar" x="{i * step:.1f}" y="{height - h:.1f}" width="{bar:.1f}" height="{h:.1f}">'
            f"<title>{escape(name)}: {n} {escape(what)}</title></rect>"
        )
    parts.append(f'<text class="tick" x="0" y="{height + 12}">{escape(points[0][0])}</text>')
    if len(points) > 1:
        parts.append(f'<text class="tick" x="{width}" y="{height + 12}" text-anchor="end">{escape(points[-1][0])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
