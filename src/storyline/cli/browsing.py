"""Commands that read a store: the listings, one article, event or story, the export, reports, the web
server; and the settings."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import OutputError
from ..export import article_dict, export, quote_dicts
from ..models import Event, Story
from ..outlets import outlet_label
from ..output import emit
from ..settings import SETTINGS, Settings, default_config, settings_markdown
from ..storage import ArticleRow, EntityRow, FigureRow, OutletRow, QuoteRow, SearchHit, fields_of, redact
from .common import (
    AsCsv,
    AsJson,
    AsJsonl,
    AsJsonObject,
    Db,
    Limit,
    day_option,
    none_found,
    out,
    output_format,
    print_json,
    say,
    settings_for,
    store_for,
)


def articles(
    db: Db = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet: its name in any case, or its domain (pier.example).")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).", callback=day_option)] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD).", callback=day_option)] = None,
    limit: Limit = 200,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """List stored articles. Example: storyline articles --outlet DW --json"""
    rows = store_for(db).list_articles(limit=limit, outlet=outlet, since=since, until=until)
    none_found(rows, limit, {"--outlet": outlet, "--since": since, "--until": until},
                "`storyline outlets` lists the outlets as stored and the dates each covers")
    cols = ("id", "published", "published_how", "outlet", "title", "wire", "duplicate_of", "event_id")
    emit(out, rows, output_format(as_json, as_jsonl, as_csv), cols, title="articles", fields=fields_of(ArticleRow))


def search(
    query: Annotated[str, typer.Argument(help="Words to find (any order), or with --meaning what to find articles about.")],
    db: Db = None,
    meaning: Annotated[bool, typer.Option("--meaning", help="Rank by closeness in meaning of headline and lead (the article vectors), not by the words.")] = False,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet: its name in any case, or its domain.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).", callback=day_option)] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD).", callback=day_option)] = None,
    language: Annotated[str | None, typer.Option(help="Only articles in this language (en, de ...).")] = None,
    limit: Limit = 20,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """Search the articles, best match first: by their words (a snippet around the words found), or by meaning
    (every article ranked by closeness, 1 the same meaning). Example: storyline search "flood wall" --since 2024-01-01"""
    if not query.strip():
        raise typer.BadParameter("give words to search for (`storyline articles` lists articles by outlet and date)")
    from ..searching import MeaningSearch, search_articles

    store = store_for(db)
    filters = {"outlet": outlet, "language": language, "since": since, "until": until}
    mode = "meaning" if meaning else "words"
    rows = search_articles(store, MeaningSearch(store, settings_for(db)), query, mode, limit, **filters)
    none_found(rows, limit, {"words": query, "--outlet": outlet, "--since": since, "--until": until,
                              "--language": language},  # fmt: skip
                "try fewer filters (`storyline outlets` lists the outlets and the dates each covers)" if meaning else
                "try other words, or --meaning (every article ranked), or fewer filters")  # fmt: skip
    rows, fmt = [{k: v for k, v in r.items() if k != "highlights"} for r in rows], output_format(as_json, as_jsonl, as_csv)
    if fmt == "table":  # a reader sees the score as it ranks (the snippet is in --json, --jsonl and --csv)
        rows = [r | {"score": f"{r['score']:.2f}"} for r in rows]
    emit(out, rows, fmt, ("id", "score", "published", "outlet", "title"), title="search",
         fields=[f for f in fields_of(SearchHit) if f != "highlights"])


def outlets(db: Db = None, as_json: AsJson = False, as_jsonl: AsJsonl = False, as_csv: AsCsv = False) -> None:
    """Articles per outlet, with copies, undated articles and the dates covered. Example: storyline outlets"""
    rows, fmt = store_for(db).outlet_counts(), output_format(as_json, as_jsonl, as_csv)
    if fmt == "table":  # a reader sees a name; --json, --jsonl and --csv keep the outlet null (empty)
        rows = [r | {"outlet": outlet_label(r["outlet"], r["outlet_domain"])} for r in rows]
    emit(out, rows, fmt, title="articles per outlet", fields=fields_of(OutletRow))


def show(article_id: str, db: Db = None, as_json: AsJsonObject = False) -> None:
    """Show one article: metadata, clean text, what was removed and why, entities, quotes, figures.

    Example: storyline show 000_report
    """
    store = store_for(db)
    article = store.get_article(article_id)
    if as_json:
        data = article_dict(article) | {
            "quotes": quote_dicts(store, article), "figures": [vars(f) for f in article.figures],
            "mentions": [vars(m) for m in article.mentions], "times": [vars(t) for t in article.times],
        }  # fmt: skip
        print_json(data)
        return
    from ..showing import show_article

    show_article(out, article, store.get_event(article.event_id).date if article.event_id else None)


def export_cmd(
    db: Db = None,
    format: Annotated[str, typer.Option("--format", help="Only json for now; the contract's format.")] = "json",
    output: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Export the whole store as one JSON object. Example: storyline export --format json > all.json"""
    if format != "json":
        raise typer.BadParameter("only --format json is supported")
    text = json.dumps(export(store_for(db)), ensure_ascii=False, indent=1, default=str)
    if output:
        _write(output, text)
    else:
        sys.stdout.write(text + "\n")


