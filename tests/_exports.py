"""Two exports compared in a fixed order: how the backends and engines are shown to store the same thing.

Every list of the export is sorted by a key of its own (ids; for quotes and figures the article and the span),
and the lists inside each object (an event's articles, a story's events, aliases) are sorted too, so only what is
stored counts, never the order a backend lists it in. Floats are compared as written by ``json``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

KEYS = {
    "articles": lambda a: a["id"], "events": lambda e: e["id"], "stories": lambda s: s["id"],
    "entities": lambda e: e["id"], "quotes": lambda q: (q["article_id"], q["start"], q["end"], q["text"]),
    "figures": lambda f: (f["article_id"], f["start"], f["end"], f["text"]),
}  # fmt: skip


def canonical(export: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, key in KEYS.items():
        rows = []
        for row in export.get(name, []):
            row = dict(row)
            for field in ("articles", "events", "aliases"):
                if isinstance(row.get(field), list):
                    row[field] = sorted(row[field])
            rows.append(row)
        out[name] = sorted(rows, key=key)
    return out


def differences(left: dict[str, Any], right: dict[str, Any], most: int = 5) -> list[str]:
    """What differs between two canonical exports, at most ``most`` lines per list."""
    found = []
    for name in KEYS:
        a, b = left[name], right[name]
        if len(a) != len(b):
            found.append(f"{name}: {len(a)} != {len(b)}")
        bad = [f"{name}[{i}]: {x} != {y}" for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
        found += [line[:400] for line in bad[:most]]
    return found


if __name__ == "__main__":  # python tests/_exports.py A.json B.json
    one, two = (canonical(json.load(open(p, encoding="utf-8"))) for p in sys.argv[1:3])
    diff = differences(one, two)
    print("\n".join(diff) if diff else f"equal: {', '.join(f'{len(one[k])} {k}' for k in KEYS)}")
    sys.exit(1 if diff else 0)
