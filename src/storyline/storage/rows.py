"""Conversion between :class:`Article` objects and store rows (JSON columns, vector blobs)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..duplicates import content_hash
from ..models import Article, Event, Figure, Mention, Quote, Removed, Story, TimeMention
from .base import casefold

ARTICLE_COLUMNS = (
    "id", "source", "format", "url", "hints", "title", "outlet", "outlet_domain", "byline", "wire",
    "published", "published_how", "language", "text", "raw", "removed", "content_hash", "duplicate_of",
    "sentences", "event_date", "event_date_how", "vector_key", "minhash", "event_id", "encoding", "raw_bytes",
    "outlet_key",
)  # fmt: skip
JSON_COLUMNS = {"hints", "wire", "removed", "sentences"}


def vector_key(article: Article) -> str:
    """The key its vector is kept under: one per headline and clean text, which the vector embeds (a reprint under
    another headline has its own; before, the key was the text's alone, and a reprint's vector replaced the original's)."""
    return "a:" + content_hash(f"{article.title or ''}\n{article.text}")


def article_row(article: Article, vector_key: str | None, minhash: bytes | None) -> tuple:
    values: dict[str, Any] = {
        "id": article.id, "source": article.source, "format": article.format, "url": article.url,
        "hints": article.hints, "title": article.title, "outlet": article.outlet,
        "outlet_domain": article.outlet_domain, "byline": article.byline, "wire": article.wire,
        "published": article.published, "published_how": article.published_how,
        "language": article.language, "text": article.text, "raw": article.raw,
        "removed": [{"text": r.text, "reason": r.reason} for r in article.removed],
        "content_hash": article.content_hash, "duplicate_of": article.duplicate_of,
        "sentences": [list(s) for s in article.sentences], "event_date": article.event_date,
        "event_date_how": article.event_date_how, "vector_key": vector_key, "minhash": minhash,
        "event_id": article.event_id, "encoding": article.encoding, "raw_bytes": article.raw_bytes,
        "outlet_key": casefold(article.outlet),
    }  # fmt: skip
    return tuple(json.dumps(values[c], ensure_ascii=False) if c in JSON_COLUMNS else values[c] for c in ARTICLE_COLUMNS)


def article_from_row(row: Mapping[str, Any]) -> Article:
    keys = row.keys()
    data = {k: row[k] for k in keys}
    for col in JSON_COLUMNS & set(keys):
        data[col] = json.loads(data[col])
    if isinstance(data.get("raw"), bytes | memoryview):  # PostgreSQL keeps it as bytes (it may hold NUL)
        data["raw"] = bytes(data["raw"]).decode("utf-8", "surrogatepass")
    article = Article(id=data["id"], source=data.get("source", ""), raw=data.get("raw", ""))
    for key, value in data.items():
        if key in ("removed", "sentences", "vector_key", "minhash", "story_id", "ingested_at"):
            continue
        if hasattr(article, key):
            setattr(article, key, value)
    article.removed = [Removed(**r) for r in data.get("removed", [])]
    article.sentences = [tuple(s) for s in data.get("sentences", [])]
    article.story_id = data.get("story_id")
    return article


def vector_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def vector_from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32).copy()


def mention_from_row(row: Mapping[str, Any]) -> Mention:
    return Mention(row["start"], row["end"], row["text"], row["label"], row["name"], row["entity_id"])


def quote_from_row(row: Mapping[str, Any]) -> Quote:
    return Quote(row["start"], row["end"], row["text"], row["speaker"], row["cue"], row["kind"], row["speaker_entity_id"])


def figure_from_row(row: Mapping[str, Any]) -> Figure:
    value = row["value"]  # an earlier version stored a value too large for a float as infinite: no value
    return Figure(row["start"], row["end"], row["text"], value if value is None or math.isfinite(value) else None,
                  row["unit"], row["kind"], row["sentence"], row["measures"])  # fmt: skip


def time_from_row(row: Mapping[str, Any]) -> TimeMention:
    return TimeMention(row["start"], row["end"], row["text"], row["date"], row["end_date"], row["granularity"])


def event_from_row(row: Mapping[str, Any], articles: list[str]) -> Event:
    return Event(
        id=row["id"], date=row["date"], date_confidence=row["date_confidence"], place=row["place"],
        title=row["title"], participants=json.loads(row["participants"]), articles=articles,
        story_id=row["story_id"],
    )  # fmt: skip


def story_from_row(row: Mapping[str, Any], events: list[str]) -> Story:
    return Story(id=row["id"], title=row["title"], events=events)