def entities(
    db: Db = None,
    type: Annotated[str | None, typer.Option("--type", help="Only this type: PERSON, ORG, GPE ..., or person, organisation, place (GPE, LOC and FAC).")] = None,
    limit: Limit = 200,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """Canonical entities with their aliases and mention counts. Example: storyline entities --type PERSON"""
    rows = store_for(db).entities(limit=limit, type=type)
    none_found(rows, limit, {"--type": type}, "`storyline entities` shows the types in the store")
    emit(out, rows, output_format(as_json, as_jsonl, as_csv), ("id", "name", "type", "count", "aliases"), title="entities",
         fields=fields_of(EntityRow))


def quotes(
    db: Db = None,
    speaker: Annotated[str | None, typer.Option("--speaker", help="Only quotes by this speaker (any part of the name).")] = None,
    limit: Limit = 200,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """Quotes with their speakers, cues and kinds. Example: storyline quotes --speaker Lavrov"""
    rows = store_for(db).quotes(speaker=speaker, limit=limit)
    none_found(rows, limit, {"--speaker": speaker}, "`storyline entities --type PERSON` lists the people named")
    emit(out, rows, output_format(as_json, as_jsonl, as_csv), ("article_id", "speaker", "kind", "cue", "text"), title="quotes",
         fields=fields_of(QuoteRow))


def figures(
    db: Db = None, limit: Limit = 200, as_json: AsJson = False, as_jsonl: AsJsonl = False, as_csv: AsCsv = False
) -> None:
    """Figures (money, percentages, counts) with what they measure. Example: storyline figures --csv"""
    rows = store_for(db).figures(limit=limit)
    cols = ("article_id", "text", "value", "unit", "kind", "measures")
    emit(out, rows, output_format(as_json, as_jsonl, as_csv), cols, title="figures", fields=fields_of(FigureRow))


def events(
    db: Db = None,
    story: Annotated[str | None, typer.Option("--story", help="Only the events of this story.")] = None,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """Events in date order with their articles. Example: storyline events --json"""
    store = store_for(db)
    if story is not None:
        store.get_story(story)  # a story that is not there is named, not listed as having no events
    rows = [vars(e) | {"sources": len(e.articles)} for e in store.events(story_id=story)]
    cols = ("id", "date", "place", "sources", "title", "story_id")
    emit(out, rows, output_format(as_json, as_jsonl, as_csv), cols, title="events", fields=(*fields_of(Event), "sources"))


def stories(db: Db = None, as_json: AsJson = False, as_jsonl: AsJsonl = False, as_csv: AsCsv = False) -> None:
    """Stories with their events in date order. Example: storyline stories"""
    rows = [vars(s) | {"n_events": len(s.events)} for s in store_for(db).stories()]
    emit(out, rows, output_format(as_json, as_jsonl, as_csv), ("id", "n_events", "title", "events"), title="stories",
         fields=(*fields_of(Story), "n_events"))


def story(story_id: str, db: Db = None, as_json: AsJsonObject = False) -> None:
    """The timeline of one story: its events in date order, each with its articles. Example: storyline story s-1a2b"""
    store = store_for(db)
    st = store.get_story(story_id)
    timeline = []
    for event_id in st.events:
        e = store.get_event(event_id)
        arts = [store.get_article(a, full=False) for a in e.articles]
        timeline.append(vars(e) | {"articles": [{"id": a.id, "outlet": a.outlet, "title": a.title} for a in arts]})
    if as_json:
        print_json({"story": vars(st), "timeline": timeline})
        return
    say(out, f"story {st.id}: {st.title}")
    for e in timeline:
        say(out, f"\n{e['date'] or 'undated'}  {e['title']}  ({e['place'] or '-'}; {len(e['articles'])} sources)")
        for a in e["articles"]:
            say(out, f"    {a['id']}  {a['outlet'] or '-'}: {a['title']}")


def report(
    story_id: Annotated[str | None, typer.Argument(help="The story to report on (see `storyline stories`).")] = None,
    db: Db = None,
    format: Annotated[str | None, typer.Option("--format", help="md, html or json (default md; with --all, all three).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Write every story's report and an index to --out.")] = False,
    output: Annotated[Path | None, typer.Option("--out", help="File (one story) or folder (--all) to write.")] = None,
) -> None:
    """A story's report: timeline, cited event summaries, what sources agree and differ on.

    Example: storyline report --all --out reports/   or   storyline report s-1a2b --format html --out story.html
    """
    from ..narration import FORMATS, build_report, render, write_all

    if format is not None and format not in FORMATS:
        raise typer.BadParameter(f"{format!r}: choose one of {', '.join(FORMATS)}", param_hint="--format")
    store = store_for(db)
    if all_:
        if story_id:
            raise typer.BadParameter("--all writes every story: name no story with it")
        folder = output or Path("reports")
        try:
            index = write_all(store, folder, (format,) if format else FORMATS)
        except OSError as exc:
            raise OutputError(folder, exc) from None
        out.print(f"wrote {store.count('stories')} story reports; open {index}", markup=False, highlight=False)
        return
    if not story_id:
        raise typer.BadParameter("name a story id, or use --all")
    text = render(build_report(store, story_id), format or "md")
    if output:
        _write(output, text)
        out.print(f"wrote {output}", markup=False, highlight=False)
    else:
        sys.stdout.write(text + "\n")


def serve(
    db: Db = None,
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port to listen on.")] = None,
    watch: Annotated[Path | None, typer.Option("--watch", help="Also ingest each file that lands in this folder, through the same warm pipeline as HTTP posts.")] = None,
) -> None:
    """Serve the web pages and the JSON API. Example: storyline serve --port 8000, then open http://127.0.0.1:8000/"""
    from ..web.app import serve as run

    if watch is not None and not watch.is_dir():
        raise typer.BadParameter(f"--watch {watch}: not a folder")
    run(Settings(db=db, host=host, port=port), watch=str(watch) if watch is not None else None)


def settings_cmd(
    cfg: Annotated[bool, typer.Option("--cfg", help="Print a commented config file.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the settings as a Markdown table.")] = False,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """List every setting with its value, default and help. Example: storyline settings --cfg > storyline.cfg"""
    fmt = output_format(as_json, as_jsonl, as_csv)
    if markdown:
        sys.stdout.write(settings_markdown())
        return
    if cfg:
        sys.stdout.write(default_config() + "\n")
        return
    current = Settings().as_dict()
    current["db"] = redact(str(current["db"]))  # a listing may be shared: no password, no token
    current["api_token"] = "(set)" if current["api_token"] else ""
    rows = [{"name": s.name, "value": current[s.name], "default": s.default, "help": s.help} for s in SETTINGS]
    cols = ("name", "value", "default", "help")
    emit(out, rows, fmt, cols, title="settings", fields=cols)


def _write(path: Path, text: str) -> None:
    """Write ``text`` to the file ``path``; a path that cannot be written is one error naming it."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(path, exc) from None


def register(app: typer.Typer) -> None:
    """Put these commands on ``app``, in the order its help lists them."""
    app.command()(articles)
    app.command()(search)
    app.command()(outlets)
    app.command()(show)
    app.command("export")(export_cmd)
    app.command()(entities)
    app.command()(quotes)
    app.command()(figures)
    app.command()(events)
    app.command()(stories)
    app.command()(story)
    app.command()(report)
    app.command()(serve)
    app.command("settings")(settings_cmd)
