"""The fitted models: logistic regression on named features, kept as JSON, the packaged one loadable."""

import json
import re

import numpy as np
import pytest

from storyline.errors import SettingsError
from storyline.events.model import Models, PairModel, TreeModel
from storyline.events.pairs import EVENT_FEATURES, STORY_FEATURES


def toy_pairs(n=400, seed=0):
    rng = np.random.default_rng(seed)
    together = rng.random(n) < 0.4
    x = np.column_stack([rng.normal(together * 2.0, 1.0), rng.normal(0, 1, n)])  # only the first feature tells
    return x, together.astype(int)


def test_fitting_weighs_the_informative_feature_and_gives_probabilities():
    x, y = toy_pairs()
    model = PairModel.fit(("signal", "noise"), x, y)
    assert model.importance()[0][0] == "signal" and model.importance()[0][1] > 1.0
    p = model.probability(x)
    assert ((p > 0) & (p < 1)).all()
    assert p[y == 1].mean() > 0.6 > 0.3 > p[y == 0].mean()
    assert model.probability(x[0]) == pytest.approx(p[0])


def test_one_kind_of_pair_is_a_clear_error():
    x, _ = toy_pairs()
    with pytest.raises(SettingsError, match="only one kind of pair"):
        PairModel.fit(("signal", "noise"), x, np.zeros(len(x), int))


def test_models_round_trip_through_json(tmp_path):
    def fitted(features):
        x, y = toy_pairs()
        rows = np.column_stack([x, np.random.default_rng(2).normal(size=(len(y), len(features) - 2))])
        return PairModel.fit(features, rows, y), rows

    (event, rows), (story, _) = fitted(EVENT_FEATURES), fitted(STORY_FEATURES)
    models = Models(event, event, story, ["toy.jsonl"], {"note": 1})
    path = tmp_path / "model.json"
    models.save(path)
    back = Models.load(path)
    assert json.loads(path.read_text())["trained_on"] == ["toy.jsonl"]
    assert np.allclose(back.join.probability(rows), event.probability(rows))


def test_the_packaged_model_loads_and_names_the_current_features():
    models = Models.load()
    assert models.join.features == EVENT_FEATURES and models.merge.features == EVENT_FEATURES
    assert models.story.features == STORY_FEATURES
    assert models.trained_on  # fitted on labelled news, and says which


def test_a_missing_or_foreign_model_file_is_named(tmp_path):
    with pytest.raises(SettingsError, match="not found"):
        Models.load(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    with pytest.raises(SettingsError, match="not a storyline model"):
        Models.load(bad)


def test_a_model_setting_that_names_a_folder_is_named_not_a_traceback(tmp_path):
    """A folder (or a file it may not read) as the `model` setting was an IsADirectoryError traceback."""
    with pytest.raises(SettingsError, match=f"model file {tmp_path} cannot be read.*storyline train"):
        Models.load(tmp_path)
    partial = tmp_path / "partial.json"
    partial.write_text('{"join": {}}')
    with pytest.raises(SettingsError, match="not a storyline model \\(no 'features' field\\)"):
        Models.load(partial)


def test_a_model_fitted_on_other_features_is_refused_by_name(tmp_path):
    """A model file from a version that computed other features would weigh the wrong columns: it is refused."""
    models = Models.load()
    d = models.to_dict()
    d["join"]["features"] = d["join"]["features"][:-1]
    old = tmp_path / "old-model.json"
    old.write_text(json.dumps(d))
    with pytest.raises(SettingsError, match="old-model.json was fitted on other features.*storyline train"):
        Models.load(old)


@pytest.mark.parametrize("change, said", [
    (lambda d: d["join"].update(weights=d["join"]["weights"][:-1]), "its weights do not fit its 16 features"),
    (lambda d: d["story"].update(mean=[0.0]), "its mean do not fit its 5 features"),
    (lambda d: d["thresholds"].update(event="high"), "its event threshold is 'high', not a probability"),
    (lambda d: d["thresholds"].update(story=None), "its story threshold is None, not a probability"),
    (lambda d: d["thresholds"].update(event=2.0), "its event threshold is 2.0, not a probability"),
    (lambda d: d["thresholds"].update(story=True), "its story threshold is True, not a probability"),
    (lambda d: d.update(format=99), "format 99; this version of storyline reads format 1"),
    (lambda d: d["merge"].update(kind="forest"), "a model of kind 'forest'; this version knows logistic, trees"),
])
def test_a_model_file_that_cannot_be_used_is_refused_by_what_is_wrong(tmp_path, change, said):
    """Weights of the wrong length were a matmul traceback at the first placement, a threshold "high" a ufunc
    traceback, a threshold of 2 gave one story of every article, and an unknown kind "no 'forest' field"."""
    d = Models.load().to_dict()
    change(d)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(d))
    with pytest.raises(SettingsError, match="model.json is not a storyline model \\(" + re.escape(said)):
        Models.load(path)


def test_trees_with_a_split_on_a_feature_they_do_not_have_are_refused(tmp_path):
    x, y = toy_pairs()
    rows = np.column_stack([x, np.random.default_rng(2).normal(size=(len(y), len(STORY_FEATURES) - 2))])
    d = Models.load().to_dict()
    d["story"] = TreeModel.fit(STORY_FEATURES, rows, y).to_dict()
    path = tmp_path / "trees.json"
    path.write_text(json.dumps(d))
    assert Models.load(path).story.features == STORY_FEATURES
    d["story"]["feature"][0][0] = len(STORY_FEATURES)
    path.write_text(json.dumps(d))
    with pytest.raises(SettingsError, match="its feature do not fit its 5 features"):
        Models.load(path)


def test_a_model_file_that_is_json_but_no_object_is_refused(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1]")
    with pytest.raises(SettingsError, match="not a storyline model \\(not a JSON object\\)"):
        Models.load(path)
