"""Safety for the web app: token checks, security headers, request size limits.

* The API token (setting ``api_token``) is compared in constant time
  (:func:`hmac.compare_digest`). It is sent as ``Authorization: Bearer TOKEN``;
  for reads (pages), also as the password of HTTP Basic auth, so that a
  browser can prompt for it.
* Writes (``POST /api/articles``) always need the token, and only as a Bearer
  header: a browser adds Basic credentials to any request on its own, so a page
  on another site could post with them. Writes also need a JSONL content type
  (a cross-site form cannot send one) and are refused when an ``Origin`` or
  ``Sec-Fetch-Site`` header says another site sent them. An empty token setting
  turns ingest over HTTP off. Reads need the token only when ``token_for_reads``
  is on (the OpenAPI document included).
* Every response carries a Content-Security-Policy that allows nothing but the
  app's own stylesheet: no scripts, no frames, no remote resources.
* Request bodies larger than ``max_request_bytes`` are refused with 413, whether
  or not the client announced the size.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json

from fastapi import HTTPException, Request
from fastapi.security import HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/json-lines")
CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
BEARER = HTTPBearer(auto_error=False, description="The api_token setting, as 'Authorization: Bearer TOKEN'.")
"""The API token as OpenAPI's Bearer scheme; it checks nothing (:func:`check_token` does), it documents a route."""
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


class SecurityHeaders:
    """ASGI middleware adding :data:`HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    """A request body went over the ``max_request_bytes`` setting."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"the request body is larger than the limit of {limit:,} bytes")


class BodyLimit:
    """ASGI middleware refusing bodies over ``limit`` bytes with 413.

    A ``Content-Length`` over the limit is refused before anything is read; a
    chunked body is counted as it streams in, and :class:`BodyTooLarge` is raised
    from ``receive`` (the app turns it into a 413).
    """

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _too_large(send, self.limit)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, counting_receive, send)


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"error": f"the request body is larger than the limit of {limit:,} bytes; send fewer articles "
                                "per request, or raise max_request_bytes."}).encode()  # as the app's own 413 says it
    await send({
        "type": "http.response.start", "status": 413,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def given_token(request: Request, basic: bool = True) -> str | None:
    """The token the client sent: a Bearer token, or (when ``basic``) the password of Basic auth."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if basic and scheme.lower() == "basic" and value.strip():
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an empty expected token never matches."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def check_token(request: Request, expected: str, basic: bool = True) -> None:
    """Raise 401 when no token was sent, 403 when it is wrong; ``basic`` accepts (and offers) Basic auth."""
    given = given_token(request, basic)
    if given is None:
        challenge = 'Basic realm="storyline", charset="UTF-8"' if basic else 'Bearer realm="storyline"'
        raise HTTPException(
            401, "this needs the API token: send it as 'Authorization: Bearer TOKEN'", headers={"WWW-Authenticate": challenge}
        )
    if not token_matches(given, expected):
        raise HTTPException(403, "the API token is wrong; compare it with the api_token setting")


def require_read(request: Request) -> None:
    """Dependency for every read route: open unless ``token_for_reads`` is on."""
    settings = request.app.state.settings
    if settings.token_for_reads:
        if not settings.api_token:
            raise HTTPException(403, "token_for_reads is on but api_token is empty: set api_token to read")
        check_token(request, settings.api_token)


def require_write(request: Request) -> None:
    """Dependency for ingest: a Bearer token, a JSONL body, and no other site's page behind it."""
    settings = request.app.state.settings
    if not settings.api_token:
        raise HTTPException(
            403, "ingest over HTTP is off: set the api_token setting (STORYLINE_API_TOKEN) to turn it on"
        )
    foreign = _foreign_origin(request)
    if foreign:
        raise HTTPException(403, f"posts from another site ({foreign}) are refused; post from a script or the CLI")
    check_token(request, settings.api_token, basic=False)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in JSONL_TYPES:
        raise HTTPException(415, f"the body must be JSONL, sent with 'Content-Type: application/x-ndjson' "
                                 f"(got {media or 'no content type'!r})")


def _foreign_origin(request: Request) -> str | None:
    """The other site a request says it comes from (``Origin`` not this host, or ``Sec-Fetch-Site: cross-site``)."""
    site = request.headers.get("sec-fetch-site", "").lower()
    if site in ("cross-site", "same-site"):
        return f"Sec-Fetch-Site: {site}"
    origin = request.headers.get("origin")
    if origin is None:
        return None
    own = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}".lower()
    return None if origin.lower() == own else origin[:100]
