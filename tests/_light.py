"""A light pipeline: no models loaded, for tests where the models are not the point.

It runs the real reading, cleaning, describing, deduplication, annotation
(dates, quotes, figures) and store, with a regex sentence splitter in place of
spaCy, hashed word vectors in place of the embedder, and no event placement.
"""

from __future__ import annotations

import re

from storyline.enrichment import Enricher, HashEmbedder
from storyline.enrichment.nlp import Parsed
from storyline.pipeline import Pipeline
from storyline.settings import Settings
from storyline.storage import Store


class RegexNLP:
    """Sentences by punctuation, no entities: spaCy's interface without loading spaCy."""

    def parse(self, texts: list[str], n_process: int = 1) -> list[Parsed]:
        return [Parsed([m.span() for m in re.finditer(r"[^\n.!?]+(?:[.!?]+|$)", t, re.M) if m.group().strip()], [])
                for t in texts]  # fmt: skip


class NoEnrichment:
    """Enrichment is not what these tests are about: leave articles as cleaned and described."""

    def enrich(self, articles, vector_cache=None):
        return articles


class NoPlacement:
    """Event placement is not what these tests are about."""

    def place(self, articles, store):
        return None


def light_pipeline(store: Store, **settings) -> Pipeline:
    chosen = Settings(**({"languages": "en", "embedder": "hash"} | settings))
    enricher = Enricher(chosen, nlp=RegexNLP(), embedder=HashEmbedder())
    return Pipeline(store, chosen, enricher=enricher, events=NoPlacement())
