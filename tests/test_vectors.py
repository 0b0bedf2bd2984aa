"""Embedders, the vector cache, and the Enricher end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storyline.enrichment import Enricher, HashEmbedder, MiniLMEmbedder, make_embedder
from storyline.enrichment.nlp import Parsed, SpacyNLP
from storyline.enrichment.vectors import embed_cached
from storyline.errors import ModelMissing, SettingsError
from storyline.models import Article
from storyline.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "enrichment"


class DictCache:
    def __init__(self):
        self.data, self.asked = {}, []

    def get_many(self, keys):
        self.asked.append(list(keys))
        return {k: self.data[k] for k in keys if k in self.data}

    def put_many(self, vectors):
        self.data.update(vectors)


class CountingEmbedder(HashEmbedder):
    def __init__(self):
        super().__init__()
        self.embedded: list[str] = []

    def embed(self, texts):
        self.embedded += texts
        return super().embed(texts)


def test_hash_embedder_is_deterministic_unit_and_sensitive_to_words():
    e = HashEmbedder()
    v = e.embed(["Ministers meet in Moscow", "Ministers meet in Moscow", "Floods hit the coast", ""])
    assert v.shape == (4, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0)
    assert np.allclose(v[0], v[1]) and float(v[0] @ v[2]) < 0.5


def test_nothing_is_embedded_twice():
    cache, emb = DictCache(), CountingEmbedder()
    first = embed_cached(emb, ["a b", "c d", "a b"], cache)
    again = embed_cached(emb, ["c d", "e f"], cache)
    assert emb.embedded == ["a b", "c d", "e f"]
    assert np.allclose(first[0], first[2]) and np.allclose(first[1], again[0])


def test_make_embedder_follows_the_setting():
    assert isinstance(make_embedder(Settings(embedder="hash")), HashEmbedder)
    assert isinstance(make_embedder(Settings(embedder="minilm")), MiniLMEmbedder)
    with pytest.raises(SettingsError, match="choose one of"):
        make_embedder(Settings(embedder="word2vec"))


def test_missing_spacy_model_names_the_package():
    with pytest.raises(ModelMissing, match="pip install no-such-model"):
        SpacyNLP("no_such_model").parse(["text"])


class FakeNLP:
    """Sentences at full stops; every capitalised pair of words is a PERSON."""

    def parse(self, texts, n_process=1):
        import re

        out = []
        for t in texts:
            sents = [m.span() for m in re.finditer(r"[^.]+\.?", t) if m.group().strip()]
            ents = [(m.start(), m.end(), "PERSON") for m in re.finditer(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b", t)]
            out.append(Parsed(sents, ents))
        return out


def test_enricher_fills_every_field_with_swapped_parts():
    text = 'Mara Quist said on Monday that the port would reopen. "We are ready," Quist said. Costs rose 12%.'
    a = Article(id="a", source="a", raw=text, text=text, title="Port reopens", published="2024-02-07", language="en")
    other = Article(id="b", source="b", raw="Hallo Welt.", text="Hallo Welt.", language="de")
    cache = DictCache()
    Enricher(Settings(embedder="hash"), nlp=FakeNLP(), embedder=HashEmbedder()).enrich([a, other], vector_cache=cache)
    assert a.mentions and a.mentions[0].name == "Mara Quist"
    assert [(q.text, q.speaker) for q in a.quotes if q.kind == "direct"] == [("We are ready", "Mara Quist")]
    assert [f.text for f in a.figures] == ["12%"]
    assert (a.event_date, a.event_date_how) == ("2024-02-05", "lead-weekday")
    assert a.vector.shape == (384,) and len(cache.data) == 2  # the two leads (three words make no statement)
    assert other.mentions == [] and other.vector is not None  # another language: vectors, no English NER


def test_enricher_finds_the_attributed_statements_and_embeds_only_the_lead():
    text = ('Mara Quist said on Monday that the port would reopen. "We are ready to take the first ships in," '
            'Quist said. "Yes," said Ivo Lund.')
    a = Article(id="a", source="a", raw=text, text=text, title="Port reopens", published="2024-02-07", language="en")
    cache = DictCache()
    Enricher(Settings(embedder="hash"), nlp=FakeNLP(), embedder=HashEmbedder()).enrich([a], vector_cache=cache)
    statements = a.statements()  # quotes with a speaker and five words or more: not "Yes", not "the port would reopen."
    assert [(q.text, q.speaker) for q in statements] == [("We are ready to take the first ships in", "Mara Quist")]
    assert len(cache.data) == 1  # the lead: statements are compared by their words (events.features)


@pytest.mark.slow
def test_minilm_embeds_offline_to_unit_vectors():
    v = MiniLMEmbedder().embed(["Russia and India discuss arms", "India and Russia talk weapons", "A storm floods the coast"])
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])


@pytest.mark.slow
def test_minilm_in_bfloat16_keeps_the_float32_vectors():
    leads = [p.read_text(encoding="utf-8")[:600] for p in sorted(FIXTURES.glob("*.txt"))]
    leads += ["Russia and India discuss arms", "A storm floods the coast"]
    exact = MiniLMEmbedder(bf16=False).embed(leads)
    fast = MiniLMEmbedder(bf16=True).embed(leads)
    assert np.min(np.sum(exact * fast, axis=1)) >= 0.999


@pytest.mark.slow
def test_worker_processes_fill_the_same_fields_as_one_process(monkeypatch):
    import storyline.enrichment as enrichment

    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]

    def batch():
        return [Article(id=f"a{i}", source="s", raw=t, text=t, title=t.split("\n")[0], published="2024-02-07", language="en")
                for i, t in enumerate(texts * 20)]

    one, many = batch(), batch()
    Enricher(Settings(workers=1, embedder="hash")).enrich(one)
    monkeypatch.setattr(enrichment, "PARALLEL_MIN", 2)
    enricher = Enricher(Settings(workers=2, embedder="hash"))
    try:
        enricher.enrich(many)
        assert enricher._pool is not None and len(enricher._pool.pids()) == 2
    finally:
        enricher.close()
    for a, b in zip(one, many, strict=True):
        assert (a.sentences, a.mentions, a.quotes, a.figures, a.times) == (b.sentences, b.mentions, b.quotes, b.figures, b.times)
        assert a.event_date == b.event_date and np.array_equal(a.vector, b.vector)
    assert enricher.timings["spacy"] > 0 and enricher.timings["quotes"] > 0


def test_a_config_file_of_an_earlier_version_still_loads_but_an_unknown_setting_is_refused(tmp_path, monkeypatch):
    cfg = tmp_path / "storyline.cfg"
    cfg.write_text("[storyline]\nembedder = hash\nstatement_words = 40\n")  # a setting retired since
    monkeypatch.setenv("STORYLINE_CONFIG", str(cfg))
    assert Settings().embedder == "hash"
    cfg.write_text("[storyline]\nembeder = hash\n")
    with pytest.raises(SettingsError, match="embeder"):
        Settings()


def test_the_static_embedder_gives_unit_vectors_and_is_named_as_its_setting():
    from storyline.enrichment.vectors import StaticEmbedder

    embedder = make_embedder(Settings(embedder="static"))
    assert isinstance(embedder, StaticEmbedder) and embedder.name == "static"
    v = embedder.embed(["Ferry moves to the north pier", "Ferry service moves to north pier", "Stock markets fell"])
    assert v.shape == (3, embedder.dim) and np.allclose(np.linalg.norm(v, axis=1), 1.0)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])
