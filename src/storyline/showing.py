"""Readable terminal views of one article (used by ``storyline show``)."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from .models import Article
from .output import printable


def show_article(console: Console, a: Article) -> None:
    meta = Table.grid(padding=(0, 2))
    for label, value in (
        ("id", a.id), ("title", a.title), ("outlet", f"{a.outlet or '-'} ({a.outlet_domain or '-'})"),
        ("published", f"{a.published or '-'} ({a.published_how})"), ("byline", a.byline),
        ("wire", ", ".join(a.wire)), ("language", a.language), ("encoding", a.encoding), ("source", a.source), ("url", a.url),
        ("duplicate of", a.duplicate_of), ("event date", f"{a.event_date or '-'} ({a.event_date_how})"),
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


def show_scores(console: Console, result: dict) -> None:
    """The metrics of ``storyline eval`` and its worst merges and splits."""
    table = Table("level", "B3 P", "B3 R", "B3 F1", "pair F1", "ARI", "gold", "predicted", title=f"{result['articles']} articles")
    for level in ("events", "stories"):
        m = result.get(level)
        if m:
            table.add_row(level, *(f"{m[k]:.3f}" for k in ("bcubed_precision", "bcubed_recall", "bcubed_f1", "pairwise_f1", "ari")),
                          str(m.get("gold_clusters", "")), str(m.get("pred_clusters", "")))  # fmt: skip
    console.print(table)
    for level in ("events", "stories"):
        m = result.get(level) or {}
        for kind in ("worst_merges", "worst_splits"):
            for item in m.get(kind, [])[:5]:
                parts = "; ".join(f"{k}: {len(v)}" for k, v in item["parts"].items())
                console.print(f"{level} {kind[6:-1]}: {item.get('pred') or item.get('gold')} ({item['size']} articles) -> {parts}", markup=False, highlight=False)
