"""The HTML pages: server-rendered with Jinja2 (autoescape on), no JavaScript.

Each route asks :mod:`storyline.web.views` for its data and renders one
template; template names are constants, never taken from the request.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from ..errors import BadParameter, NotFound
from ..export import quote_dicts
from ..reading import CONTROL
from . import charts, views
from .marking import mark_paragraphs
from .security import require_read
from .snapshots import ConsistentRoute

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
router = APIRouter(dependencies=[Depends(require_read)], include_in_schema=False, route_class=ConsistentRoute)
Opt = Annotated[str | None, Query(max_length=200)]
NO_ARTICLE = "Articles are not listed on their own: pick one from a story, an event or a search."
ENTITY_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits only: str.isdigit() takes "²" (int() fails) and "٣" (int() reads 3)


def nice_date(value: str | None) -> str:
    """``2021-04-06`` -> ``6 April 2021``; ``2021-04`` -> ``April 2021``; anything else as given."""
    if not value:
        return "undated"
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ].*)?", value)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return value
    month = MONTHS[int(m.group(2)) - 1]
    return f"{int(m.group(3))} {month} {m.group(1)}" if m.group(3) else f"{month} {m.group(1)}"


# how a publication date was found, as a reader is told ("inferred": from its event, or from the weekday the text
# names with a caption's day)
DATE_HOW = {"stated": "stated in the article", "html-meta": "from the page's metadata", "url": "from its address",
            "inferred": "inferred"}


def date_how(how: str | None) -> str:
    """How a publication date was found, in a reader's words ("from the page's metadata"), or "" when unknown."""
    return DATE_HOW.get(how or "", "")


def snippet(value: str | None, highlights: list | None = None) -> Markup:
    """A search hit's snippet, escaped, with its highlighted ``(start, end)`` spans in ``<mark>``."""
    text, parts, pos = value or "", [], 0
    for start, end in sorted(tuple(h) for h in highlights or []):
        if start < pos or end > len(text):
            continue
        parts += [escape(text[pos:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        pos = end
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


def citations(item: Any) -> list[dict]:
    """Every source an item cites (itself, ``also``, ``sources``), once each, in order."""
    if not isinstance(item, dict):
        return []
    found = [item] if item.get("article_id") else []
    for key in ("also", "sources"):
        value = item.get(key)
        if isinstance(value, list):
            found += [c for c in value if isinstance(c, dict) and c.get("article_id")]
    seen: set[str] = set()
    return [c for c in found if not (c["article_id"] in seen or seen.add(c["article_id"]))]


def when(item: Any) -> str:
    """The date of a timeline item at its own precision: ``2018``, ``March 2018`` or ``6 March 2018``."""
    date = item.get("date") if isinstance(item, dict) else None
    granularity = item.get("granularity") if isinstance(item, dict) else None
    if date and granularity == "year":
        return date[:4]
    if date and granularity == "month":
        return nice_date(date[:7])
    return nice_date(date)


def web_url(value: str | None) -> str | None:
    """The URL if it is http(s), else None: an input's url is never rendered as javascript: or data:."""
    return value if value and re.match(r"https?://", value, re.I) else None


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # an ISO 639 code; "other:pl" or "other" is no language a page can declare


def lang(language: str | None) -> Markup:
    """`` lang="de"`` for an element holding an article's own words when its language is known, else nothing: the
    page around them is English, and a reader or a screen reader should not read German text as English."""
    return Markup(f' lang="{language}"') if language and LANGUAGE_CODE.fullmatch(language) else Markup("")


KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place",
         "NORP": "group", "EVENT": "event", "PRODUCT": "product", "LAW": "law", "WORK_OF_ART": "work"}


def kind_name(label: str | None) -> str:
    return KINDS.get(label or "", (label or "").lower())


def make_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)  # fmt: skip
    env.filters.update(nice_date=nice_date, date_how=date_how, snippet=snippet, chart=charts.bar_chart, citations=citations,
                       web_url=web_url, kind=kind_name, when=when, lang=lang, u=lambda v: quote(str(v), safe=""))
    return env


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    env: Environment = request.app.state.templates
    html = env.get_template(template).render(path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, offset: Annotated[int, Query(ge=0, le=views.MAX_OFFSET)] = 0) -> HTMLResponse:
    state = request.app.state
    data = views.home(state.store, int(state.settings.page_size), offset)
    return render(request, "home.html", title="Stories", offset=offset, limit=int(state.settings.page_size), **data)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, story_id: str) -> HTMLResponse:
    data = views.story(request.app.state.store, story_id, request.app.state.memo)
    return render(request, "story.html", title=data["story"]["title"] or story_id, **data)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, event_id: str) -> HTMLResponse:
    data = views.event(request.app.state.store, event_id, request.app.state.memo)
    return render(request, "event.html", title=data["event"]["title"] or event_id, **data)


