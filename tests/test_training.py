"""Fitting the models to labels, folds that keep stories whole, and the `train` / `eval` commands."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from _events_fixtures import GOLD_EVENTS, GOLD_STORIES, corpus
from storyline.cli import app
from storyline.events.model import Models
from storyline.events.pairs import EVENT_FEATURES, STORY_FEATURES
from storyline.events.training import Labelled, as_ingested, as_rebuilt, fit, folds
from storyline.labelled import baselines, cross_validate, scores, window_ceiling
from storyline.settings import Settings


def labelled() -> Labelled:
    arts = corpus()
    event = {a: f"e{i}" for i, group in enumerate(GOLD_EVENTS) for a in group}
    story = {a: f"s{i}" for i, group in enumerate(GOLD_STORIES) for a in group}
    return Labelled(arts, event, story, {a.id: "kind" for a in arts}, name="fixture")


def test_fit_gives_the_three_models_on_the_named_features():
    models = fit([labelled()], Settings())
    assert models.join.features == EVENT_FEATURES and models.merge.features == EVENT_FEATURES
    assert models.story.features == STORY_FEATURES
    assert models.scores["pairs"]["join"] > 0 and models.scores["pairs"]["story"] > 0
    assert models.trained_on == ["fixture"]


def test_fit_tells_per_labelled_set_how_many_training_pairs_belong_together():
    data = labelled()
    alone = Labelled(data.articles, {a.id: a.id for a in data.articles}, {a.id: a.id for a in data.articles},
                     dict(data.topic), name="alone")  # every article its own event and story
    together = fit([data, alone], Settings()).scores["together"]
    assert set(together) == {"fixture", "alone"}
    assert 0 < together["fixture"]["join"] < 1 and together["alone"]["join"] == 0.0
    assert together["alone"]["story"] == 0.0


def test_models_fitted_on_the_labels_cluster_them_on_both_paths():
    data = labelled()
    models = fit([data], Settings())
    for events, stories in (as_rebuilt(data.articles, Settings(), models),
                            as_ingested(data.articles, Settings(), models, shuffle=1, batch=3)):
        figures = scores(data, events, stories)
        assert figures["events"]["bcubed_f1"] == 1.0 and figures["stories"]["bcubed_f1"] == 1.0


def test_folds_keep_each_story_whole_and_subsets_keep_their_own_labels():
    data = labelled()
    parts = folds(data, 2)
    assert set().union(*parts) == {a.id for a in data.articles} and not parts[0] & parts[1]
    for story in GOLD_STORIES:
        assert any(story <= part for part in parts)
    part = data.subset(parts[0])
    assert set(part.event) == set(part.story) == parts[0]  # a subset is scored on its own articles only


def test_cross_validation_refits_without_the_held_out_fold_and_scores_it():
    data = labelled()
    extra = labelled()
    extra.name = "extra"  # always in training (the other files of `storyline train`)
    result = cross_validate(data, 2, Settings(), extra=(extra,))
    assert result["folds"] == 2 and result["articles"] == len(data.articles)
    assert result["ingest"]["events"]["bcubed_f1"] == 1.0 and result["ingest"]["stories"]["bcubed_f1"] == 1.0


def test_cross_validated_baselines_are_scored_on_the_same_held_out_folds():
    """`eval --cv 5 --baselines` set the folds' figures beside baselines scored on the whole file, where more
    look-alikes meet inside the date window: on gva-dev TF-IDF scored 0.917 so and 0.931 out of fold."""
    data, extra = labelled(), labelled()
    extra.name = "extra"  # in training, so that each fold's refit has both kinds of pair
    result = cross_validate(data, 2, Settings(), extra=(extra,), with_baselines=True)
    held = [data.subset(part) for part in folds(data, 2)]
    by_fold = [baselines(part, data.subset({a.id for a in data.articles} - {a.id for a in part.articles}))
               for part in held]
    expected = sum(len(part.articles) * b["tfidf"]["events"]["bcubed_f1"] for part, b in zip(held, by_fold, strict=True))
    assert result["baselines"]["tfidf"]["events"]["bcubed_f1"] == pytest.approx(expected / len(data.articles))
    assert result["baselines"]["alone"]["events"]["bcubed_recall"] < 1.0
    assert "baselines" not in cross_validate(data, 2, Settings(), extra=(extra,))


def test_cross_validation_draws_its_folds_as_many_ways_as_asked_and_averages_over_them_all(monkeypatch):
    """On ECB+ dev the out-of-fold events moved from 0.894 to 0.915 from one draw of the folds to another: one draw
    could not tell a change of a point apart from the draw."""
    import storyline.labelled as labelled_module

    data, extra = labelled(), labelled()
    extra.name = "extra"
    drawn, shuffled = [], []
    real_folds, real_ingest = labelled_module.folds, labelled_module.as_ingested
    monkeypatch.setattr(labelled_module, "folds", lambda d, k, seed=0: drawn.append(seed) or real_folds(d, k, seed))
    monkeypatch.setattr(labelled_module, "as_ingested", lambda arts, st, models, shuffle=None: shuffled.append(shuffle)
                        or real_ingest(arts, st, models, shuffle=shuffle))  # fmt: skip
    once = cross_validate(data, 2, Settings(), extra=(extra,), shuffle=7)
    assert drawn == [0] and shuffled == [7, 7] and "draws" not in once and "repeats" not in once
    drawn.clear(), shuffled.clear()
    thrice = cross_validate(data, 2, Settings(), extra=(extra,), shuffle=7, repeats=3)
    assert drawn == [0, 1, 2] and shuffled == [7, 7, 8, 8, 9, 9]
    assert thrice["repeats"] == 3 and len(thrice["draws"]) == 3 and set(thrice["draws"][0]) == {"events", "stories"}
    mean = sum(d["events"] for d in thrice["draws"]) / 3  # every draw holds every article once
    assert thrice["ingest"]["events"]["bcubed_f1"] == pytest.approx(mean)
    from rich.console import Console

    from storyline.errors import SettingsError
    from storyline.showing import show_scores

    with pytest.raises(SettingsError, match="at least once, not 0 times"):
        cross_validate(data, 2, Settings(), repeats=0)
    console = Console(record=True, width=200)
    show_scores(console, {"file": "x", "articles": len(data.articles), "cv": thrice})
    shown = console.export_text()
    assert "cv 2-fold x3" in shown and "draw 3: events " in shown


def test_cross_validation_asks_for_two_folds_and_two_stories_and_says_how_many_folds_it_made(tmp_path):
    """`--cv -1` was an IndexError traceback, `--cv 1` and a file of one story "only one kind of pair" (the fit on
    an empty fold), and `--cv 5` on two stories printed "cv 5-fold" for two folds."""
    from storyline.errors import InputError, SettingsError

    data, extra = labelled(), labelled()
    extra.name = "extra"
    assert cross_validate(data, 5, Settings(), extra=(extra,))["folds"] == 2  # one fold per story
    with pytest.raises(SettingsError, match="at least 2 folds, not 1"):
        cross_validate(data, 1, Settings())
    with pytest.raises(InputError, match="^fixture: cross-validation holds out one story .* only one"):
        cross_validate(data.subset({"f1", "f2"}), 2, Settings(), extra=(extra,))
    with pytest.raises(InputError, match="^fixture: .*, in training with fold 1 of 2 held out.* leave cross-validation "
                                         "off \\(--cv 0\\): each of its folds already holds one story"):
        cross_validate(data, 5, Settings())  # the flood story alone is left to learn from: said of the fold, and more
        # folds cannot help (it said "give more folds" when each already held one story)
    gold = tmp_path / "gold.jsonl"
    gold.write_text("")
    for command, value in (("eval", "-1"), ("eval", "1"), ("train", "1")):
        result = CliRunner().invoke(app, [command, str(gold), "--cv", value])
        assert result.exit_code == 2 and "Invalid value for '--cv'" in result.output
    for args in (["eval", str(gold), "--repeats", "3"], ["train", str(gold), "--cv", "0", "--repeats", "3"]):
        alone = CliRunner().invoke(app, args)  # folds drawn three ways, but no folds
        assert alone.exit_code == 2 and "give --cv K with it" in alone.output, args


def test_too_few_labels_to_learn_from_is_a_named_error():
    """It said "the labelled data gives only one kind of pair", naming neither the file nor the labels to add."""
    from storyline.errors import InputError

    flood = labelled().subset({"f1", "f2"})
    with pytest.raises(InputError, match="^fixture: the event labels give only one kind of pair: no two events "
                                         "met .* Label articles of more events"):
        fit([flood], Settings())
    data = labelled()
    no_story = Labelled(data.articles, data.event, dict.fromkeys(data.story), data.topic, name="no-story.jsonl")
    with pytest.raises(InputError, match="^no-story.jsonl: no events with a story label .* `story` label"):
        fit([no_story], Settings())  # a story is optional to eval, not to train


def test_too_few_story_labels_name_stories_and_their_events():
    """The story model's pairs are of events: labels giving it one kind of pair were told as "no two storys met"
    and, where every event was its own story, as "no two articles of one story met", which the file had."""
    from storyline.errors import InputError

    data = labelled()
    one = Labelled(data.articles, data.event, dict.fromkeys(data.story, "s"), data.topic, name="one-story.jsonl")
    with pytest.raises(InputError, match="no two stories met to tell apart. Label articles of more stories,"):
        fit([one], Settings())
    own = Labelled(data.articles, data.event, dict(data.event), data.topic, name="own-story.jsonl")
    with pytest.raises(InputError, match="no two events of one story met. Label at least two events of one story"):
        fit([own], Settings())


@pytest.fixture
def labelled_file(tmp_path):
    path = tmp_path / "mine.jsonl"
    rows = []
    data = labelled()
    for a in data.articles:
        rows.append({"id": a.id, "title": a.title, "text": a.text, "date": a.published,
                     "event": data.event[a.id], "story": data.story[a.id]})
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


@pytest.mark.slow
def test_train_writes_a_model_that_eval_and_placement_use(labelled_file, tmp_path, monkeypatch):
    monkeypatch.setenv("STORYLINE_EMBEDDER", "hash")
    out = tmp_path / "model.json"
    cache = tmp_path / "cache"
    result = CliRunner().invoke(app, ["train", str(labelled_file), "--out", str(out), "--cv", "0", "--cache", str(cache)])
    assert result.exit_code == 0, result.output
    assert "join model" in result.output and "story model" in result.output and "terms" in result.output
    assert "mine.jsonl: training pairs that belong together: join " in result.output
    assert Models.load(out).trained_on == ["mine.jsonl"]
    monkeypatch.setenv("STORYLINE_MODEL", str(out))
    result = CliRunner().invoke(app, ["eval", str(labelled_file), "--cache", str(cache), "--baselines", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert {"ingest", "rebuild", "baselines"} <= set(figures)
    assert figures["model"] == str(out)  # the `model` setting in use is named
    assert set(figures["baselines"]) == {"alone", "tfidf", "minilm", "combined"}


def test_the_decision_thresholds_are_fitted_with_the_models_and_used_by_default():
    from storyline.events.placement import EventIndex
    from storyline.events.training import EVENT_THRESHOLDS, STORY_THRESHOLDS

    models = fit([labelled()], Settings())
    tried = models.scores["thresholds"]
    assert set(tried["event"]) == set(EVENT_THRESHOLDS) and set(tried["story"]) == set(STORY_THRESHOLDS)
    assert models.thresholds["event"] in EVENT_THRESHOLDS and models.thresholds["story"] in STORY_THRESHOLDS
    assert tried["event"][models.thresholds["event"]] >= max(tried["event"].values()) - 0.002
    assert tried["story"][models.thresholds["story"]] == max(tried["story"].values()) == 1.0
    index = EventIndex(Settings(), models)
    assert (index.join_threshold, index.story_threshold) == (models.thresholds["event"], models.thresholds["story"])
    assert EventIndex(Settings(event_threshold=0.77), models).join_threshold == 0.77  # a setting overrides
    assert Models.from_dict(json.loads(json.dumps(models.to_dict()))).thresholds == models.thresholds


def test_a_flat_range_of_thresholds_gives_its_middle():
    from storyline.events.training import _chosen

    assert _chosen({0.2: 0.90, 0.3: 0.95, 0.4: 0.951, 0.5: 0.9505, 0.6: 0.93}) == 0.4
    assert _chosen({0.4: 0.914, 0.5: 0.9141, 0.6: 0.9136, 0.7: 0.9145, 0.2: 0.907}) == 0.6


def test_look_alikes_are_the_most_alike_units_of_other_stories_as_near_as_a_met_pair_of_one_event():
    import numpy as np

    from storyline.events.training import LOOK_ALIKES, _look_alikes, _Pairs

    features = ("words", "gap", "strong_gap", "places")
    words = {"a": 0.0, "b": 0.9, "c": 0.8, "d": 0.95, "e": 0.7}  # how alike each unit is to any other
    story = {"a": "s1", "b": "s2", "c": "s1", "d": None, "e": "s3"} | {f"x{i}": "s9" for i in range(LOOK_ALIKES + 3)}
    units = {u: u for u in story}
    for i in range(LOOK_ALIKES + 3):
        words[f"x{i}"] = 0.5 - i / 100

    def rows(a, others):  # far apart in time and place, as found at any distance
        return np.array([[words[o], 9.0, 9.0, 0.0] for o in others])

    def pairs_met():
        pairs = _Pairs()
        pairs.current = 1
        pairs.add(np.array([0.3, 7.0, 1.0, 1.0]), True)  # met in another labelled set: never taken
        pairs.current = 0
        pairs.add(np.array([0.6, 0.5, 1.0, 1.0]), True)  # one event: its where and when are taken
        pairs.add(np.array([0.2, 1.5, 1.0, 0.2]), False)  # two events: never taken
        return pairs

    pairs = pairs_met()
    met = len(pairs.y)
    neighbours = {"a": ["b", "c", "d", "e", "b"], "d": ["a", "b"], "b": ["a", *(f"x{i}" for i in range(LOOK_ALIKES + 3))]}
    _look_alikes(pairs, units, neighbours, story, rows, features)
    added = np.array(pairs.x[met:])
    assert not any(pairs.y[met:]) and set(pairs.source[met:]) == {0}
    # a: b and e (c is its own story, d unknown, b met twice counts once); d gives none (its story unknown);
    # b: the LOOK_ALIKES most alike of its others, all x's (a, the least alike, is left out)
    assert sorted(added[:, 0].round(3)) == sorted([0.9, 0.7] + [round(0.5 - i / 100, 3) for i in range(LOOK_ALIKES)])
    assert {tuple(x) for x in added[:, 1:]} == {(0.5, 1.0, 1.0)}  # as near in time and place as one event's reports
    stories = pairs_met()  # story features hold no dates: a story look-alike takes the places of one story's events
    stories.x = [x[[0, 3]] for x in stories.x]
    _look_alikes(stories, units, neighbours, story, lambda a, others: rows(a, others)[:, [0, 3]], ("words", "places"))
    assert {x[1] for x in stories.x[met:]} == {1.0}


def test_the_window_ceiling_is_what_labels_spanning_more_than_the_window_cost():
    """Gold events within the date window cost nothing; one gold event holding two meetings a year apart
    is cut in two, and the ceiling says how much that costs."""
    data = labelled()
    assert window_ceiling(data)["bcubed_f1"] == 1.0
    lumped = Labelled(data.articles, {a: data.story[a] for a in data.event}, data.story, data.topic, name="lumped")
    ceiling = window_ceiling(lumped)
    assert ceiling["bcubed_precision"] == 1.0 and ceiling["bcubed_recall"] < 1.0


def test_a_labelled_file_with_bad_lines_is_scored_on_the_good_ones_and_each_bad_line_named(tmp_path):
    """Bad lines in a labelled file crashed eval and train with a JSON traceback (after the whole ingest); a line
    without an id is labelled under the id ingest gives it."""
    from _light import light_pipeline
    from storyline.labelled import gold_labels, inputs_of, load_labelled

    path = tmp_path / "mine.jsonl"
    lines = ["not json",
             json.dumps({"id": "a1", "text": "Dock workers walked out at Port Alder on Monday over pay.", "event": "e1"}),
             "", json.dumps([1, 2]),
             json.dumps({"text": "The Port Alder strike went into its second day on Tuesday.", "event": "e1", "story": "s"})]
    path.write_text("\n".join(lines) + "\n")
    assert gold_labels(path, "event") == {"a1": "e1", "mine-5": "e1"} and gold_labels(path, "story") == {"mine-5": "s"}
    assert inputs_of(path) == [str(path)]
    errors = []
    data = load_labelled(path, pipeline_factory=lambda store, settings: light_pipeline(store), on_error=errors.append)
    assert sorted(a.id for a in data.articles) == ["a1", "mine-5"] and data.event == {"a1": "e1", "mine-5": "e1"}
    assert sorted(e.where for e in errors) == [f"{path}:1", f"{path}:4"]


def test_a_file_with_no_labelled_article_is_a_named_error_not_a_score_of_nothing(tmp_path):
    from _light import light_pipeline
    from storyline.errors import InputError
    from storyline.labelled import load_labelled

    path = tmp_path / "plain.jsonl"
    path.write_text(json.dumps({"id": "a1", "text": "Dock workers walked out at Port Alder on Monday."}) + "\n")
    with pytest.raises(InputError, match="no article with an event label"):
        load_labelled(path, pipeline_factory=lambda store, settings: light_pipeline(store))


def test_an_id_on_two_lines_with_other_labels_is_told_and_never_scored_against_labels_nobody_gave(tmp_path):
    """Two articles under one id with other labels: the first silently took the second line's labels (and the
    second, stored as "<id>~<hash>", too), so the figures were against labels nobody gave. Neither is scored now,
    and a warning says why. One text on two lines with other labels (public corpora have such lines) is one
    article, scored by the later line, as said."""
    path = tmp_path / "dups.jsonl"
    rows = [{"id": "a1", "text": "Dock workers walked out at Port Alder on Monday over pay.", "event": "strike"},
            {"id": "a2", "text": "The Port Alder strike went into its second day on Tuesday.", "event": "strike"},
            {"id": "a1", "text": "A ferry ran aground off Port Alder on Friday.", "event": "ferry"},
            {"id": "a3", "text": "The stranded ferry off Port Alder was towed free on Saturday.", "event": "ferry"},
            {"id": "a2", "text": "The Port Alder strike went into its second day on Tuesday.", "event": "strike-2"}]
    data, warnings = _load_rows(path, rows)
    assert {a.id: data.event[a.id] for a in data.articles} == {"a2": "strike-2", "a3": "ferry"}
    told = " ".join(warnings)
    assert "line 3: id 'a1' also names another article, on line 1, with other labels (event 'strike' there, 'ferry' here)" in told
    assert "neither is scored or trained on. Give each article its own id" in told
    assert "line 5 repeats the id 'a2' and the text of line 2 with other labels (event 'strike' there, 'strike-2' here)" in told
    assert "The later line's labels are scored" in told


def test_an_id_is_checked_against_every_earlier_line_of_it_not_the_first_only(tmp_path):
    """Line 3 gave a1 another text with line 1's labels: compared with line 1 alone it passed, and the strike
    article was scored as "strike", though the warning said its later line ("ferry") was scored."""
    path = tmp_path / "thrice.jsonl"
    rows = [{"id": "a1", "text": "Dock workers walked out at Port Alder on Monday over pay.", "event": "strike"},
            {"id": "a1", "text": "Dock workers walked out at Port Alder on Monday over pay.", "event": "ferry"},
            {"id": "a1", "text": "A ferry ran aground off Port Alder on Friday.", "event": "strike"},
            {"id": "a2", "text": "The stranded ferry off Port Alder was towed free on Saturday.", "event": "ferry"}]
    data, warnings = _load_rows(path, rows)
    assert {a.id: data.event[a.id] for a in data.articles} == {"a2": "ferry"}
    told = " ".join(warnings)
    assert "line 3: id 'a1' also names another article, on line 2, with other labels (event 'ferry' there, 'strike' here)" in told
    assert "The later line's labels are scored" not in told  # a1 is not scored at all


def test_labelled_lines_that_will_not_be_scored_are_told_not_silently_dropped(tmp_path):
    """A misspelt `event` field, a null event, or a text already on another line: those lines were left out of the
    figures and the fit without a word (23 of 28 articles scored, and nothing said why)."""
    path = tmp_path / "mine.jsonl"
    rows = [{"id": "a1", "text": "Dock workers walked out at Port Alder on Monday over pay.", "event": "strike"},
            {"id": "a2", "text": "The Port Alder strike went into its second day on Tuesday.", "evnet": "strike"},
            {"id": "a3", "text": "A ferry ran aground off Port Alder on Friday.", "event": None},
            {"id": "a4", "text": "Dock workers walked out at Port Alder on Monday over pay.", "event": "strike"},
            {"id": "a5", "text": "Port Alder's dockers returned to work after a pay deal.", "event": "deal"}]
    data, warnings = _load_rows(path, rows)
    assert sorted(data.event) == ["a1", "a5"]
    told = "\n".join(warnings)
    assert f"{path}: line 2 has no event field" in told and "(their fields: evnet, id, text)" in told
    assert f"{path}: line 3 has a null or empty event" in told
    assert f"{path}: 1 labelled articles were not read" in told and "(a4)" in told


def test_two_labelled_files_of_one_name_keep_their_own_cache(tmp_path):
    """`--cache` kept one store per file *name*: `eval b/mine.jsonl --train a/mine.jsonl --cache c` trained on b's
    articles and lost a's own, without a word. And a file grown after its cache was made says so."""
    from _light import light_pipeline
    from storyline.labelled import cache_store, load_labelled

    texts = {"a": ["Dock workers walked out at Port Alder on Monday over pay.", "The Port Alder strike went on."],
             "b": ["A ferry ran aground off Port Alder on Friday.", "The ferry aground off Port Alder was refloated."]}
    paths = []
    for folder, lines in texts.items():
        (tmp_path / folder).mkdir()
        paths.append(tmp_path / folder / "mine.jsonl")
        paths[-1].write_text("".join(json.dumps({"id": f"{folder}{i}", "text": t, "event": folder}) + "\n"
                                     for i, t in enumerate(lines)))
    assert cache_store(tmp_path / "c", paths[0]) != cache_store(tmp_path / "c", paths[1])
    light = lambda store, settings: light_pipeline(store)  # noqa: E731
    for path, folder in zip(paths, texts, strict=True):
        data = load_labelled(path, cache=cache_store(tmp_path, path), pipeline_factory=light)
        assert sorted(data.event) == [f"{folder}0", f"{folder}1"]
    with paths[0].open("a") as f:
        f.write(json.dumps({"id": "a2", "text": "Port Alder's dockers returned to work.", "event": "a"}) + "\n")
    warnings = []
    load_labelled(paths[0], cache=cache_store(tmp_path, paths[0]), pipeline_factory=light, on_warning=warnings.append)
    assert "(a2)" in warnings[0] and "added to the file after the cache" in warnings[0]


