"""The web app: pages and a JSON API over one store.

:func:`create_app` wires the parts explicitly when it is called (no import side
effects): the store that pages read, the settings, the pipeline that HTTP
ingest writes through, the security middleware and the error pages.
:func:`serve` is what ``storyline serve`` runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import BadParameter, NotFound, StoreBusy, StorylineError
from ..searching import MeaningSearch
from ..settings import Settings
from ..storage import store_errors, store_failure
from . import api, pages, views
from .ingesting import Ingestor
from .security import HEADERS, BodyLimit, BodyTooLarge, SecurityHeaders, require_read

DESCRIPTION = """Stories, events, articles, entities, quotes, figures and outlets of a storyline store, as JSON.

The objects are those of `storyline export --format json`. Listings are paginated with `limit` and `offset`
and give the URL of the next page in `next`; `format=jsonl` and `format=csv` give the same rows like the CLI's
`--jsonl` and `--csv`. `POST /api/articles` ingests a JSONL body (gzip-compressed if sent with
`Content-Encoding: gzip`) and needs `Authorization: Bearer TOKEN` (the `api_token` setting)."""
RETRY_AFTER = 5  # seconds a client is asked to wait before posting again to a store another writer holds


def create_app(store: Any, settings: Settings | None = None, pipeline: Any = None) -> FastAPI:
    """A FastAPI app serving ``store``.

    ``pipeline`` (a :class:`~storyline.pipeline.Pipeline`, or a callable returning one) is what
    ``POST /api/articles`` writes through; by default a Pipeline over ``store`` is built on the
    first post. Ingest stays off unless the ``api_token`` setting is set.
    """
    settings = settings or Settings()
    app = FastAPI(title="storyline", description=DESCRIPTION, version="1", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.store = store
    app.state.settings = settings
    app.state.meaning = MeaningSearch(store, settings)
    app.state.memo = views.Memo(512)
    app.state.moved = views.Moved()
    app.state.ingestor = Ingestor(pipeline if pipeline is not None else _lazy_pipeline(store, settings), settings)
    app.state.templates = pages.make_environment()
    app.state.stylesheet = (pages.STATIC / "style.css").read_text(encoding="utf-8")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(require_read)])
    def openapi() -> JSONResponse:  # behind the read token, like every other read
        return JSONResponse(app.openapi())

    _add_error_handlers(app)
    app.add_middleware(BodyLimit, limit=int(settings.max_request_bytes))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    return app


class HeadAsGet:
    """ASGI middleware answering HEAD as GET without the body: the same status and headers (Content-Length
    included), for every route at once. FastAPI's routes answer only the methods they declare, so HEAD was a 405."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def _lazy_pipeline(store: Any, settings: Settings) -> Callable[[], Any]:
    def build() -> Any:
        from ..pipeline import Pipeline

        return Pipeline(store, settings)

    return build


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
    """An error page or JSON error, with the security headers (a 500 is sent from outside their middleware)."""
    headers = {k.decode(): v.decode() for k, v in HEADERS} | (headers or {})
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    titles = {400: "Bad request", 401: "Token needed", 403: "Not allowed", 404: "Not found", 413: "Too large",
              408: "Too slow", 415: "Wrong content type", 422: "Bad request", 500: "Server error",
              503: "Busy"}
    html = request.app.state.templates.get_template("error.html").render(
        path=request.url.path, title=titles.get(status, "Error"), status=status, message=message
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        asked = unquote(request.url.path.rsplit("/", 1)[-1])
        if (exc.kind in ("event", "story") and str(exc.ident) == asked  # read in a thread: the pool may be busy
                and (now := await run_in_threadpool(request.app.state.moved, request.app.state.store, asked))):  # fmt: skip
            # a retired id (its event merged into another): the page, or object, of where it went; only for the id
            # asked for, never for another one a page read on the way (an event's story)
            return RedirectResponse(request.url.path.rsplit("/", 1)[0] + "/" + quote(now, safe=""), status_code=307)
        return _error(request, 404, f"There is no {exc.kind} with id {exc.ident!r} in this store.")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "The request cannot be answered."
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = f"Nothing lives at {request.url.path}."
        return _error(request, exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "invalid request", "detail": _plain_errors(exc)}, status_code=422)
        return _error(request, 400, f"Some of the page's parameters are not valid: {_named_errors(exc)}.")

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return _error(request, 413, f"{exc}; send fewer articles per request, or raise max_request_bytes.")

    @app.exception_handler(BadParameter)
    async def bad_parameter(request: Request, exc: BadParameter) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(StoreBusy)
    async def store_busy(request: Request, exc: StoreBusy) -> Response:  # passing: the same request later succeeds
        return _error(request, 503, str(exc), {"Retry-After": str(RETRY_AFTER)})

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError) -> Response:
        return _error(request, 500, str(exc))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        failure = store_failure(str(request.app.state.settings.db), exc) if isinstance(exc, store_errors()) else None
        if isinstance(failure, StoreBusy):  # another writer held the store while a post waited: passing
            return await store_busy(request, failure)
        logging.getLogger("storyline.web").error("%s %s failed", request.method, request.url.path, exc_info=exc)
        if failure is not None:
            return _error(request, 500, str(failure))
        return _error(request, 500, "storyline failed on this request; the server's log has the details.")


