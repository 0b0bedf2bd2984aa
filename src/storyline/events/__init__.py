"""Events: cluster articles into real-world happenings.

The API the pipeline and the store use::

    index = EventIndex.from_articles(stored_articles, settings)  # at start-up; keeps their event_id
    event_id = index.place(article)        # on ingest: join the best event or open one; sets article.event_id
    index.add(article, event_id)           # record a known assignment without scoring
    index, assignments = rebuild(articles, settings)   # re-cluster all, independent of input order
    events = describe_events(articles)     # Event objects (date, place, title, participants); infers
                                           # ``published`` (published_how="inferred") for undated articles

Modules: ``features`` (what is compared), ``similarity`` (how alike),
``index`` (candidate retrieval), ``placement`` (incremental and rebuild),
``attributes`` (what an event is said to be).
"""

from .placement import EventIndex, canonical_order, event_id_for, rebuild

__all__ = ["EventIndex", "canonical_order", "event_id_for", "rebuild"]