@pytest.mark.parametrize("args", [["eval", "{missing}"], ["train", "{missing}"], ["eval", "{gold}", "--train", "{missing}"]])
def test_eval_and_train_name_a_labelled_file_that_is_not_there(tmp_path, args):
    """A missing file was a FileNotFoundError traceback (exit 1); now a usage error naming it (exit 2)."""
    gold, missing = tmp_path / "gold.jsonl", tmp_path / "missing.jsonl"
    gold.write_text("")
    result = CliRunner().invoke(app, [a.format(gold=gold, missing=missing) for a in args])
    assert result.exit_code == 2 and "missing.jsonl" in result.output and "does not exist" in result.output


def test_train_refuses_an_unknown_kind_before_reading_the_labelled_files(tmp_path, monkeypatch):
    """`--kind foo` was refused only after every labelled file had been ingested (minutes on a real corpus)."""
    import storyline.labelled

    def no_reading(*args, **kwargs):
        raise AssertionError("read before the kind was checked")

    monkeypatch.setattr(storyline.labelled, "load_labelled", no_reading)
    gold = tmp_path / "gold.jsonl"
    gold.write_text("")
    result = CliRunner().invoke(app, ["train", str(gold), "--kind", "foo", "--out", str(tmp_path / "m.json")])
    assert result.exit_code == 1 and "--kind 'foo': choose one of logistic, trees" in str(result.exception)


