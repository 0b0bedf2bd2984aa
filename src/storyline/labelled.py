"""Labelled news: read it through the pipeline, fit the models on it, and score clusterings against it.

A labelled JSONL holds, per line, an article (``text`` or ``html``, the usual
hints) and its gold ``event``, and optionally ``story`` (null: unclear, left out
of story scoring) and ``topic`` (the kind of happening: a story never spans two).
A label file may instead name the texts in ``file`` (paths relative to it), like
``examples/gold.jsonl``.

The articles are read, cleaned, described and enriched once, into a store
(temporary, or ``cache`` to keep it for the next run); fitting and scoring then
work on the enriched articles, as :mod:`storyline.events.training` describes.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import reading
from .decoding import decode_bytes
from .errors import InputError, SettingsError
from .evaluation import score, worst
from .events.model import Models
from .events.training import Labelled, as_ingested, as_rebuilt, fit, folds, gold_pieces
from .models import Article
from .settings import Settings
from .storage import open_store

__all__ = ["load_labelled", "evaluate_labelled", "cross_validate", "baselines", "gold_labels", "inputs_of", "labelled_rows"]


def labelled_rows(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(id, row)`` for each line of a labelled JSONL that is a JSON object, the id as ingest gives it (``<file
    name>-<line>`` when the line has none). Other lines are left out here; the ingest names each of them."""
    for _, ident, row in _numbered_rows(path):
        yield ident, row


def _numbered_rows(path: str | Path) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """:func:`labelled_rows` with the line number of each."""
    name = str(path)
    with reading.open_input(name) as f:
        for lineno, line in enumerate(f, 1):
            decoded = decode_bytes(line, f"{name}:{lineno}") if line.strip() else None
            if decoded is None or isinstance(decoded, InputError):
                continue
            try:
                row = json.loads(decoded.text)
            except (ValueError, RecursionError):
                continue
            if isinstance(row, dict):
                ident = row.get("id")
                yield lineno, (str(ident) if ident not in (None, "") else f"{reading.stem(name)}-{lineno}"), row


def gold_labels(path: str | Path, field: str) -> dict[str, str | None]:
    """``{id: label}`` from a labelled JSONL (lines without the field are left out; null stays ``None``)."""
    return {ident: _label(row, field) for ident, row in labelled_rows(path) if field in row}


def _label(row: dict[str, Any], field: str) -> str | None:
    """A line's ``field`` label as a string; null, and a string of nothing but spaces, are None (no label)."""
    value = row[field]
    return None if value is None or (isinstance(value, str) and not value.strip()) else str(value)


LABELS = ("event", "story", "topic")


def check_labels(path: str | Path) -> tuple[list[str], set[str], dict[str, dict[str, str | None]]]:
    """A note for each kind of labelled line that will not be scored as it reads: an id on two lines with other
    labels, and a line with no ``event`` field (a misspelt name) or a null one. Returns the notes; the ids
    given to two different articles with other labels (which article took which line's labels cannot be told,
    so neither is scored nor trained on); and each of :data:`LABELS` as :func:`gold_labels` reads it, in the
    same pass. (An id on two lines of the same text is one article, and the later line's labels count: public
    corpora hold such lines, labelled twice.)"""
    earlier: dict[str, list[tuple[int, dict, Any]]] = {}  # id -> (line, labels, text) of each line of it so far
    relabelled: dict[str, list[str]] = {}
    ambiguous: dict[str, str] = {}
    missing: list[int] = []
    unlabelled: list[int] = []
    fields: set[str] = set()
    texts: dict[str, tuple[int, str, dict]] = {}  # a text -> the first line, id and labels it came with
    copied: list[str] = []
    gold: dict[str, dict[str, str | None]] = {f: {} for f in LABELS}
    for lineno, ident, row in _numbered_rows(path):
        labels = {f: _label(row, f) if f in row else None for f in LABELS}  # "" is no label, as null is
        for f in LABELS:
            if f in row:
                gold[f][ident] = _label(row, f)
        content = [row.get(f) for f in ("text", "html", "file")]
        if row.get("file") and not (row.get("text") or row.get("html")) and _holds_many(str(row["file"])):
            content.append(ident)  # one of the articles of a JSONL file, each under its own id
        # every earlier line of the id, not the first only: a text relabelled and another text labelled as the
        # first line was is still two articles under one id with other labels
        others = [(other, theirs, text) for other, theirs, text in earlier.get(ident, ()) if theirs != labels]
        same = next(((other, theirs) for other, theirs, text in others if text == content), None)
        if same:
            relabelled.setdefault(ident, []).append(f"line {lineno} repeats the id {ident!r} and the text of line "
                                                    f"{same[0]} with other labels ({_differ(same[1], labels)})")  # fmt: skip
        another = next(((other, theirs) for other, theirs, text in others if text != content), None)
        if another:
            ambiguous.setdefault(ident, f"line {lineno}: id {ident!r} also names another article, on line {another[0]}, "
                                        f"with other labels ({_differ(another[1], labels)})")  # fmt: skip
        earlier.setdefault(ident, []).append((lineno, labels, content))
        key = json.dumps(content, sort_keys=True)
        first = texts.setdefault(key, (lineno, ident, labels))
        if first[1] != ident and first[2] != labels and any(content):
            copied.append(f"line {lineno} (id {ident!r}) repeats the text of line {first[0]} (id {first[1]!r}) with "
                          f"other labels ({_differ(first[2], labels)})")
        if "event" not in row:
            missing.append(lineno)
            fields.update(row)
        elif _label(row, "event") is None:
            unlabelled.append(lineno)
    notes = []
    if ambiguous:
        notes.append(f"{path}: {_listed(list(ambiguous.values()))}. Which article has which labels cannot be told, so "
                     "neither is scored or trained on. Give each article its own id")  # fmt: skip
    repeated = [note for ident, said in relabelled.items() if ident not in ambiguous for note in said]
    if repeated:
        notes.append(f"{path}: {_listed(repeated)}. The later line's labels are scored")
    if copied:
        notes.append(f"{path}: {_listed(copied)}. One text is one article, stored under the first id it came with and "
                     "scored by that line's labels; the later line is left out. Give each article its own text, or "
                     "remove the repeated line")
    if missing:
        notes.append(f"{path}: {_lines(missing)} no event field and will not be scored or trained on (their fields: "
                     f"{', '.join(sorted(fields))}). Name the gold event of each article `event`")  # fmt: skip
    if unlabelled:
        notes.append(f"{path}: {_lines(unlabelled)} a null or empty event and will not be scored or trained on")
    return notes, set(ambiguous), gold


