"""Run the pipeline over a labelled JSONL and score its events and stories against the labels."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from .evaluation import score, worst
from .settings import Settings
from .storage import Store


def gold_labels(path: str | Path, field: str) -> dict[str, str]:
    """``{id: label}`` from a labelled JSONL (lines without the field are left out)."""
    labels = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                if row.get(field) is not None:
                    labels[str(row["id"])] = str(row[field])
    return labels


def inputs_of(path: str | Path) -> list[str]:
    """What to ingest for a labelled file: the file itself, or the files its lines name in ``file``.

    A label file without texts (``{"id", "event", "story", "file"}`` per line, paths
    relative to it) scores a corpus kept as separate files, like ``examples/``.
    """
    path = Path(path)
    files: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            if "text" in row or "html" in row:
                return [str(path)]
            if row.get("file"):
                name = str(path.parent / row["file"])
                if name not in files:
                    files.append(name)
    return files or [str(path)]


def evaluate_labelled(
    path: str | Path, events_field: str = "event", stories_field: str = "topic", settings: Settings | None = None,
    pipeline_factory=None, n_worst: int = 5,
) -> dict[str, Any]:  # fmt: skip
    """Ingest ``path`` into a temporary store, re-cluster it (``rebuild``), and score events and stories.

    Returns ``{"articles", "events": {metrics, worst_merges, worst_splits}, "stories": {...}}``.
    ``stories_field`` falls back to ``story`` when the file has no ``topic``. The
    file holds the texts, or names them (see :func:`inputs_of`).
    """
    from .pipeline import Pipeline

    settings = settings or Settings()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "eval.db")
        pipeline = (pipeline_factory or Pipeline)(store, settings)
        report = pipeline.ingest(inputs_of(path))
        pipeline.rebuild()
        alias = dict(report.unchanged) | dict(report.renamed)
        predicted_events, predicted_stories = {}, {}
        for a in store.iter_articles(full=False):
            predicted_events[a.id] = a.event_id or f"none:{a.id}"
            predicted_stories[a.id] = a.story_id or f"none:{a.id}"
        store.close()
    result: dict[str, Any] = {"articles": len(predicted_events), "failures": [str(e) for e in report.failures]}
    for name, field in (("events", events_field), ("stories", stories_field)):
        gold = gold_labels(path, field) or (gold_labels(path, "story") if name == "stories" else {})
        if not gold:
            continue
        pred_map = predicted_events if name == "events" else predicted_stories
        pred = {i: pred_map.get(alias.get(i, i), f"none:{i}") for i in gold}
        bad = worst(gold, pred, n_worst)
        result[name] = {**score(gold, pred), "worst_merges": bad["merges"], "worst_splits": bad["splits"]}
    return result
