"""Real web pages: storyline against trafilatura and htmldate, side by side, in one run.

Reads ``../shared/data/pages/pages-dev.jsonl`` (each line names a page in ``files/<id>.html.gz``
and its expected answers) and runs, on the same bytes:

- storyline's own stages (read -> clean -> describe), as `storyline ingest` runs them on an HTML file;
- trafilatura's ``extract`` in its three settings (default, ``favor_recall``, ``favor_precision``) and
  its ``extract_metadata`` for titles and authors;
- htmldate's ``find_date``, fast (``extensive_search=False``) and extensive (its default).

Figures, each with storyline's ratio to the best of the others:

- text on the scrapinghub pages (ground-truth ``body``): 4-word shingles (lower-cased ``\\w+`` tokens,
  counted with multiplicity), precision, recall and F1 per page, averaged over pages (the
  benchmark's own measure);
- text on the trafilatura pages: trafilatura's snippet measure, each ``with`` snippet found is a
  true positive, each ``without`` snippet found a false positive, summed over pages;
- dates (right, wrong, none) on the pages that have an expected date, and how many of the pages whose expected
  date is empty (the page states none) each system gives a date anyway;
- titles and authors, exact match after normalising case and spaces (authors as the list of names,
  "Von A und B" = "A, B", full stops as spaces: "T. V. Raman" = "T V Raman");
- pages lost (storyline raised on them).

The worst pages are listed with the reason: the removed pieces that held the missing text, the
way the wrong date was found. Writes ``bench/results/pages.json``. Takes about 3 minutes on 2 cores.
Run: ``.venv/bin/python bench/pages.py`` (``--limit N`` for a quick look; ``--gva`` adds the GVA
check: which lines of ``gva-dev.jsonl`` cleaning rejects, and why).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE.parent.parent / "shared" / "data"
SHINGLE = 4
WORST = 12


# ---------------------------------------------------------------- loading

def load_pages(data: Path = DATA, limit: int | None = None) -> list[dict]:
    """The dev pages, each with its ``html`` bytes decoded as storyline decodes them."""
    from storyline.decoding import decode_bytes

    folder = data / "pages"
    pages = []
    with open(folder / "pages-dev.jsonl", encoding="utf-8") as f:
        for line in f:
            page = json.loads(line)
            raw = gzip.decompress((folder / page["file"]).read_bytes())
            decoded = decode_bytes(raw, page["file"])
            page["html"] = getattr(decoded, "text", raw.decode("utf-8", "replace"))
            pages.append(page)
            if limit and len(pages) >= limit:
                break
    return pages


# ---------------------------------------------------------------- the systems

def run_storyline(page: dict, settings) -> dict:
    """storyline's read -> clean -> describe on one page, as ingest runs them; ``error`` when it failed."""
    from storyline import cleaning, metadata
    from storyline.errors import StorylineError
    from storyline.models import Article

    article = Article(id=page["id"], source=page["file"], raw=page["html"], format="html", url=page.get("url"))
    try:
        cleaning.clean(article)
        metadata.describe(article, settings)
    except StorylineError as exc:
        return {"text": "", "error": str(exc)}
    return {"text": article.text, "removed": [(r.text, r.reason) for r in article.removed], "title": article.title,
            "authors": list(getattr(article, "authors", None) or ([article.byline] if article.byline else [])),
            "date": article.published, "date_how": article.published_how, "language": article.language}


def run_others(page: dict) -> dict:
    """trafilatura (three settings, metadata) and htmldate (fast, extensive) on one page."""
    import trafilatura
    from htmldate import find_date

    html, url = page["html"], page.get("url")
    out = {}
    for name, options in (("default", {}), ("recall", {"favor_recall": True}), ("precision", {"favor_precision": True})):
        out[f"trafilatura_{name}"] = trafilatura.extract(html, url=url, include_comments=False, include_tables=True,
                                                         **options) or ""
    meta = trafilatura.extract_metadata(html, default_url=url)
    out["trafilatura_title"] = getattr(meta, "title", None) if meta else None
    out["trafilatura_author"] = getattr(meta, "author", None) if meta else None
    out["trafilatura_date"] = getattr(meta, "date", None) if meta else None
    for name, extensive in (("fast", False), ("extensive", True)):
        try:
            out[f"htmldate_{name}"] = find_date(html, url=url, extensive_search=extensive, original_date=True)
        except Exception as exc:  # noqa: BLE001 - a competitor's crash is its answer "none", and is counted
            out[f"htmldate_{name}"] = None
            out[f"htmldate_{name}_error"] = repr(exc)
    return out


# ---------------------------------------------------------------- measures

def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def shingles(text: str, n: int = SHINGLE) -> Counter:
    words = _tokens(text)
    return Counter(tuple(words[i:i + n]) for i in range(max(len(words) - n + 1, 0)))