def _holds_many(file: str) -> bool:
    """Whether a labelled line's ``file`` holds many articles (JSONL, one per line, each under its id), rather than
    being one article itself."""
    return file.lower().removesuffix(".gz").endswith(".jsonl")


def _differ(theirs: dict, labels: dict) -> str:
    """How two lines' labels differ: ``event 'strike' there, 'ferry' here``."""
    return ", ".join(f"{f} {theirs[f]!r} there, {labels[f]!r} here" for f in LABELS if theirs[f] != labels[f])


def _listed(items: list[str], most: int = 3) -> str:
    """The first ``most`` of ``items`` joined, and how many more."""
    return "; ".join(items[:most]) + (f"; and {len(items) - most} more" if len(items) > most else "")


def _lines(numbers: list[int], most: int = 10) -> str:
    """``line 3 has`` / ``5 lines (1, 2, 3, 4, 5) have``, at most ``most`` numbers named."""
    if len(numbers) == 1:
        return f"line {numbers[0]} has"
    shown = ", ".join(map(str, numbers[:most])) + (", ..." if len(numbers) > most else "")
    return f"{len(numbers)} lines ({shown}) have"


def inputs_of(path: str | Path) -> list[str]:
    """What to ingest for a labelled file: the file itself, or the files its lines name in ``file``."""
    path = Path(path)
    files: list[str] = []
    for _, row in labelled_rows(path):
        if "text" in row or "html" in row:
            return [str(path)]
        if row.get("file"):
            name = str(path.parent / row["file"])
            if name not in files:
                files.append(name)
    return files or [str(path)]


def cache_store(folder: str | Path, path: str | Path) -> Path:
    """The store in ``folder`` that keeps the enriched articles of the labelled file ``path``: one per file, named
    by its stem and its full path (two files of one name in two folders shared one, and each read the other's)."""
    where = hashlib.sha1(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:8]
    return Path(folder) / f"{Path(path).stem}-{where}.db"