def _plain_errors(exc: RequestValidationError) -> list[dict]:
    return [{"where": ".".join(str(p) for p in e.get("loc", ())), "error": e.get("msg", "")} for e in exc.errors()]


def _named_errors(exc: RequestValidationError) -> str:
    """Each bad parameter by its name and what it wants, for a page (``offset (input should be greater than or
    equal to 0)``), as the API's 422 lists them."""
    named = []
    for e in exc.errors():
        wanted = e.get("msg") or "not valid"
        named.append(f"{e.get('loc', ('?',))[-1]} ({wanted[:1].lower()}{wanted[1:]})")
    return "; ".join(named)


def serve(settings: Settings | None = None, watch: str | None = None) -> None:
    """Run the web app with uvicorn on ``settings.host``:``settings.port`` over ``settings.db``.

    Pages read through one connection and HTTP ingest writes through another, so
    (with SQLite's WAL) pages keep being served while an ingest runs. The reading
    connection is read-only: without an ``api_token`` or ``watch`` (no ingest) a
    store on read-only media is served as it is, and a store file that does not
    exist is refused as the read commands refuse it (a typo in ``--db`` served an
    empty site and left an empty store behind); with one, the store is created or
    migrated first, for the ingest to write to.

    With an ``api_token`` the ingest pipeline loads its models in a background
    thread at start-up, so the first post is not the one that waits for them;
    with ``watch`` a folder is watched too (see :mod:`storyline.watching`), through
    the same warm pipeline, one batch at a time with the posts.
    """
    import threading

    import uvicorn

    from ..storage import is_postgres, open_store

    settings = settings or Settings()
    if settings.api_token or watch is not None or is_postgres(settings.db):
        open_store(settings.db).close()
    reads = open_store(settings.db, read_only=True)

    def pipeline() -> Any:
        from ..pipeline import Pipeline

        return Pipeline(open_store(settings.db), settings)

    app = create_app(reads, settings, pipeline=pipeline)
    views.narration()  # imported now (about a second: scikit-learn), not by the first event or story page asked for
    ingestor = app.state.ingestor
    if watch is not None:
        say = lambda line: print(line, flush=True)  # noqa: E731
        threading.Thread(target=ingestor.watch, args=(watch, say), name="watch", daemon=True).start()
    elif settings.api_token:
        threading.Thread(target=ingestor.warm, name="warm-up", daemon=True).start()
    uvicorn.run(app, host=settings.host, port=int(settings.port), log_level="info", server_header=False)