@router.get("/articles", response_class=HTMLResponse)
def no_article() -> HTMLResponse:
    """``/articles`` (no id) is a 404 that says where articles are found, not a redirect to ``/articles/``."""
    raise HTTPException(404, NO_ARTICLE)


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article(
    request: Request, article_id: str, removed: Annotated[int, Query(ge=0, le=1)] = 0,
    at: Annotated[str | None, Query(max_length=40, pattern=r"^\d+-\d+$")] = None,
) -> HTMLResponse:  # fmt: skip
    if not article_id:
        raise HTTPException(404, NO_ARTICLE)
    store = request.app.state.store
    a = store.get_article(article_id)
    event = store.get_event(a.event_id) if a.event_id else None
    story = store.get_story(event.story_id) if event and event.story_id else None
    original = store.get_article(a.duplicate_of, full=False) if a.duplicate_of else None
    return render(
        request, "article.html", title=a.title or a.id, a=a, original=original, paragraphs=mark_paragraphs(a, _span(at)),
        entities=views.entities_in(a), quotes=quote_dicts(store, a), show_removed=bool(removed), event=event, story=story,
        kept_at=f"&at={at}#cited" if _span(at) else "",  # showing the clutter or not keeps the cited words marked
    )  # fmt: skip


def _span(at: str | None) -> tuple[int, int] | None:
    """``"120-180"`` -> (120, 180): the cited span a citation link points at."""
    if not at:
        return None
    start, end = (int(x) for x in at.split("-"))
    return (start, end) if start < end else None


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity(request: Request, entity_id: str) -> HTMLResponse:
    if not ENTITY_ID.fullmatch(entity_id):
        raise NotFound("entity", entity_id)
    data = views.entity(request.app.state.store, int(entity_id))
    return render(request, "entity.html", title=data["entity"]["name"], **data)


@router.get("/entities", response_class=HTMLResponse)
def entities(request: Request, kind: Opt = None, offset: Annotated[int, Query(ge=0, le=views.MAX_OFFSET)] = 0
             ) -> HTMLResponse:  # fmt: skip
    state = request.app.state
    limit = int(state.settings.page_size)
    data = views.entities(state.store, kind, limit, offset)
    title = data["kinds"][kind].capitalize() if kind in data["kinds"] else "Who and where"
    return render(request, "entities.html", title=title, offset=offset, limit=limit, **data)


@router.get("/outlets", response_class=HTMLResponse)
def outlets(request: Request, offset: Annotated[int, Query(ge=0, le=views.MAX_OFFSET)] = 0) -> HTMLResponse:
    state = request.app.state
    limit = int(state.settings.page_size)
    data = views.outlets(state.store, limit, offset)
    return render(request, "outlets.html", title="Outlets", offset=offset, limit=limit, **data)


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request, q: Annotated[str, Query(max_length=500)] = "", mode: str = "words",
    since: Opt = None, until: Opt = None, outlet: Opt = None, language: Opt = None,
    offset: Annotated[int, Query(ge=0, le=views.MAX_OFFSET)] = 0,
) -> HTMLResponse:  # fmt: skip
    state = request.app.state
    limit = int(state.settings.page_size)
    mode = "meaning" if mode == "meaning" else "words"
    status = 200
    try:
        filters = {"since": views.day("since", since), "until": views.day("until", until), "outlet": outlet or None,
                   "language": language}  # fmt: skip
        if q.strip() or not any(filters.values()):
            data = views.search(state.store, state.meaning, q, mode, limit, offset, filters)
        else:  # no words, but filters: every article they let through
            data = views.browse(state.store, mode, limit, offset, filters)
    except BadParameter as exc:  # the form again, as filled in, with what is wrong: not a bare error page
        shown = {k: CONTROL.sub("", v) if v else v for k, v in
                 {"q": q, "since": since, "until": until, "outlet": outlet, "language": language}.items()}  # fmt: skip
        q, status = shown.pop("q") or "", 400
        filters = shown | {"outlet": shown["outlet"] or None}
        data = {"q": q, "mode": mode, "filters": filters, "results": [], "more": False, "error": str(exc),
                "browse": False}  # fmt: skip
    outlets = views.outlet_choices(state.store, filters["outlet"])
    return render(request, "search.html", status, title=f"Search: {q}" if q else "Search", offset=offset, limit=limit,
                  outlets=outlets, **data)  # fmt: skip


@router.get("/static/style.css")
def stylesheet(request: Request) -> Response:
    """The one stylesheet, read once at start-up: no request path ever reaches the file system."""
    return Response(request.app.state.stylesheet, media_type="text/css",
                    headers={"Cache-Control": "public, max-age=3600"})  # fmt: skip
