"""Safety for the web app: token checks, security headers, request size limits.

* The API token (setting ``api_token``) is compared in constant time
  (:func:`hmac.compare_digest`). It is sent as ``Authorization: Bearer TOKEN``
  or, so that a browser can prompt for it, as the password of HTTP Basic auth.
* Writes (``POST /api/articles``) always need the token; an empty token setting
  turns ingest over HTTP off. Reads need it only when ``token_for_reads`` is on.
* Every response carries a Content-Security-Policy that allows nothing but the
  app's own stylesheet: no scripts, no frames, no remote resources.
* Request bodies larger than ``max_request_bytes`` are refused with 413, whether
  or not the client announced the size.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
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
    body = (
        f'{{"error": "the request body is larger than the limit of {limit:,} bytes", '
        f'"todo": "send fewer articles per request, or raise the max_request_bytes setting"}}'
    ).encode()
    await send({
        "type": "http.response.start", "status": 413,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def given_token(request: Request) -> str | None:
    """The token the client sent: a Bearer token, or the password of Basic auth."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if scheme.lower() == "basic" and value.strip():
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


def check_token(request: Request, expected: str) -> None:
    """Raise 401 when no token was sent, 403 when it is wrong."""
    given = given_token(request)
    if given is None:
        raise HTTPException(
            401,
            "this needs the API token: send it as 'Authorization: Bearer TOKEN'",
            headers={"WWW-Authenticate": 'Basic realm="storyline", charset="UTF-8"'},
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
    """Dependency for ingest: needs the token; off when ``api_token`` is empty."""
    settings = request.app.state.settings
    if not settings.api_token:
        raise HTTPException(
            403, "ingest over HTTP is off: set the api_token setting (STORYLINE_API_TOKEN) to turn it on"
        )
    check_token(request, settings.api_token)
