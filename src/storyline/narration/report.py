"""Story reports: one dict (the JSON form), rendered to Markdown or one self-contained HTML file.

``build_report`` reads a story from the store and, per event, chooses the
summary, key quotes and figures and compares the sources; it adds the story's
background (mentioned and expected happenings), the agreements that span
events, and a sources section listing every cited sentence with its span.
``render`` turns that dict into ``json``, ``md`` or ``html``; templates escape
every value (article text is untrusted). ``write_all`` writes every story and
an index.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..models import Event, Story
from ..output import plural
from .compare import compare, story_agreements
from .sources import Sources, load_sources
from .summary import key_figures, key_quotes, summarise
from .svg import timeline_svg
from .timeline import background, event_head, order_events

FORMATS = ("json", "md", "html")
SUFFIX = {"json": ".json", "md": ".md", "html": ".html"}


def event_entry(sources: Sources, event: Event) -> dict:
    """One timeline entry: the event's head, summary, quotes, figures and source comparison."""
    return {**event_head(sources, event), "summary": summarise(sources), "quotes": key_quotes(sources),
            "figures": key_figures(sources), **compare(sources)}  # fmt: skip


def event_summary(store, event_id: str) -> dict:
    """``{event, summary, quotes, figures, comparison: {agreements, differences, unique, copies}}`` for one event."""
    event = store.get_event(event_id)
    sources = load_sources(store, [event])
    entry = event_entry(sources, event)
    comparison = {k: entry.pop(k) for k in ("agreements", "differences", "unique", "copies")}
    summary, quotes, figures = entry.pop("summary"), entry.pop("quotes"), entry.pop("figures")
    return {"event": entry, "summary": summary, "quotes": quotes, "figures": figures, "comparison": comparison,
            "articles": source_list(sources, [])}  # fmt: skip


def story_head(story: Story, sources: Sources) -> dict:
    dates = sorted(e.date for e in sources.events if e.date)
    return {
        "id": story.id, "title": story.title, "events": len(story.events), "articles": len(sources.articles),
        "outlets": sorted({sources.label(a.id) for a in sources.articles if sources.label(a.id)}),
        "first": dates[0] if dates else None, "last": dates[-1] if dates else None,
    }  # fmt: skip


def build_report(store, story_id: str) -> dict:
    """The report of one story as a JSON-ready dict (see the module docstring for its parts)."""
    story = store.get_story(story_id)
    events = order_events([store.get_event(e) for e in story.events])
    sources = load_sources(store, events)
    timeline = [event_entry(sources.subset(e), e) for e in events]
    report = {
        "story": story_head(story, sources),
        "timeline": timeline,
        "background": background(sources, events),
        "agreements": story_agreements(sources),
    }
    report["sources"] = source_list(sources, _citations(report))
    return report


def _citations(obj) -> list[dict]:
    """Every citation (a dict with ``article_id`` and a span) anywhere in the report."""
    out: list[dict] = []
    if isinstance(obj, dict):
        if "article_id" in obj and "start" in obj:
            out.append(obj)
        for v in obj.values():
            out += _citations(v)
    elif isinstance(obj, list):
        for v in obj:
            out += _citations(v)
    return out


def source_list(sources: Sources, citations: list[dict]) -> list[dict]:
    """Every article with its metadata and the sentences the report cites from it, in text order."""
    cited: dict[str, dict[tuple[int, int], str]] = {}
    for c in citations:
        a = sources.by_id.get(c["article_id"])
        if a is None:
            continue
        s, e = c.get("sentence_start", c["start"]), c.get("sentence_end", c["end"])
        cited.setdefault(a.id, {})[(s, e)] = a.text[s:e]
    out = []
    for a in sources.articles:
        spans = sorted(cited.get(a.id, {}).items())
        out.append({
            "article_id": a.id, "title": a.title, "outlet": sources.label(a.id), "url": a.url,
            "published": a.published, "event_id": a.event_id, "duplicate_of": a.duplicate_of, "wire": a.wire,
            "sentences": [{"start": s, "end": e, "text": t} for (s, e), t in spans],
        })  # fmt: skip
    return out


