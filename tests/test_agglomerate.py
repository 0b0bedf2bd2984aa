"""Best-first agglomeration: what is most alike merges first, ties never depend on the input order."""

import random

import numpy as np
import pytest

from storyline.events.agglomerate import agglomerate, cut
from storyline.events.clusters import Aggregate


def unit(name: str, x: float) -> Aggregate:
    """A cluster of one whose vector stands at ``x`` on a line (the mean of its members is where it is)."""
    agg = Aggregate(name)
    agg.members.append(name)
    agg.vsum = np.array([x], np.float32)
    return agg


def closeness(a: Aggregate, b: Aggregate) -> float:
    """1 for clusters whose means coincide, falling with the distance between the means."""
    return 1.0 / (1.0 + abs(float(a.vsum[0]) / a.size - float(b.vsum[0]) / b.size))


def batch(pair_probability):
    """The one-against-several form agglomerate asks for."""
    return lambda a, others: np.array([pair_probability(a, b) for b in others])


def groups(root: dict[str, str]) -> list[set[str]]:
    out: dict[str, set[str]] = {}
    for u, r in root.items():
        out.setdefault(r, set()).add(u)
    return sorted(out.values(), key=sorted)


def test_merges_the_most_alike_first_and_stops_at_the_threshold():
    units = {n: unit(n, x) for n, x in (("a", 0.0), ("b", 0.1), ("c", 0.25), ("d", 5.0))}
    pairs = {("a", "b"), ("b", "c"), ("c", "d"), ("a", "c")}
    root = agglomerate(units, pairs, batch(closeness), 0.5, key=lambda u: (u,))
    assert groups(root) == [{"a", "b", "c"}, {"d"}]
    assert root["c"] == "a"  # the survivor is the unit that sorts first
    assert units["a"].size == 3 and "b" not in units


def test_only_candidate_pairs_are_compared():
    units = {n: unit(n, 0.0) for n in "abc"}
    seen = []

    def probability(a, b):
        seen.append(tuple(sorted(a.members + b.members)))
        return 0.9

    root = agglomerate(units, {("a", "b")}, batch(probability), 0.5, key=lambda u: (u,))
    assert groups(root) == [{"a", "b"}, {"c"}]
    assert seen == [("a", "b")]


def test_a_cohesive_group_forms_before_it_meets_a_look_alike():
    """Three reports that agree closely merge among themselves first; as a group they are then
    compared with the look-alike, and that comparison decides."""
    units = {"x1": unit("x1", 0.0), "x2": unit("x2", 0.05), "x3": unit("x3", 0.1), "y": unit("y", 0.6)}
    pairs = {(a, b) for a in units for b in units if a < b}
    order = []

    def probability(a, b):
        p = closeness(a, b)
        return p if a.size + b.size < 4 else 0.0  # the whole group against y: not one

    def recorded(a, b):
        order.append(sorted(a.members + b.members))
        return probability(a, b)

    root = agglomerate(units, pairs, batch(recorded), 0.55, key=lambda u: (u,))
    assert groups(root) == [{"x1", "x2", "x3"}, {"y"}]
    assert order[-1] == ["x1", "x2", "x3", "y"]  # the whole group was scored against the look-alike, last


def test_forced_pairs_merge_unscored_and_allowed_can_veto():
    units = {n: unit(n, x) for n, x in (("a", 0.0), ("b", 9.0), ("c", 0.01))}
    root = agglomerate(units, {("a", "c")}, batch(closeness), 0.5, key=lambda u: (u,), forced=[("b", "a")],
                       allowed=lambda a, b: False)
    assert groups(root) == [{"a", "b"}, {"c"}]


@pytest.mark.parametrize("seed", range(4))
def test_the_result_does_not_depend_on_the_order_units_and_pairs_come_in(seed):
    rng = random.Random(seed)
    spots = {f"u{i}": rng.choice([0.0, 0.0, 0.3, 2.0, 2.1, 7.0]) for i in range(12)}
    pairs = [(a, b) for a in spots for b in spots if a < b]

    def run(names, pair_list):
        units = {n: unit(n, spots[n]) for n in names}
        return agglomerate(units, pair_list, batch(closeness), 0.6, key=lambda u: (int(u[1:]),))

    expected = run(sorted(spots), pairs)
    names, shuffled = list(spots), list(pairs)
    rng.shuffle(names)
    rng.shuffle(shuffled)
    assert run(names, [(b, a) for a, b in shuffled]) == expected


@pytest.mark.parametrize("seed", range(5))
def test_one_run_at_a_low_threshold_gives_every_higher_thresholds_clusters(seed):
    """``cut`` replays the merges a run recorded up to the first below the threshold: the same clusters
    as a run at that threshold, whatever the threshold."""
    rng = random.Random(seed)
    points = {f"u{i}": rng.uniform(0, 10) for i in range(30)}
    pairs = {(a, b) for a in points for b in points if a < b and rng.random() < 0.3}
    merges = []
    agglomerate({n: unit(n, x) for n, x in points.items()}, pairs, batch(closeness), 0.1, key=lambda u: (u,), merges=merges)
    assert [p for p, _, _ in merges] and all(p >= 0.1 for p, _, _ in merges)
    for threshold in (0.1, 0.3, 0.5, 0.7, 0.9):
        direct = agglomerate({n: unit(n, x) for n, x in points.items()}, pairs, batch(closeness), threshold,
                             key=lambda u: (u,))  # fmt: skip
        assert groups(cut(points, merges, threshold)) == groups(direct)


def test_the_pairs_are_scored_in_as_few_calls_as_a_cover_of_them_needs():
    """Each call of the probabilities costs the same whatever it holds: a star of articles around one event was
    one call per article (each with the units after it in key order); it is one call for the event now."""
    units = {n: unit(n, x) for n, x in (("a", 0.0), ("b", 0.05), ("c", 0.1), ("z", 0.02), ("far", 9.0))}
    calls = []

    def probabilities(a, others):
        calls.append((a.members[0], sorted(b.members[0] for b in others)))
        return batch(closeness)(a, others)

    root = agglomerate(units, {("a", "z"), ("b", "z"), ("c", "z"), ("c", "far")}, probabilities, 0.9, key=lambda u: (u,))
    assert calls[:2] == [("z", ["a", "b", "c"]), ("c", ["far"])]  # then one call per merge
    assert groups(root) == [{"a", "b", "c", "z"}, {"far"}]
