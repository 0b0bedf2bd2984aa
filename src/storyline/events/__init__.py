"""Events and stories: cluster articles into real-world happenings, and link those over time.

The API the pipeline and the store use::

    index = EventIndex.from_stored(placed, settings, trees=t)  # at start-up, from what the store keeps
    index = EventIndex.from_articles(articles, settings)  # the same from whole articles; keeps their event_id
    event_id = index.place(article)        # on ingest: join the most likely event or open one
    changes = index.place_batch(articles)   # a batch: placed, and what it moved, retired or linked
    index, assignments = rebuild(articles, settings)   # re-cluster all, independent of input order
    events = describe_events(articles)     # Event objects (date, place, title, participants)

Modules, in the order a decision is made: ``bags`` (sparse weighted ids and the
lexicon that weighs them), ``features`` (what is known of an article), ``clusters``
(an event or a story as the sums of its articles), ``pairs`` (the named features of a
pair), ``model`` (the fitted probabilities), ``index`` (candidate retrieval),
``agglomerate`` (best-first clustering), ``placement`` (articles into events,
incremental and rebuild) and ``linking`` (events into stories), ``layout`` (the
clusters kept together in memory), ``ids`` (event and story ids, the canonical
order), ``training`` (fitting the models to labels), ``attributes`` and ``stories``
(what an event and a story are said to be), ``tracking`` (kept in step with the
store).
"""

from .ids import canonical_order, event_id_for, story_id_for
from .model import Models
from .placement import EventIndex, rebuild

__all__ = ["EventIndex", "Models", "canonical_order", "event_id_for", "rebuild", "story_id_for"]