def test_a_merge_model_that_is_the_join_model_is_said_to_be_not_printed_as_fitted():
    """With too few pairs of events, fit() decides merges with the join model; train printed its weights again
    under "merge model" as though a merge model had been fitted."""
    from rich.console import Console

    from storyline.showing import show_model

    models = fit([labelled()], Settings())
    models.merge = models.join
    console = Console(record=True, width=200)
    show_model(console, models)
    text = console.export_text()
    assert "merge model: the join model's weights" in text and "merge model (intercept" not in text
    assert "join model (intercept" in text and "story model" in text


def _load_rows(path, rows: list[dict]):
    """The labelled file of ``rows`` at ``path``, loaded through the light pipeline, and the warnings it gave."""
    from _light import light_pipeline
    from storyline.labelled import load_labelled

    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    warnings: list[str] = []
    data = load_labelled(path, pipeline_factory=lambda store, settings: light_pipeline(store), on_warning=warnings.append)
    return data, warnings


def test_a_cache_or_a_model_file_that_cannot_be_one_is_named_before_any_reading(tmp_path):
    """A --cache that is a file was a FileExistsError traceback; a --out that is a folder failed after the fitting."""
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "a", "text": "The harbour reopened on Friday.", "event": "e"}) + "\n")
    taken = tmp_path / "taken"
    taken.write_text("")
    for args, said in ((["eval", str(gold), "--cache", str(taken)], f"cannot write {taken}: a file, not a folder"),
                       (["train", str(gold), "--out", str(tmp_path)], f"cannot write {tmp_path}: a folder, not a file")):  # fmt: skip
        done = subprocess.run([sys.executable, "-c", "from storyline.cli import main; main()", *args], capture_output=True,
                              text=True, timeout=120)  # fmt: skip
        assert done.returncode == 2 and said in done.stderr, done.stderr


