"""Best-first average-link agglomeration over a sparse graph of candidate pairs.

The one clustering mechanism of storyline, for events and for stories, on ingest
and on rebuild. Units (articles, events, stories) are :class:`~.clusters.Aggregate`
clusters; only the pairs of the candidate graph are ever compared. The pair the
model finds most likely to belong together is merged first, while its probability
reaches the threshold; the merged cluster inherits both sides' neighbours and is
compared with them again. Reports of one happening that agree among themselves
therefore come together before any of them is compared, as a group, with a
look-alike: this is what keeps an undated group of reports apart from a dated
event of the same kind.

Every tie is broken on the units' sort keys, so the result depends only on the
units and the graph, never on the order they were given in.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable, Iterable

import numpy as np

from .clusters import Aggregate

Probabilities = Callable[[Aggregate, list[Aggregate]], np.ndarray]  # one cluster against several, in one call


def agglomerate(
    units: dict[str, Aggregate],
    pairs: Iterable[tuple[str, str]],
    probabilities: Probabilities,
    threshold: float,
    key: Callable[[str], tuple],
    forced: Iterable[tuple[str, str]] = (),
    allowed: Callable[[str, str], bool] | None = None,
    merges: list[tuple[float, str, str]] | None = None,
) -> dict[str, str]:
    """Merge ``units`` along the candidate ``pairs`` best first; returns ``{unit: surviving unit}``.

    ``forced`` pairs are merged first, unscored (a syndicated copy and its original).
    The survivor of a merge is the unit with the smaller ``key``. ``allowed``, when
    given, vetoes merges (training uses it to keep clusters true to the labels).
    The aggregates in ``units`` are replaced by the merged ones. ``merges``, when given,
    receives ``(probability, a, b)`` for each merge in the order made (forced ones as 1):
    the merges a higher threshold makes are the ones before the first below it, so one
    run at the lowest threshold answers for all (:func:`cut`).
    """
    key = functools.cache(key)  # a unit's key never changes (a survivor keeps its own)
    parent = {u: u for u in units}
    root = functools.partial(root_of, parent)

    neighbours: dict[str, set[str]] = {u: set() for u in units}
    for a, b in pairs:
        if a != b and a in units and b in units:
            neighbours[a].add(b)
            neighbours[b].add(a)

    def merge(a: str, b: str) -> str:
        keep, drop = sorted((a, b), key=key)
        parent[drop] = keep
        units[keep] = _folded(units[keep], units.pop(drop))
        for n in neighbours.pop(drop):
            neighbours[n].discard(drop)
            if n != keep:
                neighbours[n].add(keep)
                neighbours[keep].add(n)
        neighbours[keep].discard(drop)
        return keep

    for a, b in sorted(forced, key=lambda ab: (key(ab[0]), key(ab[1]))):
        ra, rb = root(a), root(b)
        if ra != rb:
            merge(ra, rb)
            if merges is not None:
                merges.append((1.0, ra, rb))

    version = dict.fromkeys(units, 0)
    heap: list = []

    def push(a: str, others: list[str]) -> None:
        """Score ``a`` against ``others`` in one call; keep the pairs that reach the threshold."""
        if not others:
            return
        for b, p in zip(others, probabilities(units[a], [units[b] for b in others]), strict=True):
            if p >= threshold:
                x, y = sorted((a, b), key=key)
                heapq.heappush(heap, (-float(p), key(x), key(y), x, y, version[x], version[y]))

    for a, others in _cover(neighbours, key):
        push(a, others)
    while heap:
        p, _, _, a, b, va, vb = heapq.heappop(heap)
        if a not in units or b not in units or version[a] != va or version[b] != vb:
            continue  # stale: one side has changed since
        if allowed is not None and not allowed(a, b):
            continue
        keep = merge(a, b)
        if merges is not None:
            merges.append((-p, a, b))
        version[keep] += 1
        push(keep, sorted(neighbours[keep], key=key))
    return {u: root(u) for u in parent}


def cut(units: Iterable[str], merges: list[tuple[float, str, str]], threshold: float) -> dict[str, str]:
    """``{unit: cluster}`` as an agglomeration at ``threshold`` forms it, from the ``merges`` a run at a lower
    one recorded: every merge up to the first whose probability is below ``threshold``. (Such a run pops
    the same pairs in the same order while they reach it: the pairs only it keeps all lie below.)"""
    parent = {u: u for u in units}
    for p, a, b in merges:
        if p < threshold:
            break
        parent[root_of(parent, b)] = root_of(parent, a)
    return {u: root_of(parent, u) for u in parent}


def _cover(neighbours: dict[str, set[str]], key: Callable[[str], tuple]) -> list[tuple[str, list[str]]]:
    """Every candidate pair once, grouped under as few units as a greedy cover finds: each call of the
    probabilities carries a fixed cost, so the unit with the most pairs left goes first, with all of them
    (ties on the key). A star of many articles around one event is one call, not one per article."""
    left = {u: set(ns) for u, ns in neighbours.items() if ns}
    heap = [(-len(ns), key(u), u) for u, ns in left.items()]
    heapq.heapify(heap)
    out = []
    while heap:
        degree, _, u = heapq.heappop(heap)
        ns = left.get(u)
        if not ns:
            continue
        if -degree != len(ns):  # stale: some of its pairs went with another unit
            heapq.heappush(heap, (-len(ns), key(u), u))
            continue
        out.append((u, sorted(ns, key=key)))
        for b in ns:
            left[b].discard(u)
        del left[u]
    return out


def root_of(parent: dict[str, str], u: str) -> str:
    """The representative of ``u`` in the union-find forest ``parent`` (paths halved on the way)."""
    while parent[u] != u:
        parent[u] = parent[parent[u]]
        u = parent[u]
    return u


def _folded(a: Aggregate, b: Aggregate) -> Aggregate:
    out = Aggregate(a.id)  # units may be the caller's own aggregates: never changed in place
    out.add(a, b)
    return out


def grouped(root: dict[str, str]) -> dict[str, list[str]]:
    """``{surviving unit: its members}`` from an agglomeration's ``{unit: surviving unit}``."""
    out: dict[str, list[str]] = {}
    for unit, r in root.items():
        out.setdefault(r, []).append(unit)
    return out
