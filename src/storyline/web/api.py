"""The JSON API under ``/api/``: the objects of ``storyline export``, paginated.

Listings take ``limit`` and ``offset`` and answer ``{"items": [...], "limit",
"offset", "next"}`` where ``next`` is the URL of the following page (or null);
``format=jsonl`` and ``format=csv`` mirror the CLI's ``--jsonl`` and ``--csv``
(the next page is then in the ``Link`` header). Detail routes answer the export
object with what its page shows added beside it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from ..errors import NotFound
from ..export import ARTICLE_KEYS, FIGURE_KEYS, article_dict
from ..models import Event, Story
from ..output import render
from ..reading import HINT_FIELDS
from ..storage import EntityRow, OutletRow, SearchHit, fields_of
from . import views
from .ingesting import GZIP
from .security import BEARER, require_read, require_write
from .snapshots import ConsistentRoute


def printable_query(request: Request) -> None:
    """Refuse a query parameter holding a control character, on every route (:func:`.views.refuse_controls`)."""
    views.refuse_controls(request.query_params.multi_items())


ERROR = {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}}
REFUSED = {400: {"description": "A parameter holds a control character, or since / until is not a day or they are the "
                                "wrong way round", "content": ERROR}}  # fmt: skip
router = APIRouter(prefix="/api", dependencies=[Depends(require_read), Depends(printable_query)],
                   route_class=ConsistentRoute, responses=REFUSED)

Limit = Annotated[int | None, Query(ge=1, le=1000, description="Items per page (default: the page_size setting).")]
Offset = Annotated[int, Query(ge=0, le=views.MAX_OFFSET, description="Items to skip.")]
Format = Annotated[Literal["json", "jsonl", "csv"], Query(description="json (default), jsonl or csv, like the CLI.")]
Opt = Annotated[str | None, Query()]
Day = Annotated[str | None, Query(description="A day, YYYY-MM-DD (empty: no filter).")]
QUOTE_FIELDS = (*views.QUOTE_KEYS, "outlet", "published")
FIGURE_FIELDS = (*FIGURE_KEYS, "outlet", "published")
BODY_SECONDS = 60  # a post's body must arrive within this: a stalled one would hold a connection for ever
NOT_FOUND = {404: {"description": "No such id in the store", "content": ERROR}}
MOVED = {307: {"description": "The id was retired by a merge: the object that now holds its first article"}}
NOT_FILTER = {404: {"description": "The story, event or article a filter names is not in the store", "content": ERROR}}
MOVED_FILTER = NOT_FILTER | {307: {"description": "The story or event id a filter names was retired by a merge: the same "
                                                  "listing filtered by the id that now holds it"}}  # fmt: skip
INGEST_BODY = {"requestBody": {"required": True, "content": {"application/x-ndjson": {
    "schema": {"type": "string", "description": "JSON lines: one object per line, with text or html and optionally id, "
               f"url, {', '.join(HINT_FIELDS)}. May be compressed with Content-Encoding: {' or '.join(GZIP)}."},
    "example": '{"id": "a1", "text": "The council opened the new library on Monday.", "date": "2024-01-08"}\n',
}}}}  # fmt: skip
INGEST_ANSWERS = {
    200: {"description": "Every line was stored (or already was): stored, duplicates, unchanged, renamed, errors "
                         "(none) and warnings, each with its line"},
    400: {"description": "A Content-Encoding: gzip body that is not valid gzip", "content": ERROR},
    401: {"description": "No Bearer token was sent", "content": ERROR},
    403: {"description": "The token is wrong, ingest is off (no api_token setting), or another site sent the post",
          "content": ERROR},
    408: {"description": f"The body did not arrive within {BODY_SECONDS} s", "content": ERROR},
    413: {"description": "The body, inflated if gzip, is larger than the max_request_bytes setting", "content": ERROR},
    415: {"description": "The body was not sent as application/x-ndjson, or with a Content-Encoding other than gzip",
          "content": ERROR},
    422: {"description": "Some lines failed: errors lists each with its line; the other lines are stored"},
    503: {"description": "Another writer held the store too long: nothing was stored; post again after Retry-After "
                         "seconds", "content": ERROR},
}  # fmt: skip


def _page(request: Request, limit: int | None) -> int:
    return limit or int(request.app.state.settings.page_size)


def listing(request: Request, rows: list[dict], limit: int, offset: int, fmt: str, fields: tuple[str, ...]) -> Response:
    """One page of ``rows`` (fetched with one extra row, which says whether a next page exists); ``fields``: every
    field of a row, a CSV's header with rows or none."""
    items, more = rows[:limit], len(rows) > limit
    nxt = None
    if more:
        params = dict(request.query_params) | {"offset": str(offset + limit), "limit": str(limit)}
        nxt = f"{request.url.path}?{urlencode(params)}"
    headers = {"Link": f'<{nxt}>; rel="next"'} if nxt else {}
    if fmt == "json":
        return JSONResponse({"items": items, "limit": limit, "offset": offset, "next": nxt}, headers=headers)
    media = "application/x-ndjson" if fmt == "jsonl" else "text/csv; charset=utf-8"
    body = render(items, fmt, fields=fields)
    return Response(body + ("\n" if body else ""), media_type=media, headers=headers)