def shingle_scores(truth: str, found: str) -> dict:
    """Precision, recall and F1 of ``found`` against ``truth`` on 4-word shingles (with multiplicity)."""
    t, f = shingles(truth), shingles(found)
    tp = sum((t & f).values())
    p = tp / sum(f.values()) if f else (1.0 if not t else 0.0)
    r = tp / sum(t.values()) if t else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _flat(text: str) -> str:
    return " ".join((text or "").split())


def snippet_counts(page: dict, text: str) -> dict:
    """trafilatura's evaluation: ``with`` snippets found (tp) or not (fn), ``without`` ones found (fp) or not (tn)."""
    flat = _flat(text)
    found_with = [_flat(s) in flat for s in page["with"]]
    found_without = [_flat(s) in flat for s in page["without"]]
    return {"tp": sum(found_with), "fn": len(found_with) - sum(found_with),
            "fp": sum(found_without), "tn": len(found_without) - sum(found_without)}


def snippet_scores(counts: list[dict]) -> dict:
    tp, fn, fp, tn = (sum(c[k] for c in counts) for k in ("tp", "fn", "fp", "tn"))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "accuracy": (tp + tn) / (tp + fn + fp + tn) if tp + fn + fp + tn else 0.0}


def date_verdict(expected: str, found: str | None) -> str:
    if not found:
        return "none"
    return "right" if found[:10] == expected[:10] else "wrong"


_AUTHOR_PREFIX = re.compile(r"^(?:von|by|par|por|di|door|text|texte|autor(?:in)?|author)\s*:?\s+", re.I)


def author_names(value) -> list[str]:
    """The names of an author field or list, normalised: "Von A und B" and ["a", "b"] both give ["a", "b"]."""
    if not value:
        return []
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        item = _AUTHOR_PREFIX.sub("", " ".join(str(item).split()))
        parts = re.split(r"\s*(?:[,;&/|]|\band\b|\bund\b|\bet\b|\by\b)\s*", item)
        names += [" ".join(n.replace(".", " ").split()).casefold() for n in parts if n.strip(" .")]
    return names


def same_title(expected: str, found: str | None) -> bool:
    return bool(found) and _flat(expected).casefold() == _flat(found).casefold()


# ---------------------------------------------------------------- the run

TEXT_SYSTEMS = ("storyline", "trafilatura_default", "trafilatura_recall", "trafilatura_precision")
DATE_SYSTEMS = ("storyline", "htmldate_fast", "htmldate_extensive", "trafilatura_date")


def evaluate(pages: list[dict], settings=None, others: bool = True) -> dict:
    """Run the systems over ``pages`` and score them; the result is what ``pages.json`` holds."""
    from storyline.settings import Settings

    settings = settings or Settings()
    rows, seconds = [], Counter()
    for page in pages:
        t = time.perf_counter()
        row = {"id": page["id"], "suite": page["suite"], "storyline": run_storyline(page, settings)}
        seconds["storyline"] += time.perf_counter() - t
        if others:
            t = time.perf_counter()
            row |= run_others(page)
            seconds["others"] += time.perf_counter() - t
        rows.append(row)
    by_id = {p["id"]: p for p in pages}
    systems_text = TEXT_SYSTEMS if others else ("storyline",)
    result = {"pages": len(pages), "seconds": dict(seconds),
              "lost": [{"id": r["id"], "error": r["storyline"]["error"]} for r in rows if "error" in r["storyline"]]}
    result["text_scrapinghub"] = _text_figures(rows, by_id, systems_text)
    result["text_snippets"] = _snippet_figures(rows, by_id, systems_text)
    result["dates"] = _date_figures(rows, by_id, DATE_SYSTEMS if others else ("storyline",))
    result["titles"], result["authors"] = _meta_figures(rows, by_id, others)
    return result


def _text_of(row: dict, system: str) -> str:
    return row["storyline"]["text"] if system == "storyline" else row.get(system) or ""


def _text_figures(rows, by_id, systems) -> dict:
    scored = [r for r in rows if r["suite"] == "scrapinghub"]
    per = {s: [shingle_scores(by_id[r["id"]]["body"], _text_of(r, s)) for r in scored] for s in systems}
    figures = {s: {k: _mean([x[k] for x in v]) for k in ("precision", "recall", "f1")} for s, v in per.items()}
    worst = sorted(range(len(scored)), key=lambda i: per["storyline"][i]["f1"])[:WORST]
    figures["worst"] = [{"id": scored[i]["id"], **{k: round(v, 3) for k, v in per["storyline"][i].items()},
                         "trafilatura_f1": round(max(per[s][i]["f1"] for s in systems[1:]), 3) if len(systems) > 1 else None,
                         "reason": _text_reason(by_id[scored[i]["id"]]["body"], scored[i]["storyline"])} for i in worst]
    return {"pages": len(scored), **figures}