def load_labelled(path: str | Path, settings: Settings | None = None, cache: str | Path | None = None,
                  pipeline_factory=None, on_error: Callable[[InputError], None] | None = None,
                  on_warning: Callable[[str], None] | None = None) -> Labelled:  # fmt: skip
    """The enriched articles of a labelled file, with their labels (articles that failed to read are left out, and
    each failure given to ``on_error``; labelled lines that will not be scored, and what the ingest guessed, are
    told to ``on_warning``: :func:`check_labels`).

    ``cache``: a store file kept between runs; an existing one is read as it is.
    """
    from .pipeline import Pipeline

    settings = settings or Settings()
    notes, ambiguous, gold = check_labels(path)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(cache) if cache else Path(tmp) / "labelled.db"
        fresh = not db.exists()
        store = open_store(db)
        if fresh:
            (pipeline_factory or Pipeline)(store, settings).ingest(inputs_of(path), on_error=on_error, on_warning=on_warning)
        articles = list(store.iter_articles(full=True))
        store.close()
    events, stories, topics = gold["event"], gold["story"], gold["topic"]
    given = {}
    for a in articles:  # a clashing id was stored as "<id>~<hash>"
        given[a.id] = a.id if a.id in events else a.id.split("~")[0]
    kept = [a for a in articles if events.get(given[a.id]) is not None and given[a.id] not in ambiguous]
    scored = {given[a.id] for a in kept}
    unread = [i for i, e in events.items() if e is not None and i not in scored and i not in ambiguous]
    if unread:
        notes.append(f"{path}: {len(unread)} labelled articles were not read and will not be scored or trained on "
                     f"({', '.join(unread[:10])}{', ...' if len(unread) > 10 else ''}): each failed (told above) or has "
                     "the same text as another line, which is scored in its place"
                     + ("" if fresh else f", or was added to the file after the cache {db} was made (delete it to read "
                        "the file again)"))  # fmt: skip
    for note in notes if on_warning else ():
        on_warning(note)
    if not kept:  # nothing to fit or score: said, not scored as a perfect 0 of 0
        raise InputError(str(path), "no article with an event label was read",
                         'Give one JSON object per line with text (or html), id and event, such as '
                         '{"id": "a1", "text": "...", "event": "e1", "story": "s1"}')  # fmt: skip
    for a in kept:
        a.event_id = a.story_id = None
    return Labelled(
        kept,
        {a.id: events[given[a.id]] for a in kept},
        {a.id: stories.get(given[a.id]) for a in kept},
        {a.id: topics.get(given[a.id]) for a in kept},
        name=Path(path).name,
    )


def scores(data: Labelled, events: dict[str, str], stories: dict[str, str], n_worst: int = 0) -> dict[str, Any]:
    """Events against ``event``, stories against ``story`` (unknown left out), and story precision against ``topic``."""
    out: dict[str, Any] = {"events": score(data.event, events)}
    gold_stories = {a: s for a, s in data.story.items() if s is not None}
    if gold_stories:
        out["stories"] = score(gold_stories, stories)
    topics = {a: t for a, t in data.topic.items() if t is not None}
    if topics:
        out["story_topic_precision"] = score(topics, stories)["bcubed_precision"]
    if n_worst:
        out["events"].update(worst(data.event, events, n_worst))
        if gold_stories:
            out["stories"].update(worst(gold_stories, stories, n_worst))
    return out


def evaluate_labelled(data: Labelled, settings: Settings | None = None, models: Models | None = None,
                      shuffle: int = 0, n_worst: int = 0) -> dict[str, Any]:  # fmt: skip
    """Score ``data`` as ingested (batches in shuffled order, seed ``shuffle``) and as rebuilt."""
    settings = settings or Settings()
    models = models or Models.load(settings.model)
    ingest = scores(data, *as_ingested(data.articles, settings, models, shuffle=shuffle), n_worst=n_worst)
    rebuilt = scores(data, *as_rebuilt(data.articles, settings, models), n_worst=n_worst)
    return {"articles": len(data.articles), "ingest": ingest, "rebuild": rebuilt}


def window_ceiling(data: Labelled, settings: Settings | None = None) -> dict[str, float]:
    """The best events B³ a clustering that never joins reports further apart than the date window can score:
    the gold events cut where their dated articles lie more than ``event_window_days`` apart, against the gold
    events. Labels that hold a happening and its follow-ups months later as one event cost this much."""
    settings = settings or Settings()
    return score(data.event, gold_pieces(data, int(settings.event_window_days)))