def _sliced(items: list, limit: int, offset: int) -> list:
    return items[offset : offset + limit + 1]


def unknown_filter(request: Request, kind: str, param: str, ident: str | None) -> Response | None:
    """None when the listing's filter ``param`` names a stored ``kind`` (or is not given). A retired event or
    story id is a redirect (307) to the same listing filtered by where it went; any other id a 404 that names it,
    as ``storyline events --story`` does, not an empty page that reads as 'nothing there'."""
    if not ident:
        return None
    store = request.app.state.store
    try:
        {"story": store.get_story, "event": store.get_event, "article": store.get_article}[kind](ident)
        return None
    except NotFound:
        now = request.app.state.moved(store, ident) if kind in ("event", "story") else None
    if now:
        there = request.url.include_query_params(**{param: now})
        return RedirectResponse(f"{there.path}?{there.query}", status_code=307)
    raise HTTPException(404, f"There is no {kind} with id {ident!r} in this store.")


@router.get("/stories", summary="Stories, by id")
def list_stories(request: Request, limit: Limit = None, offset: Offset = 0, format: Format = "json") -> Response:
    n = _page(request, limit)
    rows = [dataclasses.asdict(s) for s in _sliced(request.app.state.store.stories(), n, offset)]
    return listing(request, rows, n, offset, format, fields_of(Story))


@router.get("/stories/{story_id}", summary="A story with its timeline", responses=NOT_FOUND | MOVED)
def get_story(request: Request, story_id: str) -> dict:
    data = views.story(request.app.state.store, story_id, request.app.state.memo)
    return data["story"] | {"timeline": data["timeline"], "background": data["background"]}


@router.get("/events", summary="Events, oldest first", responses=MOVED_FILTER)
def list_events(
    request: Request, story_id: Opt = None, limit: Limit = None, offset: Offset = 0, format: Format = "json"
) -> Response:
    if moved := unknown_filter(request, "story", "story_id", story_id):
        return moved
    n = _page(request, limit)
    rows = [dataclasses.asdict(e) for e in _sliced(request.app.state.store.events(story_id), n, offset)]
    return listing(request, rows, n, offset, format, fields_of(Event))


@router.get("/events/{event_id}", summary="An event: summary with citations, sources, comparison, quotes",
            responses=NOT_FOUND | MOVED)
def get_event(request: Request, event_id: str) -> dict:
    data = views.event(request.app.state.store, event_id, request.app.state.memo)
    return data["event"] | {k: data[k] for k in ("sources", "summary", "quotes")}


@router.get("/articles", summary="Articles, by publication date", responses=MOVED_FILTER)
def list_articles(
    request: Request, outlet: Opt = None, language: Opt = None, since: Day = None, until: Day = None,
    event_id: Opt = None, limit: Limit = None, offset: Offset = 0, format: Format = "json",
) -> Response:  # fmt: skip
    if moved := unknown_filter(request, "event", "event_id", event_id):
        return moved
    store, n = request.app.state.store, _page(request, limit)
    found = store.list_articles(n + 1, offset, outlet=outlet, language=language, since=views.day("since", since),
                                until=views.day("until", until), event_id=event_id)  # fmt: skip
    rows = [article_dict(store.get_article(r["id"], full=False)) for r in found]
    return listing(request, rows, n, offset, format, ARTICLE_KEYS)


@router.get("/articles/{article_id:path}", summary="An article with its mentions, quotes, figures and times",
            responses=NOT_FOUND)
def get_article(request: Request, article_id: str) -> dict:
    store = request.app.state.store
    data = views.article_json(store, store.get_article(article_id))
    return data.pop("article") | data


@router.post("/articles", summary="Ingest articles: a JSONL body, one article per line", status_code=200,
             dependencies=[Depends(require_write), Depends(BEARER)], openapi_extra=INGEST_BODY,
             responses=INGEST_ANSWERS)  # fmt: skip