def _text_reason(truth: str, found: dict) -> str:
    """Why text was lost or added: the removed pieces (by reason) holding shingles of the truth."""
    if "error" in found:
        return f"lost: {found['error']}"
    t = shingles(truth)
    lost = Counter()
    for text, reason in found.get("removed", []):
        hit = sum((shingles(text) & t).values())
        if hit:
            lost[reason] += hit
    missing = sum((t - shingles(found["text"])).values())
    extra = sum((shingles(found["text"]) - t).values())
    parts = [f"{missing} truth shingles missing"]
    if lost:
        parts.append("removed by " + ", ".join(f"{k} ({v})" for k, v in lost.most_common(4)))
    parts.append(f"{extra} extra shingles")
    return "; ".join(parts)


def _snippet_figures(rows, by_id, systems) -> dict:
    scored = [r for r in rows if r["suite"] == "trafilatura"]
    counts = {s: [snippet_counts(by_id[r["id"]], _text_of(r, s)) for r in scored] for s in systems}
    figures = {s: snippet_scores(c) for s, c in counts.items()}
    bad = sorted(range(len(scored)), key=lambda i: -(counts["storyline"][i]["fn"] + counts["storyline"][i]["fp"]))
    worst = []
    for i in bad[:WORST]:
        page, found = by_id[scored[i]["id"]], scored[i]["storyline"]
        missed = [s for s in page["with"] if _flat(s) not in _flat(found["text"])]
        reasons = [next((reason for text, reason in found.get("removed", []) if _flat(s)[:60] in _flat(text)), "not extracted")
                   for s in missed]
        worst.append({"id": page["id"], **counts["storyline"][i], "missed_because": dict(Counter(reasons)),
                      "kept_unwanted": [s[:80] for s in page["without"] if _flat(s) in _flat(found["text"])][:3],
                      "error": found.get("error")})
    figures["worst"] = worst
    return {"pages": len(scored), **figures}


def _date_figures(rows, by_id, systems) -> dict:
    dated = [r for r in rows if by_id[r["id"]].get("date")]

    def found(row, system):
        if system == "storyline":
            return row["storyline"].get("date")
        return row.get(system)

    figures = {}
    for s in systems:
        verdicts = Counter(date_verdict(by_id[r["id"]]["date"], found(r, s)) for r in dated)
        figures[s] = {k: verdicts[k] for k in ("right", "wrong", "none")} | \
            {"accuracy": verdicts["right"] / len(dated) if dated else 0.0}
    how = Counter((r["storyline"].get("date_how"), date_verdict(by_id[r["id"]]["date"], r["storyline"].get("date")))
                  for r in dated)
    figures["storyline_by_how"] = {f"{h}:{v}": n for (h, v), n in sorted(how.items(), key=str)}
    undated = [r for r in rows if by_id[r["id"]].get("date") == ""]  # the benchmark's truth: the page states no date
    figures["undated"] = {"pages": len(undated)} | {s: sum(bool(found(r, s)) for r in undated) for s in systems}
    figures["worst"] = [{"id": r["id"], "expected": by_id[r["id"]]["date"], "storyline": r["storyline"].get("date"),
                         "how": r["storyline"].get("date_how"), "htmldate_extensive": r.get("htmldate_extensive"),
                         "reason": "wrong date" if r["storyline"].get("date") else "no date found"}
                        for r in dated if date_verdict(by_id[r["id"]]["date"], r["storyline"].get("date")) != "right"]
    return {"pages": len(dated), **figures}


def _meta_figures(rows, by_id, others) -> tuple[dict, dict]:
    titled = [r for r in rows if by_id[r["id"]].get("title")]
    authored = [r for r in rows if by_id[r["id"]].get("author")]
    titles = {"pages": len(titled), "storyline": _mean([same_title(by_id[r["id"]]["title"], r["storyline"].get("title"))
                                                         for r in titled])}
    authors = {"pages": len(authored), "storyline": _mean([author_names(by_id[r["id"]]["author"]) ==
                                                           author_names(r["storyline"].get("authors")) for r in authored])}
    if others:
        titles["trafilatura"] = _mean([same_title(by_id[r["id"]]["title"], r.get("trafilatura_title")) for r in titled])
        authors["trafilatura"] = _mean([author_names(by_id[r["id"]]["author"]) == author_names(r.get("trafilatura_author"))
                                        for r in authored])
    titles["worst"] = [{"id": r["id"], "expected": by_id[r["id"]]["title"], "storyline": r["storyline"].get("title")}
                       for r in titled if not same_title(by_id[r["id"]]["title"], r["storyline"].get("title"))]
    authors["worst"] = [{"id": r["id"], "expected": by_id[r["id"]]["author"], "storyline": r["storyline"].get("authors"),
                         "trafilatura": r.get("trafilatura_author")}
                        for r in authored if author_names(by_id[r["id"]]["author"]) !=
                        author_names(r["storyline"].get("authors"))]
    return titles, authors