def test_cross_validated_means_count_each_figure_over_the_folds_and_the_articles_it_was_measured_on():
    """A fold without story (or topic) labels lowered the stories' mean, as though it had scored 0 there, and when it
    came first the topic precision was left out of the means altogether."""
    from storyline.labelled import mean_scores

    counted = lambda events, stories, topics: {"events": events, "stories": stories, "story_topic_precision": topics}  # noqa: E731
    results = [(counted(10, 0, 0), {"events": {"bcubed_f1": 0.5, "gold_clusters": 3}}),
               (counted(10, 4, 2), {"events": {"bcubed_f1": 1.0}, "stories": {"bcubed_f1": 0.75}, "story_topic_precision": 1.0}),
               (counted(20, 12, 6), {"events": {"bcubed_f1": 1.0}, "stories": {"bcubed_f1": 1.0}, "story_topic_precision": 0.5})]
    mean = mean_scores(results)
    assert mean["events"] == {"bcubed_f1": pytest.approx((5 + 10 + 20) / 40)}  # counts are not averaged
    assert mean["stories"] == {"bcubed_f1": pytest.approx((3 + 12) / 16)}
    assert mean["story_topic_precision"] == pytest.approx((2 + 3) / 8)


def test_folds_never_split_an_event_whose_articles_carry_its_story_on_some_lines_only():
    """An article of event e1 without a story label was its own group ("e:e1"), and could be held out while the
    rest of e1, labelled with story s1, was trained on. Groups keep the names they had, so folds stay as they were."""
    data = labelled()
    flood = [a.id for a in data.articles if data.story[a.id] == data.story["f1"]]
    data.story[flood[0]] = None  # one line of the flood story says nothing of its story
    groups = dict(zip((a.id for a in data.articles), data.story_groups(), strict=True))
    assert {groups[a] for a in flood} == {data.story[flood[1]]}
    for k in (2, 3):
        assert any(set(flood) <= part for part in folds(data, k))
    two = Labelled(data.articles, data.event, {**data.story, flood[1]: "other"}, data.topic)  # an event in two stories
    joined = dict(zip((a.id for a in two.articles), two.story_groups(), strict=True))
    assert len({joined[a] for a in flood}) == 1