async def post_articles(request: Request) -> JSONResponse:
    """Each line is a JSON object with ``text`` or ``html`` and optionally ``id``, ``url``, ``title``,
    ``date``, ``outlet`` (as for ``storyline ingest``); it may be gzip-compressed (``Content-Encoding: gzip``).
    Needs ``Authorization: Bearer TOKEN``.
    Answers 200 when every line was stored (or already was), 422 when any line failed: the others are
    stored anyway and each failure is listed with its line number."""
    try:
        body = await asyncio.wait_for(request.body(), BODY_SECONDS)
    except ClientDisconnect:  # nobody is left to answer: told in one line, not as a failure of the server
        logging.getLogger("storyline.web").info("POST %s: the client left before its body arrived", request.url.path)
        return JSONResponse({"error": "the client left before its body arrived"}, status_code=400)
    except TimeoutError:
        raise HTTPException(408, f"the body did not arrive within {BODY_SECONDS} s; send it at once, or in smaller "
                                 "posts") from None
    encoding = request.headers.get("content-encoding", "")
    result = await run_in_threadpool(request.app.state.ingestor.ingest, body, encoding)
    return JSONResponse(result, status_code=200 if result["ok"] else 422)


@router.get("/entities", summary="Entities, most mentioned first")
def list_entities(
    request: Request, type: Opt = None, limit: Limit = None, offset: Offset = 0, format: Format = "json"
) -> Response:
    n = _page(request, limit)
    rows = request.app.state.store.entities(limit=n + 1, offset=offset, type=type)
    return listing(request, rows, n, offset, format, fields_of(EntityRow))


@router.get("/entities/{entity_id}", summary="An entity with its mentions and quotes", responses=NOT_FOUND)
def get_entity(request: Request, entity_id: Annotated[int, Path(ge=1, le=views.MAX_ID)]) -> dict:
    data = views.entity(request.app.state.store, entity_id)
    return data["entity"] | {"mentions": data["mentions"], "quotes": data["quotes"]}


@router.get("/quotes", summary="Quotes, by publication date", responses=NOT_FILTER)
def list_quotes(
    request: Request, speaker: Opt = None, article_id: Opt = None, limit: Limit = None, offset: Offset = 0,
    format: Format = "json",
) -> Response:  # fmt: skip
    unknown_filter(request, "article", "article_id", article_id)
    n = _page(request, limit)
    found = request.app.state.store.quotes(speaker=speaker, article_id=article_id, limit=n + 1, offset=offset)
    return listing(request, [{k: q[k] for k in QUOTE_FIELDS} for q in found], n, offset, format, QUOTE_FIELDS)


@router.get("/figures", summary="Figures (money, percentages, counts) with what they measure, by publication date",
            responses=NOT_FILTER)
def list_figures(
    request: Request, article_id: Opt = None, limit: Limit = None, offset: Offset = 0, format: Format = "json"
) -> Response:
    unknown_filter(request, "article", "article_id", article_id)
    n = _page(request, limit)
    found = request.app.state.store.figures(article_id=article_id, limit=n + 1, offset=offset)
    return listing(request, [{k: f[k] for k in FIGURE_FIELDS} for f in found], n, offset, format, FIGURE_FIELDS)


@router.get("/outlets", summary="Articles per outlet, with copies, undated articles and the dates covered")
def list_outlets(request: Request, limit: Limit = None, offset: Offset = 0, format: Format = "json") -> Response:
    n = _page(request, limit)
    rows = _sliced(request.app.state.store.outlet_counts(), n, offset)
    return listing(request, rows, n, offset, format, fields_of(OutletRow))


@router.get("/search", summary="Search articles by words (FTS5) or by meaning (vectors)",
            responses={503: {"description": "Search by meaning cannot run here (its model is not installed)",
                             "content": ERROR}})
def search(
    request: Request, q: Annotated[str, Query(max_length=500)], mode: Literal["words", "meaning"] = "words",
    outlet: Opt = None, language: Opt = None, since: Day = None, until: Day = None,
    limit: Limit = None, offset: Offset = 0, format: Format = "json",
) -> Response:  # fmt: skip
    n, state = _page(request, limit), request.app.state
    filters = {"outlet": outlet, "language": language, "since": views.day("since", since),
               "until": views.day("until", until)}
    found = views.search(state.store, state.meaning, q, mode, n, offset, filters)
    if found["error"]:
        return JSONResponse({"error": found["error"]}, status_code=503)
    rows = found["results"] + ([{}] if found["more"] else [])
    return listing(request, rows, n, offset, format, fields_of(SearchHit))
