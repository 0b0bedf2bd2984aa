"""Commands that fit and score the event and story models on labelled news: eval, train."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError, OutputError, SettingsError
from ..settings import Settings
from .common import AsJsonObject, check_model, err, out, print_json, say, warn


def _folds(value: int) -> int:
    """A ``--cv`` value: 0 (off) or at least 2 folds, refused before anything is read."""
    if value == 1:
        raise typer.BadParameter("cross-validation needs at least 2 folds; give 2 or more, or 0 for none")
    return value


Repeats = Annotated[int, typer.Option("--repeats", min=1, help="With --cv: draw the folds this many ways and average over them all (each draw's F1 is shown too).")]
Cache = Annotated[Path | None, typer.Option("--cache", help="Folder keeping the enriched labelled articles between runs (one store per file).")]


def _labelled(paths: list[Path], cache: Path | None):
    from ..labelled import cache_store, load_labelled

    if cache is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(cache, exc if not isinstance(exc, FileExistsError) else "a file, not a folder",
                              "--cache") from None
    sets = [load_labelled(p, Settings(), cache_store(cache, p) if cache else None, on_error=lambda e: say(err, f"error: {e}"),
                          on_warning=lambda w: say(err, f"warning: {w}"))
            for p in paths]  # fmt: skip
    names = Counter(data.name for data in sets)
    for path, data in zip(paths, sets, strict=True):
        if names[data.name] > 1:  # two files of one name (in two folders): each is known by its path
            data.name = str(path)
    return sets


def eval_cmd(
    gold: Annotated[Path, typer.Argument(help="A labelled JSONL: text/html, id, event, and optionally story and topic.", exists=True, dir_okay=False)],
    cv: Annotated[int, typer.Option("--cv", min=0, callback=_folds, help="Grouped K-fold by story: refit on the other folds, score each held-out fold as ingested (0: off).")] = 0,
    train: Annotated[list[Path] | None, typer.Option("--train", help="Fit the models on this labelled file (repeatable) and score GOLD with them.", exists=True, dir_okay=False)] = None,
    with_baselines: Annotated[bool, typer.Option("--baselines", help="Also score every article alone, and TF-IDF, MiniLM and the two with names (combined) average link (with --cv, on the same folds too).")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the shuffled ingest order.")] = 0,
    repeats: Repeats = 1,
    cache: Cache = None,
    as_json: AsJsonObject = False,
) -> None:
    """Score events and stories of a labelled JSONL, as ingested (shuffled) and as rebuilt.

    Events are scored against `event`, stories against `story` (null left out), and
    story precision against `topic`. Example: storyline eval ../shared/data/ecbplus-dev.jsonl --cv 5 --baselines
    """
    from ..events.training import fit
    from ..labelled import baselines, cross_validate, evaluate_labelled

    if repeats > 1 and not cv:
        raise typer.BadParameter("--repeats draws the folds of --cv several ways; give --cv K with it")
    settings = Settings()
    if not train:
        warn(check_model(settings))
    data, *_ = _labelled([gold], cache)
    result: dict = {"file": str(gold)}
    models = None
    trained = _labelled(list(train), cache) if train else []
    if trained:
        models = fit(trained, settings)
        result["trained_on"] = [str(p) for p in train]
    result["model"] = f"fitted on {', '.join(result['trained_on'])}" if trained else settings.model or "the packaged model"
    result.update(evaluate_labelled(data, settings, models, shuffle=seed, n_worst=5))
    if cv:
        result["cv"] = cross_validate(data, cv, settings, shuffle=seed, with_baselines=with_baselines, repeats=repeats)
    if with_baselines:
        result["baselines"] = baselines(data, trained[0] if trained else None)
    if as_json:
        print_json(result)
        return
    from ..showing import show_scores

    show_scores(out, result)


def train_cmd(
    labelled: Annotated[list[Path], typer.Argument(help="Labelled JSONL files (event, and optionally story).", exists=True, dir_okay=False)],
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the models (JSON).")] = Path("storyline-model.json"),
    cv: Annotated[int, typer.Option("--cv", min=0, callback=_folds, help="Grouped K-fold by story on each file, the other files always in training (0: off).")] = 5,
    kind: Annotated[str, typer.Option("--kind", help="logistic (generalises best) or trees (gradient-boosted, closer fit).")] = "logistic",
    repeats: Repeats = 1,
    cache: Cache = None,
) -> None:
    """Fit the event and story models to labelled news and print each feature's weight.

    Point the `model` setting at the file to use it. Example: storyline train mine.jsonl --out mine-model.json
    """
    from ..events.model import KINDS
    from ..events.training import fit
    from ..labelled import cross_validate
    from ..showing import show_model, show_scores

    settings = Settings()
    if not Path(out_file).parent.is_dir():  # found out before the fitting, not after
        raise OutputError(out_file, "no such folder")
    if Path(out_file).is_dir():
        raise OutputError(out_file, "a folder, not a file")
    if kind not in KINDS:  # before the labelled files are read, not after
        raise SettingsError(f"--kind {kind!r}: choose one of {', '.join(KINDS)}")
    if repeats > 1 and not cv:
        raise typer.BadParameter("--repeats draws the folds of --cv several ways; give --cv K with it")
    sets = _labelled(labelled, cache)
    models = fit(sets, settings, kind)
    for i, data in enumerate(sets if cv else []):
        try:
            result = cross_validate(data, cv, settings, extra=tuple(sets[:i] + sets[i + 1:]), kind=kind, repeats=repeats)
        except InputError as exc:  # the fit on all the labels stands; only its out-of-fold figures are missing
            say(err, f"warning: no cross-validated figures for {data.name}: {exc}")
            continue
        models.scores[data.name] = result
        show_scores(out, {"file": data.name, "articles": result["articles"], "cv": result})
    try:
        models.save(out_file)
    except OSError as exc:
        raise OutputError(out_file, exc) from None
    show_model(out, models)
    out.print(f"wrote {out_file}; use it with STORYLINE_MODEL={out_file} or `model = {out_file}` in storyline.cfg")


def register(app: typer.Typer) -> None:
    """Put these commands on ``app``, in the order its help lists them."""
    app.command("eval")(eval_cmd)
    app.command("train")(train_cmd)
