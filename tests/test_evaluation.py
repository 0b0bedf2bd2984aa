"""Clustering scores on small examples computed by hand."""

import pytest

from storyline.evaluation import bcubed, pairwise, score, worst

GOLD = {"a": "1", "b": "1", "c": "2", "d": "2"}
PRED = {"a": "X", "b": "X", "c": "X", "d": "Y"}


def test_bcubed_by_hand():
    # a, b: precision 2/3 recall 1; c: 1/3 and 1/2; d: 1 and 1/2
    p, r, f = bcubed(GOLD, PRED)
    assert p == pytest.approx(2 / 3)
    assert r == pytest.approx(3 / 4)
    assert f == pytest.approx(12 / 17)


def test_pairwise_by_hand():
    # predicted pairs ab ac bc, gold pairs ab cd: one right
    p, r, f = pairwise(GOLD, PRED)
    assert (p, r) == (pytest.approx(1 / 3), pytest.approx(1 / 2))
    assert f == pytest.approx(0.4)


def test_perfect_and_relabelled_clustering_scores_one():
    relabelled = {"a": "q", "b": "q", "c": "z", "d": "z"}
    s = score(GOLD, relabelled)
    assert s["bcubed_f1"] == s["pairwise_f1"] == pytest.approx(1.0)
    assert s["ari"] == pytest.approx(1.0)
    assert s["gold_clusters"] == s["pred_clusters"] == 2


def test_all_in_one_cluster_has_full_recall_low_precision():
    s = score(GOLD, dict.fromkeys(GOLD, "all"))
    assert s["bcubed_recall"] == pytest.approx(1.0)
    assert s["bcubed_precision"] == pytest.approx(0.5)
    assert s["ari"] == pytest.approx(0.0)


def test_missing_predictions_count_as_singletons():
    s = score(GOLD, {"a": "X", "b": "X"})
    # a, b perfect; c and d alone: precision 1, recall 1/2
    assert s["bcubed_precision"] == pytest.approx(1.0)
    assert s["bcubed_recall"] == pytest.approx(0.75)
    assert s["pred_clusters"] == 3


def test_worst_lists_merges_and_splits_with_their_parts():
    w = worst(GOLD, PRED, n=5)
    assert len(w["merges"]) == 1
    merge = w["merges"][0]
    assert merge["pred"] == "X" and merge["pairs"] == 2
    assert merge["parts"] == {"1": ["a", "b"], "2": ["c"]}
    assert [s["gold"] for s in w["splits"]] == ["2"]
    assert w["splits"][0]["parts"] == {"X": ["c"], "Y": ["d"]}


def test_worst_is_empty_for_a_perfect_clustering():
    assert worst(GOLD, GOLD) == {"merges": [], "splits": []}


def test_the_eval_table_shows_every_figure_the_contract_names():
    from rich.console import Console

    from storyline.showing import show_scores

    gold = {"a": "x", "b": "x", "c": "y", "d": "y"}
    figures = score(gold, {"a": "1", "b": "1", "c": "1", "d": "2"})
    console = Console(record=True, width=200)
    show_scores(console, {"file": "mine.jsonl", "articles": 4, "ingest": {"events": figures}})
    text = console.export_text()
    assert all(column in text for column in ("B3 P", "B3 R", "B3 F1", "pair F1", "ARI"))
    row = next(line for line in text.splitlines() if "│ ingest" in line)
    assert f"{figures['ari']:.3f}" in row


def test_the_eval_table_says_what_its_figures_and_rows_are():
    """The table gave B3 P, pair F1, ARI, ingest, rebuild, cv and baseline rows, and which model, with no word on
    what they are, nor that the baselines' thresholds were fitted on the very file scored."""
    from rich.console import Console

    from storyline.showing import show_scores

    gold = {"a": "x", "b": "x", "c": "y", "d": "y"}
    figures = {"events": score(gold, {"a": "1", "b": "1", "c": "1", "d": "2"}) | worst(gold, {"a": "1", "b": "1", "c": "1", "d": "2"})}
    console = Console(record=True, width=200)
    show_scores(console, {"file": "mine.jsonl", "articles": 4, "model": "mine-model.json", "ingest": figures,
                          "rebuild": figures, "cv": {"folds": 2, "ingest": figures, "baselines": {"tfidf": figures}},
                          "baselines": {"tfidf": figures}})
    text = console.export_text()
    for said in ("B3 P: for each article", "pair F1: the same over pairs", "ARI: adjusted Rand index", "model: mine-model.json",
                 "ingest: placed in shuffled batches", "cv K-fold: out of fold", "best on this very file (in sample)",
                 "a merge is one found cluster holding several gold ones", "cv tfidf ",
                 "cv alone, cv tfidf, ...: each baseline on the same held-out folds"):
        assert said in text, said