# --- rendering -----------------------------------------------------------------------------
def anchor(article_id: str, start: int | None = None) -> str:
    """A safe HTML id for an article (``src-…``) or one of its sentences (``src-…-<start>``)."""
    slug = re.sub(r"[^A-Za-z0-9_-]", "_", str(article_id))[:60]
    if slug != str(article_id):
        slug += "-" + hashlib.sha1(str(article_id).encode()).hexdigest()[:6]
    return f"src-{slug}" + (f"-{start}" if start is not None else "")


def event_anchor(event_id: str) -> str:
    return "ev-" + anchor(event_id)[4:]


def _md(value) -> str:
    """Markdown-escape a value: backslash before every character Markdown or HTML would act on."""
    if value is None:
        return ""
    if isinstance(value, MdSafe):
        return value
    text = " ".join(str(value).split())
    return re.sub(r"([\\`*_{}\[\]<>#|~&])", r"\\\1", text)


class MdSafe(str):
    """Markdown written by the template itself, exempt from escaping."""


def _environment(fmt: str) -> Environment:
    if fmt == "html":
        env = Environment(loader=PackageLoader("storyline.narration", "templates"), autoescape=True,
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)  # fmt: skip
    else:
        env = Environment(loader=PackageLoader("storyline.narration", "templates"), autoescape=False,
                          finalize=_md, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)  # fmt: skip
        env.filters["raw"] = MdSafe
    env.filters["anchor"] = anchor
    env.filters["event_anchor"] = event_anchor
    env.filters["when"] = when
    env.filters["label"] = label
    env.filters["measure_after"] = measure_after
    env.filters["plural"] = plural
    env.filters["figure_sources"] = lambda cites: ", ".join(sorted({c["outlet"] or c["article_id"] for c in cites}))
    return env


def label(cite: dict) -> str:
    """How a citation is shown: the outlet, else a short form of the article id."""
    if cite.get("outlet"):
        return cite["outlet"]
    aid = str(cite["article_id"])
    return aid if len(aid) <= 14 else aid[:12] + "…"


def measure_after(measures: str | None, text: str) -> str:
    """What a figure measures, as shown after its ``text``: nothing when the text ends with it already (a count's
    "11 counts" measures "counts"; "11 counts counts" says it twice)."""
    measures = (measures or "").strip()
    said = measures and re.search(rf"(?<!\w){re.escape(measures)}$", text, re.I)  # "11 accounts" does not say "counts"
    return "" if said else measures


def when(item: dict) -> str:
    """A date shown at the precision it is known: ``2018``, ``2022-02`` or ``2023-12-27``."""
    d = item.get("date") or ""
    return {"year": d[:4], "month": d[:7]}.get(item.get("granularity") or "day", d)


def render(report: dict, fmt: str) -> str:
    """The report as ``json``, ``md`` or ``html`` (one self-contained file, everything escaped)."""
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    env = _environment(fmt)
    svg = timeline_svg(report) if fmt == "html" else None
    return env.get_template(f"report.{fmt}.j2").render(r=report, svg=svg)


def write_all(store, out_dir: str | Path, formats: tuple[str, ...] = FORMATS) -> Path:
    """Write every story's report in ``formats`` to ``out_dir`` plus ``index.html`` and ``index.md``; return the index."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for story in store.stories():
        report = build_report(store, story.id)
        name = "story-" + anchor(story.id)[4:]
        for fmt in formats:
            (out / f"{name}{SUFFIX[fmt]}").write_text(render(report, fmt), encoding="utf-8")
        rows.append({**report["story"], "file": name})
    rows.sort(key=lambda r: (r["last"] is None, r["last"] or ""), reverse=False)
    for fmt in ("html", "md"):
        linked = SUFFIX[fmt if fmt in formats else formats[0]]  # a story's title links to a report that was written
        page = _environment(fmt).get_template(f"index.{fmt}.j2").render(stories=rows, formats=formats, suffix=SUFFIX,
                                                                        linked=linked)  # fmt: skip
        (out / f"index.{fmt}").write_text(page, encoding="utf-8")
    return out / "index.html"
