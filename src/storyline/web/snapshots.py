"""Routes that read the store as of one commit.

Pages and API answers read several things in turn (an event, then its story; a listing, then each row's
article). :class:`ConsistentRoute` runs such a handler inside one snapshot of the store
(:meth:`.Store.snapshot`), so an ingest committing meanwhile is seen whole or not at all.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute


class ConsistentRoute(APIRoute):
    """A route whose handler, when it runs in a thread and is given the request, reads the store inside one snapshot
    (:meth:`.Store.snapshot`): an event and its story, a listing and its members, as of one commit, though an
    ingest commits meanwhile (an event's page read the event, then found its story gone, and was sent to a story
    id as if it were the event's)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint) and "request" in inspect.signature(endpoint).parameters:
            endpoint = _in_snapshot(endpoint)
        super().__init__(path, endpoint, **kwargs)


def _in_snapshot(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    def read(*args: Any, **kwargs: Any) -> Any:
        with kwargs["request"].app.state.store.snapshot():
            return endpoint(*args, **kwargs)

    return read
