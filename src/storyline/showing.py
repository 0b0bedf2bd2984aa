"""Readable terminal views of one article (used by ``storyline show``)."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from .models import Article
from .output import printable


def show_article(console: Console, a: Article, event_date: str | None = None) -> None:
    """Print article ``a``; ``event_date``: the date of the event it is in, shown beside its own estimate when that
    is unknown (a weekday in an undated article's text names no day)."""
    meta = Table.grid(padding=(0, 2))
    own = f"{a.event_date or '-'} ({a.event_date_how})"
    if not a.event_date and event_date:
        own = f"- ({a.event_date_how} from its text; its event: {event_date})"
    for label, value in (
        ("id", a.id), ("title", a.title), ("outlet", f"{a.outlet or '-'} ({a.outlet_domain or '-'})"),
        ("published", f"{a.published or '-'} ({a.published_how})"), ("byline", a.byline),
        ("wire", ", ".join(a.wire)), ("language", a.language), ("encoding", a.encoding), ("source", a.source), ("url", a.url),
        ("duplicate of", a.duplicate_of), ("event date", own),
        ("event", a.event_id), ("story", a.story_id),
    ):  # fmt: skip
        meta.add_row(label, printable(value) if value else "-")
    console.print(Panel(meta, title="article", expand=False))
    console.print(Panel(printable(a.text), title="clean text"), markup=False, highlight=False)
    if a.removed:
        removed = Table("reason", "removed text", title="removed as clutter")
        for r in a.removed:
            removed.add_row(r.reason, printable(r.text))
        console.print(removed)
    if a.mentions:
        names: dict[tuple[str, str], int] = {}
        for m in a.mentions:
            names[(m.name, m.label)] = names.get((m.name, m.label), 0) + 1
        ents = Table("entity", "type", "mentions", title="entities")
        for (name, label), n in sorted(names.items(), key=lambda kv: -kv[1]):
            ents.add_row(name, label, str(n))
        console.print(ents)
    if a.quotes:
        quotes = Table("speaker", "kind", "cue", "quote", title="quotes")
        for q in a.quotes:
            quotes.add_row(q.speaker or "?", q.kind, q.cue or "", q.text)
        console.print(quotes)
    if a.figures:
        figures = Table("figure", "value", "unit", "kind", "measures", title="figures")
        for f in a.figures:
            figures.add_row(f.text, "" if f.value is None else f"{f.value:g}", f.unit or "", f.kind, f.measures)
        console.print(figures)


LEVELS = ("events", "stories")
PATHS = ("ingest", "rebuild", "cv")


def show_scores(console: Console, result: dict) -> None:
    """The figures of ``storyline eval`` (each path and baseline, both levels) and the worst merges and splits."""
    table = Table("path", "level", "B3 P", "B3 R", "B3 F1", "pair F1", "ARI", "story P (topic)",
                  title=f"{result.get('file', '')}: {result['articles']} articles")
    rows = [(name, result[name]) for name in result if isinstance(result[name], dict) and "events" in result[name]]
    if "cv" in result:
        rows += [(_cv_row(result["cv"]), result["cv"]["ingest"])]
        rows += [(f"cv {k}", v) for k, v in result["cv"].get("baselines", {}).items()]  # short: the path column stays one line
    rows += [(f"baseline {k}", v) for k, v in result.get("baselines", {}).items()]
    for name, figures in rows:
        for level in LEVELS:
            m = figures.get(level)
            if m:
                topic = figures.get("story_topic_precision") if level == "stories" else None
                table.add_row(name, level, *(f"{m[k]:.3f}" if k in m else "" for k in
                                             ("bcubed_precision", "bcubed_recall", "bcubed_f1", "pairwise_f1", "ari")),
                              "" if topic is None else f"{topic:.3f}")  # fmt: skip
    console.print(table)
    for line in _legend(result, [name for name, _ in rows]):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    for level in LEVELS:
        m = (result.get("ingest") or {}).get(level) or {}
        for kind in ("merges", "splits"):
            for item in m.get(kind, [])[:5]:
                parts = "; ".join(f"{k}: {len(v)}" for k, v in item["parts"].items())
                console.print(f"{level} {kind[:-1]}: {item.get('pred') or item.get('gold')} ({item['size']} articles) -> {parts}", markup=False, highlight=False)


def _cv_row(cv: dict) -> str:
    """The name of the out-of-fold row: ``cv 5-fold``, or ``cv 5-fold x3`` with the folds drawn three ways."""
    return f"cv {cv.get('folds')}-fold" + (f" x{cv['repeats']}" if "repeats" in cv else "")


def _legend(result: dict, paths: list[str]) -> list[str]:
    """What the figures of :func:`show_scores` are, for the rows it printed."""
    lines = ["B3 P: for each article, the share of the articles put with it that are of its gold event (story), "
             "averaged over articles; B3 R: the share of its gold event's (story's) articles put with it, averaged; "
             "F1: their harmonic mean. pair F1: the same over pairs of articles. ARI: adjusted Rand index (0: as good "
             "as chance, 1: the gold clustering). story P (topic): B3 precision of the stories against `topic`."]  # fmt: skip
    if "model" in result:
        lines.append(f"model: {result['model']}.")
    if "ingest" in paths or "rebuild" in paths:
        lines.append("ingest: placed in shuffled batches, as `storyline ingest` places them; rebuild: all at once, as "
                     "`storyline rebuild` does.")  # fmt: skip
    if any(p.startswith("cv ") for p in paths):
        lines.append("cv K-fold: out of fold: whole stories held out in turn, the models refitted on the other folds"
                     + (" of this file alone (not on --train or the model setting)" if "model" in result
                        else " and on the other labelled files given") + ", the held-out fold scored as ingested; each figure the mean over folds, weighted by articles.")  # fmt: skip
    if draws := (result.get("cv") or {}).get("draws"):
        each = "; ".join(f"draw {i}: " + ", ".join(f"{level} {f1:.3f}" for level, f1 in d.items()) for i, d in enumerate(draws, 1))
        lines.append(f"cv K-fold xN: the folds drawn N ways, each figure the mean over them all; B3 F1 of each draw: {each}.")
    if any(p.startswith("cv ") and p != _cv_row(result.get("cv") or {}) for p in paths):
        lines.append("cv alone, cv tfidf, ...: each baseline on the same held-out folds, its thresholds fitted on the other "
                     "folds: a fold holds fewer look-alikes inside the date window than the whole file, so these, not "
                     "the in-sample baselines, compare with the cv figures.")  # fmt: skip
    if any(p.startswith("baseline ") for p in paths):
        fitted = (result.get("trained_on") or [None])[0]
        lines.append("baseline alone: every article its own event and story; the others: average-link clustering cut at "
                     "the thresholds that score best on " + (f"{fitted} (the first --train file)" if fitted else
                                                             "this very file (in sample)") + ".")  # fmt: skip
    if any(((result.get("ingest") or {}).get(level) or {}).get(kind) for level in LEVELS for kind in ("merges", "splits")):
        lines.append("Below, the worst of the ingest path: a merge is one found cluster holding several gold ones "
                     "(gold label: articles), a split one gold cluster cut into several found ones.")  # fmt: skip
    return lines


def show_model(console: Console, models) -> None:
    """Each fitted model's feature weights (per standard deviation), largest effect first, and the thresholds."""
    for name in ("join", "merge", "story"):
        model = getattr(models, name)
        if name == "merge" and model.to_dict() == models.join.to_dict():  # fit() fell back to the join model
            console.print("merge model: the join model's weights (the labels gave too few pairs of events, of one event "
                          "and of two, to fit one of its own)", markup=False, highlight=False)  # fmt: skip
            continue
        table = Table("feature", "weight", title=f"{name} model (intercept {model.intercept:+.2f})")
        for feature, weight in model.importance():
            table.add_row(feature, f"{weight:+.3f}")
        console.print(table)
    for name, shares in models.scores.get("together", {}).items():
        figures = ", ".join(f"{model} {share:.1%}" for model, share in shares.items() if share is not None)
        console.print(f"{name}: training pairs that belong together: {figures}", markup=False, highlight=False)
    tried = models.scores.get("thresholds", {})
    for level in ("event", "story"):
        chosen = models.thresholds[level]
        figures = ", ".join(f"{t}: {f1:.3f}" for t, f1 in tried.get(level, {}).items())
        console.print(f"{level} threshold {chosen}" + (f" (mean B³ F1 of each tried: {figures})" if figures else ""),
                      markup=False, highlight=False)
