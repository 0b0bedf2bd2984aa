"""Score a clustering against a gold one: B-cubed, pairwise F1, ARI, worst merges and splits.

Pure functions over ``{item: cluster}`` dicts, so the same code scores events
(article -> event) and stories (article -> story). Items are the keys of
``gold``; an item the prediction does not hold counts as a cluster of its own,
items only in the prediction are ignored.
"""

from __future__ import annotations

from collections import Counter, defaultdict

__all__ = ["score", "worst", "bcubed", "pairwise"]


def _groups(assign: dict[str, str]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for item, cluster in assign.items():
        groups[cluster].add(item)
    return groups


def _aligned(gold: dict[str, str], pred: dict[str, str]) -> dict[str, str]:
    """The prediction restricted to gold's items, missing items as singletons."""
    return {item: pred[item] if item in pred else f"\0missing:{item}" for item in gold}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(gold: dict[str, str], pred: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga and Baldwin 1998), averaged over items."""
    if not gold:
        return 1.0, 1.0, 1.0
    pred = _aligned(gold, pred)
    joint = Counter((gold[i], pred[i]) for i in gold)
    gsize, psize = Counter(gold.values()), Counter(pred.values())
    p = sum(joint[(gold[i], pred[i])] / psize[pred[i]] for i in gold) / len(gold)
    r = sum(joint[(gold[i], pred[i])] / gsize[gold[i]] for i in gold) / len(gold)
    return p, r, _f1(p, r)


def _pairs(sizes) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pairwise(gold: dict[str, str], pred: dict[str, str]) -> tuple[float, float, float]:
    """Precision, recall and F1 over the pairs of items put in one cluster."""
    pred = _aligned(gold, pred)
    both = _pairs(Counter((gold[i], pred[i]) for i in gold).values())
    in_pred = _pairs(Counter(pred.values()).values())
    in_gold = _pairs(Counter(gold.values()).values())
    p = both / in_pred if in_pred else 1.0
    r = both / in_gold if in_gold else 1.0
    return p, r, _f1(p, r)


def _ari(gold: dict[str, str], pred: dict[str, str]) -> float:
    from sklearn.metrics import adjusted_rand_score

    pred = _aligned(gold, pred)
    items = sorted(gold)
    return float(adjusted_rand_score([gold[i] for i in items], [pred[i] for i in items]))


def score(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float | int]:
    """All the figures for one clustering, as a flat dict ready for JSON or a table."""
    bp, br, bf = bcubed(gold, pred)
    pp, pr, pf = pairwise(gold, pred)
    aligned = _aligned(gold, pred)
    return {
        "items": len(gold),
        "gold_clusters": len(set(gold.values())),
        "pred_clusters": len(set(aligned.values())),
        "bcubed_precision": bp,
        "bcubed_recall": br,
        "bcubed_f1": bf,
        "pairwise_precision": pp,
        "pairwise_recall": pr,
        "pairwise_f1": pf,
        "ari": _ari(gold, pred) if gold else 1.0,
    }


def _mixes(by: dict[str, set[str]], other: dict[str, str], key: str) -> list[dict]:
    """Clusters of ``by`` whose items fall in several clusters of ``other``, worst first.

    A cluster's cost is the number of its item pairs that ``other`` puts apart.
    """
    found = []
    for cluster, items in by.items():
        parts: dict[str, list[str]] = defaultdict(list)
        for item in sorted(items):
            parts[other[item]].append(item)
        if len(parts) < 2:
            continue
        pairs = _pairs([len(items)]) - _pairs(len(v) for v in parts.values())
        ordered = dict(sorted(parts.items(), key=lambda kv: (-len(kv[1]), kv[0])))
        found.append({key: cluster, "size": len(items), "pairs": pairs, "parts": ordered})
    found.sort(key=lambda d: (-d["pairs"], str(d[key])))
    return found


def worst(gold: dict[str, str], pred: dict[str, str], n: int = 10) -> dict[str, list[dict]]:
    """The ``n`` worst merges and splits.

    ``merges``: predicted clusters that mix gold clusters (``parts`` maps each
    gold cluster to its items there). ``splits``: gold clusters spread over
    several predicted clusters (``parts`` maps each predicted cluster to its
    items). Ranked by the number of wrong or missed item pairs.
    """
    pred = _aligned(gold, pred)
    merges = _mixes(_groups(pred), gold, "pred")
    splits = _mixes(_groups(gold), pred, "gold")
    return {"merges": merges[:n], "splits": splits[:n]}