def test_an_empty_label_is_no_label(tmp_path):
    """`"story": ""` was scored as one story of every such article, and `"event": ""` as one event, while the folds
    took "" for no label."""
    path = tmp_path / "mine.jsonl"
    rows = [{"id": "a1", "text": "Dock workers walked out at Port Alder on Monday over pay.", "event": "strike", "story": ""},
            {"id": "a2", "text": "A ferry ran aground off Port Alder on Friday.", "event": "ferry", "story": " "},
            {"id": "a3", "text": "The stranded ferry off Port Alder was towed free on Saturday.", "event": ""}]
    data, warnings = _load_rows(path, rows)
    assert data.story == {"a1": None, "a2": None} and sorted(data.event) == ["a1", "a2"]
    assert any("line 3 has a null or empty event" in w for w in warnings)


def test_one_text_under_two_ids_with_other_labels_is_told_with_the_labels_it_is_scored_by(tmp_path):
    """The later line was said not to be read, with nothing of its labels, though the README said it was scored."""
    path = tmp_path / "mine.jsonl"
    text = "Dock workers walked out at Port Alder on Monday over pay."
    rows = [{"id": "a1", "text": text, "event": "strike"},
            {"id": "a2", "text": "A ferry ran aground off Port Alder on Friday.", "event": "ferry"},
            {"id": "z1", "text": text, "event": "ferry"}]
    data, warnings = _load_rows(path, rows)
    assert {a.id: data.event[a.id] for a in data.articles} == {"a1": "strike", "a2": "ferry"}
    told = " ".join(warnings)
    assert "line 3 (id 'z1') repeats the text of line 1 (id 'a1') with other labels (event 'strike' there, 'ferry' here)" in told
    assert "scored by that line's labels; the later line is left out" in told