def cross_validate(data: Labelled, k: int, settings: Settings | None = None, shuffle: int = 0,
                   extra: tuple[Labelled, ...] = (), kind: str = "logistic", with_baselines: bool = False,
                   repeats: int = 1) -> dict[str, Any]:  # fmt: skip
    """Grouped ``k``-fold by story: refit on the other folds (and ``extra``), score the held-out fold as
    ingested in shuffled order; the figures are averaged over folds, weighted by articles. Fewer stories than
    ``k`` give one fold per story (``folds`` in the result says how many).

    ``repeats``: the folds drawn that many ways (draw ``r`` groups the stories with seed ``r`` and ingests with
    seed ``shuffle + r``; the first is the single draw), each figure the mean over every fold of every draw, and
    ``draws`` in the result the B³ F1 of each draw at each level: on a few hundred articles a figure moves by a
    point or two from one draw to another, so a change of that size needs more than one draw to be seen.

    ``with_baselines``: the :func:`baselines` too, on the same folds, their thresholds fitted on the other folds
    of this file: a held-out fold holds a fifth of the articles, so fewer look-alikes meet inside the date
    window than in the whole file, and only baselines scored the same way compare with the folds' figures."""
    settings = settings or Settings()
    if k < 2:
        raise SettingsError(f"cross-validation needs at least 2 folds, not {k}. Give --cv 2 or more, or 0 for none")
    if repeats < 1:
        raise SettingsError(f"cross-validation draws its folds at least once, not {repeats} times. Give --repeats 1 or more")
    groups = len(set(data.story_groups()))
    if groups < 2:
        raise InputError(data.name, "cross-validation holds out one story (or event, where the story is unknown) "
                         "after another, and these labels have only one",
                         "Label articles of more stories, or leave cross-validation off (--cv 0)")  # fmt: skip
    k = min(k, groups)
    results, draws, every = [], [], {a.id for a in data.articles}
    compared: dict[str, list[tuple[int, dict]]] = {}
    for r in range(repeats):
        drawn = []
        for i, held in enumerate(folds(data, k, seed=r), 1):
            train = data.subset(every - held)
            try:
                models = fit([train, *extra], settings, kind)
            except InputError as exc:  # the labels of the other folds alone: said so, or the whole file seems at fault
                more = ("give more folds (--cv), so that each refit has more of the labels" if k < groups else
                        "leave cross-validation off (--cv 0): each of its folds already holds one story")
                raise InputError(exc.where, f"{exc.what}, in training with fold {i} of {k} held out",
                                 f"{exc.todo}; or {more}") from None
            test = data.subset(held)
            drawn.append((measured_on(test), scores(test, *as_ingested(test.articles, settings, models, shuffle=shuffle + r))))
            if with_baselines:
                for name, figures in baselines(test, train).items():
                    compared.setdefault(name, []).append((measured_on(test), figures))
        results += drawn
        mean = mean_scores(drawn)
        draws.append({level: mean[level]["bcubed_f1"] for level in ("events", "stories") if level in mean})
    out = {"articles": len(data.articles), "folds": k, "ingest": mean_scores(results)}
    if repeats > 1:
        out |= {"repeats": repeats, "draws": draws}
    if with_baselines:
        out["baselines"] = {name: mean_scores(figures) for name, figures in compared.items()}
    return out


def measured_on(data: Labelled) -> dict[str, int]:
    """How many articles each figure of :func:`scores` is measured on: stories leave out unknown stories, topic
    precision unknown topics (any other figure counts every article)."""
    return {"events": len(data.articles), "stories": sum(s is not None for s in data.story.values()),
            "story_topic_precision": sum(t is not None for t in data.topic.values())}


def mean_scores(results: list[tuple[dict[str, int], dict]]) -> dict:
    """Each figure of the folds' :func:`scores` averaged over the folds that have it, each fold weighted by the
    articles the figure was measured on there (:func:`measured_on`): a fold without story labels neither
    lowers the stories' mean nor, being first, leaves it out."""
    out: dict = {}
    for key in dict.fromkeys(key for _, figures in results for key in figures):
        having = [(counts.get(key, counts["events"]), figures[key]) for counts, figures in results if key in figures]
        having = [(n, value) for n, value in having if n]
        if not having:
            continue
        if isinstance(having[0][1], dict):
            names = dict.fromkeys(m for _, value in having for m, v in value.items() if isinstance(v, float))
            out[key] = {m: _weighted([(n, value[m]) for n, value in having if m in value]) for m in names}
        else:
            out[key] = _weighted(having)
    return out


def _weighted(values: list[tuple[int, float]]) -> float:
    return sum(n * v for n, v in values) / sum(n for n, _ in values)


def baselines(data: Labelled, train: Labelled | None = None) -> dict[str, Any]:
    """Every article alone; TF-IDF average link with a date penalty, MiniLM average link, and the two with
    the capitalised names averaged (``combined``, with the date penalty), their thresholds fitted per level
    on ``train`` (``data`` itself when none is given: in-sample)."""
    from .events.baselines import Tree

    alone = {a.id: a.id for a in data.articles}
    out: dict[str, Any] = {"alone": scores(data, alone, alone)}
    train = train or data
    trees: dict[tuple, Tree] = {}  # one per kind and set of articles: in sample, the events fit's is the scored set's

    def tree(articles: list[Article], kind: str) -> Tree:
        key = (kind, *(a.id for a in articles))
        if key not in trees:
            trees[key] = Tree(articles, kind)
        return trees[key]

    for kind in ("tfidf", "minilm", "combined"):
        cut_events, cut_stories = (tree([a for a in train.articles if gold.get(a.id) is not None], kind).best_cut(gold)
                                   for gold in (train.event, train.story))
        scored = tree(data.articles, kind)
        out[kind] = scores(data, scored.cut(cut_events), scored.cut(cut_stories))
        out[kind]["thresholds"] = {"events": cut_events, "stories": cut_stories}
    return out
