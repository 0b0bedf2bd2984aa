"""Geometry of the SVG timeline drawn in the HTML report.

Only numbers and plain strings are computed here; the template writes the SVG
elements and escapes every label. Events sit on a dated axis with their labels
above it, background entries (mentioned / expected) below; labels are placed
greedily in lanes so that none overlaps another.
"""

from __future__ import annotations

from datetime import date

WIDTH, MARGIN = 820, 40
CHAR = 6.4  # average width of a 12px sans-serif character
LANE = 38  # vertical distance between label lanes
GAP = 14  # horizontal space kept between labels in one lane
MAX_LABEL = 34  # characters of a title shown on the axis


def _ordinal(iso: str | None) -> float | None:
    try:
        return float(date.fromisoformat(iso[:10]).toordinal()) if iso else None
    except ValueError:
        return None


def _short(text: str | None, limit: int = MAX_LABEL) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _range(events: list[float], others: list[float]) -> tuple[float, float]:
    """The axis: the events' span, padded, widened to background dates not too far from it."""
    lo, hi = min(events), max(events)
    span = max(hi - lo, 365.0)
    reach = max(3 * span, 3650.0)
    near = [d for d in others if lo - reach <= d <= hi + reach]
    lo, hi = min([lo, *near]), max([hi, *near])
    pad = max((hi - lo) * 0.04, 20.0)
    return lo - pad, hi + pad


def _ticks(lo: float, hi: float, x) -> list[dict]:
    first, last = date.fromordinal(int(lo)), date.fromordinal(int(hi))
    if last.year - first.year >= 1:
        step = max(1, (last.year - first.year) // 10 + 1)
        years = range(first.year + 1, last.year + 1, step)
        return [{"x": x(date(y, 1, 1).toordinal()), "label": str(y)} for y in years]
    out = []
    y, m = first.year, first.month + 1
    while (y, m) <= (last.year, last.month):
        if m > 12:
            y, m = y + 1, 1
            continue
        out.append({"x": x(date(y, m, 1).toordinal()), "label": f"{y}-{m:02d}"})
        m += 1
    return out


def _place(items: list[dict]) -> int:
    """Give each item (sorted by x) a lane and a text anchor so labels never overlap; return lanes used."""
    ends: list[float] = []
    for it in sorted(items, key=lambda i: i["x"]):
        width = CHAR * max(len(line) for line in it["lines"]) + 6
        left, anchor = it["x"] - 4, "start"
        if left + width > WIDTH - 8:
            left, anchor = it["x"] + 4 - width, "end"
        left = max(left, 8)
        lane = next((i for i, end in enumerate(ends) if left >= end + GAP), len(ends))
        if lane == len(ends):
            ends.append(0.0)
        ends[lane] = left + width
        it.update(lane=lane, anchor=anchor, tx=it["x"] - 4 if anchor == "start" else it["x"] + 4)
    return len(ends)


def timeline_svg(report: dict) -> dict | None:
    """Positions of the axis, ticks, event markers and background markers, with their labels."""
    dated = [(e, _ordinal(e["date"])) for e in report["timeline"]]
    dated = [(e, d) for e, d in dated if d is not None]
    if not dated:
        return None
    back = [(b, _ordinal(b["date"])) for b in report.get("background", [])]
    lo, hi = _range([d for _e, d in dated], [d for _b, d in back if d is not None])
    back = [(b, d) for b, d in back if d is not None and lo <= d <= hi]

    def x(d: float) -> float:
        return round(MARGIN + (d - lo) / (hi - lo) * (WIDTH - 2 * MARGIN), 1)

    most = max(e["sources"] for e, _d in dated) or 1
    events = [{"x": x(d), "r": round(5 + 5 * (e["sources"] / most) ** 0.5, 1), "event_id": e["event_id"],
               "lines": [e["date"] or "", _short(e["title"])], "title": e["title"] or "",
               "sources": e["sources"]} for e, d in dated]  # fmt: skip
    marks = _marks(back, x)
    up, down = _place(events), _place(marks)
    axis = 22 + up * LANE
    for it in events:
        it["ty"] = axis - 30 - it["lane"] * LANE
    for it in marks:
        it["ty"] = axis + 42 + it["lane"] * LANE
    height = axis + (36 + down * LANE if marks else 30)
    return {"width": WIDTH, "height": height, "axis": axis, "x0": MARGIN - 20, "x1": WIDTH - MARGIN + 20,
            "ticks": _ticks(lo, hi, x), "events": events, "marks": marks}  # fmt: skip


def _marks(back: list[tuple[dict, float]], x) -> list[dict]:
    """One marker per period and kind ("2022 · 2 mentioned"), linking to the first entry; full texts as tooltip."""
    groups: dict[tuple[str, str], list[tuple[dict, float]]] = {}
    for b, d in back:
        groups.setdefault((_when(b), b["kind"]), []).append((b, d))
    out = []
    for (when, kind), items in groups.items():
        first = items[0][0]
        count = f"{len(items)} " if len(items) > 1 else ""
        out.append({"x": x(min(d for _b, d in items)), "kind": kind, "lines": [when, f"{count}{kind}"],
                    "title": "\n".join(b["text"] for b, _d in items), "article_id": first["article_id"],
                    "start": first["start"]})  # fmt: skip
    return out


def _when(b: dict) -> str:
    d = b.get("date") or ""
    return {"year": d[:4], "month": d[:7]}.get(b.get("granularity") or "day", d)
