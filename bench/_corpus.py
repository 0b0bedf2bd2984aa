"""Synthetic corpora for the benchmarks: real article texts when ../shared is present, else the sample corpus."""

from __future__ import annotations

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "data" / "ecbplus-dev.jsonl"
CLUTTER = [
    "Skip to content", "Home > World > Europe", "Read also:", "- Markets close higher on rate hopes",
    "Subscribe to continue reading", "1.2k", "Share", "This browser does not support the video element.",
]  # fmt: skip


def base_texts() -> list[str]:
    """Article texts to replicate: ECB+ dev texts if available, else the bundled examples."""
    if ECB.exists():
        return [json.loads(line)["text"] for line in ECB.open(encoding="utf-8")]
    texts = []
    for path in sorted((ROOT / "examples" / "corpus").glob("*.txt")):
        texts.append(path.read_text(encoding="utf-8"))
    return texts


def perturbed(n: int, seed: int = 7, words: int | None = None) -> list[str]:
    """``n`` distinct article texts: real texts with shuffled sentences, clutter lines and (optionally) padded to ``words``."""
    rng = random.Random(seed)
    base = base_texts()
    out = []
    for i in range(n):
        lines = base[i % len(base)].split("\n")
        title, body = lines[0], lines[1:]
        rng.shuffle(body)
        if words:
            while len(" ".join(body).split()) < words:
                extra = base[rng.randrange(len(base))].split("\n")[1:]
                body += extra
            body = " ".join(body).split()[:words]
            body = [" ".join(body[j : j + 60]) for j in range(0, len(body), 60)]
        clutter = rng.sample(CLUTTER, 3)
        out.append("\n".join([clutter[0], f"{title} ({i})", *body, *clutter[1:]]))
    return out