def _mean(values) -> float:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else 0.0


# ---------------------------------------------------------------- GVA: what cleaning rejects

def gva_rejections(data: Path = DATA) -> dict:
    """Lines of ``gva-dev.jsonl`` whose text cleaning rejects (line number, characters, reason)."""
    from storyline.cleaning import clean_text

    rejected = []
    lines = 0
    with open(data / "gva-dev.jsonl", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            lines += 1
            obj = json.loads(line)
            body = obj.get("text") or ""
            text, removed = clean_text(body, title=obj.get("title"))
            if not text.strip():
                rejected.append({"line": lineno, "chars": len(body.strip()), "start": " ".join(body.split())[:100],
                                 "reasons": dict(Counter(r.reason for r in removed))})
    return {"lines": lines, "rejected": rejected}


# ---------------------------------------------------------------- report

def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "-"


def report(result: dict) -> str:
    out = [f"{result['pages']} pages, storyline lost {len(result['lost'])}"]
    for key, title in (("text_scrapinghub", "text, 4-word shingles (scrapinghub, mean per page)"),
                       ("text_snippets", "text, snippets (trafilatura pages, summed)")):
        fig = result[key]
        out.append(f"\n{title}: {fig['pages']} pages")
        best = max((s for s in TEXT_SYSTEMS[1:] if s in fig), key=lambda s: fig[s]["f1"], default=None)
        for s in TEXT_SYSTEMS:
            if s in fig:
                out.append(f"  {s:24} P {fig[s]['precision']:.3f}  R {fig[s]['recall']:.3f}  F1 {fig[s]['f1']:.3f}")
        if best:
            out.append(f"  storyline / {best}: F1 ratio {_ratio(fig['storyline']['f1'], fig[best]['f1'])}")
    dates = result["dates"]
    out.append(f"\ndates: {dates['pages']} dated pages")
    for s in DATE_SYSTEMS:
        if s in dates:
            d = dates[s]
            out.append(f"  {s:24} right {d['right']:4}  wrong {d['wrong']:4}  none {d['none']:4}  accuracy {d['accuracy']:.3f}")
    undated = dates["undated"]
    out.append(f"  on the {undated['pages']} pages that state no date, a date given by: " +
               ", ".join(f"{s} {undated[s]}" for s in DATE_SYSTEMS if s in undated))
    if "htmldate_extensive" in dates:
        out.append("  storyline / htmldate_extensive: accuracy ratio "
                   f"{_ratio(dates['storyline']['accuracy'], dates['htmldate_extensive']['accuracy'])}")
    for key in ("titles", "authors"):
        fig = result[key]
        line = f"\n{key}: {fig['pages']} pages, exact match storyline {fig['storyline']:.3f}"
        if "trafilatura" in fig:
            line += f", trafilatura {fig['trafilatura']:.3f} (ratio {_ratio(fig['storyline'], fig['trafilatura'])})"
        out.append(line)
    out.append("\nworst pages:")
    for w in result["text_scrapinghub"]["worst"][:6]:
        out.append(f"  text {w['id']} F1 {w['f1']} (trafilatura {w['trafilatura_f1']}): {w['reason']}")
    for w in result["text_snippets"]["worst"][:6]:
        out.append(f"  snippets {w['id']} missed {w['fn']} kept-unwanted {w['fp']}: {w['missed_because']}")
    for w in result["dates"]["worst"][:8]:
        out.append(f"  date {w['id']} expected {w['expected']} storyline {w['storyline']} ({w['how']}) "
                   f"htmldate {w['htmldate_extensive']}")
    if "gva" in result:
        g = result["gva"]
        out.append(f"\ngva-dev: {len(g['rejected'])} of {g['lines']} lines rejected by cleaning")
        for r in g["rejected"]:
            out.append(f"  line {r['line']} ({r['chars']} chars) {r['reasons']} {r['start'][:60]!r}")
    return "\n".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=str(DATA))
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--gva", action="store_true", help="also list the gva-dev lines that cleaning rejects")
    p.add_argument("--out", default=str(HERE / "results" / "pages.json"))
    args = p.parse_args(argv)
    data = Path(args.data)
    if not (data / "pages" / "pages-dev.jsonl").exists():
        print(f"no pages at {data / 'pages'}", file=sys.stderr)
        return 2
    result = evaluate(load_pages(data, args.limit))
    if args.gva:
        result["gva"] = gva_rejections(data)
    Path(args.out).parent.mkdir(exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(report(result))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