def test_labels_naming_the_articles_of_one_jsonl_file_are_not_one_text(tmp_path):
    """Label lines that name their articles by ``file`` and id, several in one JSONL file, were each said to repeat
    the first's text (`make demo` printed it for the bundled examples); a text file named twice with other labels
    still is one text."""
    from storyline.labelled import check_labels

    path = tmp_path / "gold.jsonl"
    rows = [{"id": "f1", "file": "corpus/feed.jsonl", "event": "strike"},
            {"id": "f2", "file": "corpus/feed.jsonl", "event": "ferry"},
            {"id": "t1", "file": "corpus/t1.txt", "event": "strike"},
            {"id": "t2", "file": "corpus/t1.txt", "event": "ferry"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    notes, _, _ = check_labels(path)
    told = " ".join(notes)
    assert "line 4 (id 't2') repeats the text of line 3 (id 't1')" in told
    assert "line 2" not in told


def test_train_writes_its_model_when_cross_validation_cannot_refit_and_files_of_one_name_keep_apart(tmp_path, monkeypatch):
    """A fold's refit that failed threw the whole fit away (no file), and two files named mine.jsonl in two folders
    were one entry of the model's figures."""
    import storyline.labelled
    from storyline.errors import InputError

    a, b = labelled(), labelled()
    a.name = b.name = "mine.jsonl"
    monkeypatch.setattr(storyline.labelled, "load_labelled", lambda path, *args, **kwargs: a if "one" in str(path) else b)
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "mine.jsonl").write_text("")
    refused = InputError("mine.jsonl", "no two stories met", "Label more")
    monkeypatch.setattr(storyline.labelled, "cross_validate", lambda *args, **kwargs: (_ for _ in ()).throw(refused))
    out = tmp_path / "m.json"
    result = CliRunner().invoke(app, ["train", str(tmp_path / "one" / "mine.jsonl"), str(tmp_path / "two" / "mine.jsonl"),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning: no cross-validated figures for" in result.stderr and "no two stories met" in result.stderr
    written = Models.load(out)
    assert written.trained_on == [str(tmp_path / "one" / "mine.jsonl"), str(tmp_path / "two" / "mine.jsonl")]
    assert set(written.scores["together"]) == set(written.trained_on)
    assert written.embedder == Settings().embedder  # what its vectors were: told when another embedder runs


def test_a_model_fitted_on_another_embedder_is_told_when_it_is_used():
    models = fit([labelled()], Settings(embedder="hash"))
    assert models.embedder == "hash" and models.embedder_note("hash") is None
    note = models.embedder_note("minilm")
    assert "fitted on the 'hash' embedder's vectors, and the embedder setting is 'minilm'" in note
    assert "STORYLINE_EMBEDDER=minilm storyline train" in note
    assert Models.load().embedder == "static"  # the packaged model says what it was fitted on


def test_a_model_file_that_cannot_be_used_leaves_no_store_behind(tmp_path, monkeypatch):
    """`STORYLINE_MODEL=bad.json storyline ingest` failed, but only once the store had been made."""
    bad = tmp_path / "bad.json"
    bad.write_text("[1]")
    (tmp_path / "a.txt").write_text("The harbour reopened on Friday after the storm.\n")
    monkeypatch.setenv("STORYLINE_MODEL", str(bad))
    for args in (["ingest", str(tmp_path / "a.txt"), "--db", str(tmp_path / "new.db")],):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1 and "not a storyline model" in str(result.exception)
    assert not list(tmp_path.glob("new.db*"))


def test_an_empty_label_and_a_null_one_are_the_same_label_when_an_id_comes_twice(tmp_path):
    """`"story": ""` on one line and `null` on the other made two texts under one id "other labels", and neither
    was scored."""
    rows = [{"id": "a1", "text": "Dock workers walked out at Port Alder on Monday over pay.", "event": "strike", "story": ""},
            {"id": "a1", "text": "The Port Alder strike went into its second day on Tuesday.", "event": "strike", "story": None},
            {"id": "a2", "text": "A ferry ran aground off Port Alder on Friday.", "event": "ferry"}]
    data, warnings = _load_rows(tmp_path / "mine.jsonl", rows)
    assert not any("other labels" in w for w in warnings)
    assert sorted(data.event.values()) == ["ferry", "strike", "strike"]


def test_train_draws_the_folds_as_many_ways_as_asked(tmp_path, monkeypatch):
    import storyline.labelled

    a, b = labelled(), labelled()
    b.name = "theirs.jsonl"
    monkeypatch.setattr(storyline.labelled, "load_labelled", lambda path, *args, **kwargs: a if "mine" in str(path) else b)
    for name in ("mine.jsonl", "theirs.jsonl"):
        (tmp_path / name).write_text("")
    result = CliRunner().invoke(app, ["train", str(tmp_path / "mine.jsonl"), str(tmp_path / "theirs.jsonl"), "--cv", "2",
                                      "--repeats", "2", "--out", str(tmp_path / "m.json")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "x2" in result.output and "draw 2: events " in " ".join(result.output.split())
    assert Models.load(tmp_path / "m.json").scores[a.name]["repeats"] == 2
