"""The web front end: server-rendered pages and a JSON API over a store.

``create_app(store, settings, pipeline=None)`` builds the FastAPI app;
``serve(settings)`` runs it with uvicorn (``storyline serve``).
"""

from .app import create_app, serve

__all__ = ["create_app", "serve"]
