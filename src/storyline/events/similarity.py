"""How alike two clusters are (an article is a cluster of one).

The score mixes, with weights from the settings:

- ``vector``: cosine of the mean headline+lead embeddings;
- ``kind``: the same for the embeddings with names masked: what kind of happening (stories);
- ``terms``: cosine of IDF-weighted content words (sublinear counts, averaged per member);
- ``actors`` / ``places``: cosine of IDF-weighted canonical entities, each weighted by the
  share of members that name it — the participants tell look-alike events apart;
- ``facts``: whether they share long quotes or figures;
- ``statements``: the statements (same speaker, same thing said) the members share,
  per pair of members, at most 1 (:mod:`.statements`);

``words``: cosine of IDF-weighted words alone (what a story is about); minus a date
penalty when both dates are known: nothing within
``event_date_slack_days``, rising linearly to ``event_date_penalty`` over the
next ``event_window_days``. Two meetings of the same actors a year apart are apart
by the whole penalty, whatever their words. And two clusters whose strongly dated
members (see :func:`.features.strong_day_of`) span more than ``event_max_gap_days``
are never merged (the score is ``-inf``) unless one of them names, to the day, week
or month, a date of the other's strongly dated members (see
:func:`.features.referenced_days`): a trial two years on that recalls "the shooting
on Sept. 9, 2010" continues that event; a meeting a year on does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..settings import Settings
from .features import Aggregate, Bag, refers_to, span


@dataclass
class Weights:
    vector: float = 0.0
    kind: float = 0.0
    words: float = 0.0
    terms: float = 1.0
    actors: float = 0.0
    places: float = 0.0
    facts: float = 0.05
    statements: float = 0.0
    date_penalty: float = 1.0
    slack_days: int = 90
    window_days: int = 30
    max_gap_days: int = 0

    @classmethod
    def from_settings(cls, settings, prefix: str = "event") -> Weights:
        """Weights named ``<prefix>_weight_*`` etc. in ``settings`` (the declared defaults when None)."""
        d = cls()
        settings = settings or Settings()

        def get(name: str, default):
            return type(default)(getattr(settings, f"{prefix}_{name}"))

        return cls(
            vector=get("weight_vector", d.vector),
            terms=get("weight_terms", d.terms),
            actors=get("weight_actors", d.actors),
            places=get("weight_places", d.places),
            facts=get("weight_facts", d.facts),
            statements=get("weight_statements", d.statements),
            date_penalty=get("date_penalty", d.date_penalty),
            slack_days=get("date_slack_days", d.slack_days),
            window_days=get("window_days", d.window_days),
            max_gap_days=get("max_gap_days", d.max_gap_days),
        )


def dot(a: Bag, b: Bag) -> float:
    """Sparse dot product of two bags."""
    if not len(a) or not len(b):
        return 0.0
    _, ia, ib = np.intersect1d(a.ids, b.ids, assume_unique=True, return_indices=True)
    return float(np.dot(a.vals[ia], b.vals[ib])) if len(ia) else 0.0


def signals(a: Aggregate, b: Aggregate, w: Weights | None = None) -> dict[str, float]:
    """Each signal on its own: average-link similarity in [0, 1], ``days`` (the gap, -1 if unknown),
    and ``span`` (the days between the first and last strongly dated member of both, -1 if none).

    Given weights ``w``, the similarities they do not weigh are left at 0 (not computed).
    """
    def wanted(name: str) -> bool:
        return w is None or getattr(w, name) != 0

    pairs = a.size * b.size
    vec = 0.0
    if wanted("vector") and a.vsum is not None and b.vsum is not None:
        vec = float(np.dot(a.vsum, b.vsum)) / pairs
    out = {"vector": max(vec, 0.0)}
    kind = 0.0
    if wanted("kind") and a.ksum is not None and b.ksum is not None:
        kind = float(np.dot(a.ksum, b.ksum)) / pairs
    out["kind"] = max(kind, 0.0)
    for name in ("words", "terms", "actors", "places"):
        out[name] = dot(getattr(a, name), getattr(b, name)) / pairs if wanted(name) else 0.0
    out["facts"] = 1.0 if wanted("facts") and a.facts.keys() & b.facts.keys() else 0.0
    out["statements"] = min(1.0, dot(a.statements, b.statements) / pairs) if wanted("statements") else 0.0
    da, db = (a.day, b.day) if wanted("date_penalty") else (None, None)  # a.day sorts the members' dates
    out["days"] = abs(da - db) if da is not None and db is not None else -1
    both = span(a.strong, b.strong)
    out["span"] = both[1] - both[0] if both is not None else -1
    if w is None or (w.max_gap_days and out["span"] > w.max_gap_days):
        out["bridged"] = refers_to(a.refs, b.strong) or refers_to(b.refs, a.strong)
    return out


def date_penalty(days: int, w: Weights) -> float:
    """The score taken off for a gap of ``days`` between two known dates (0 when unknown)."""
    if days < 0 or days <= w.slack_days:
        return 0.0
    return w.date_penalty * min(1.0, (days - w.slack_days) / max(w.window_days, 1))


def combine(s: dict[str, float], w: Weights) -> float:
    if w.max_gap_days and s.get("span", -1) > w.max_gap_days and not s.get("bridged"):
        return float("-inf")  # strongly dated happenings too far apart to be one event
    score = w.vector * s["vector"] + w.kind * s.get("kind", 0.0) + w.words * s.get("words", 0.0) + w.terms * s["terms"] + w.actors * s["actors"]
    score += w.places * s["places"] + w.facts * s["facts"] + w.statements * s.get("statements", 0.0)
    return score - date_penalty(int(s["days"]), w)


def similarity(a: Aggregate, b: Aggregate, w: Weights) -> float:
    """The placement score of ``a`` against ``b``: higher is more alike, can be negative."""
    return combine(signals(a, b, w), w)
