"""Statements: reports that carry the same speaker's same words belong to one event."""

import numpy as np

from _events_fixtures import article, fake_vector
from storyline.events import EventIndex
from storyline.events.features import speaker_key
from storyline.events.pairs import EVENT_FEATURES, event_features
from storyline.events.statements import StatementGroups
from storyline.models import Quote
from storyline.settings import Settings
from storyline.storage import open_store


def unit(*values: float) -> np.ndarray:
    v = np.array(values, np.float32)
    return v / np.linalg.norm(v)


def test_one_speaker_saying_the_same_thing_twice_is_one_statement():
    groups = StatementGroups(threshold=0.8)
    first = groups.assign([("velt", unit(1, 0, 0)), ("oskan", unit(0, 1, 0))])
    again = groups.assign([("velt", unit(1, 0.2, 0))])  # cosine 0.98: the same words, paraphrased
    other = groups.assign([("velt", unit(0, 0, 1)), ("brel", unit(1, 0, 0))])  # something else; someone else
    assert len(first) == 2 and list(first.vals) == [1.0, 1.0]
    assert set(again.ids) <= set(first.ids)
    assert not set(other.ids) & set(first.ids)
    assert len(other) == 2


def test_statements_of_one_article_count_once_and_need_a_speaker():
    groups = StatementGroups(threshold=0.8)
    bag = groups.assign([("velt", unit(1, 0)), ("velt", unit(1, 0.1)), ("", unit(0, 1))])
    assert len(bag) == 1


def test_speaker_key_is_the_surname_whatever_the_spelling_of_the_first_name():
    assert speaker_key("Sergey Lavrov") == speaker_key("Sergei Lavrov") == speaker_key("Lavrov") == "lavrov"
    assert speaker_key("") == ""


SAID_2022 = "We discussed building warships together at a joint shipyard"
SAID_2023 = "The shipyard will guard the security of the whole northern sea"


def with_quote(a, said: str, speaker: str = "Arno Velt"):
    """``a`` with one quote of ``speaker`` (found in its text) and that statement's vector."""
    start = a.text.index(said)
    a.quotes = [Quote(start, start + len(said), said, speaker, "said", "direct")]
    a.statement_vectors = {start: fake_vector(said)}
    return a


def meetings():
    """Two meetings a year apart, and an undated report worded like the first that quotes the second."""
    return [
        with_quote(article(
            "y1a", "Velt and Oskan discuss shipyard in Kelport",
            f"Arno Velt met Mira Oskan in Kelport. \"{SAID_2022},\" Velt said. Oskan spoke of grain exports, the "
            "ferry treaty, fishing quotas, rail links and a frank and friendly exchange on tariffs.", "2022-03-08"),
            SAID_2022),
        with_quote(article(
            "y1b", "Kelport talks on shipyard",
            f"In Kelport Arno Velt told Mira Oskan: \"{SAID_2022}.\" They covered grain exports, the ferry treaty, "
            "fishing quotas, rail links and tariffs in a frank and friendly exchange.", "2022-03-09"),
            SAID_2022),
        with_quote(article(
            "y2a", "Velt hosts Oskan in Lindau",
            f"Arno Velt hosted Mira Oskan in Lindau. \"{SAID_2023},\" Velt said after the talks, which also "
            "touched on a new bridge and a cable across the bay.", "2023-03-14"),
            SAID_2023),
        with_quote(article(
            "y2b", "Lindau talks end",
            f"\"{SAID_2023},\" Arno Velt said in Lindau after meeting Mira Oskan about the bridge and the cable "
            "across the bay.", "2023-03-15"),
            SAID_2023),
        with_quote(article(
            "u", "Velt and Oskan talk shipyard",
            f"Arno Velt met Mira Oskan. \"{SAID_2023},\" Velt said. They spoke of grain exports and the ferry "
            "treaty in a frank exchange.", None),
            SAID_2023),
    ]


def test_reports_carrying_the_same_statement_share_it_as_a_feature():
    index = EventIndex(Settings())
    arts = meetings()
    index.place_batch(arts)
    single = index.singles
    column = EVENT_FEATURES.index("statements")
    assert event_features(single["u"], single["y2a"])[column] == 1.0  # the same words of the same speaker
    assert event_features(single["u"], single["y1a"])[column] == 0.0
    assert event_features(single["y1a"], single["y1b"])[column] == 1.0


def test_only_a_named_person_s_words_are_statements():
    a = with_quote(meetings()[0], SAID_2022, speaker="police")
    index = EventIndex(Settings())
    index.place_batch([a])
    assert index.profiles[a.id].statements == []


def test_statement_vectors_are_stored_and_read_back(tmp_path):
    store = open_store(tmp_path / "s.db")
    a = meetings()[0]
    a.content_hash = "h1"
    store.add_articles([a])
    back = store.get_article(a.id)
    assert list(back.statement_vectors) == [a.quotes[0].start]
    assert np.allclose(back.statement_vectors[a.quotes[0].start], a.statement_vectors[a.quotes[0].start])
    assert "statement_vectors" not in back.to_dict()


def test_rebuild_embeds_the_statements_of_articles_stored_without_them(tmp_path):
    from storyline.enrichment import Enricher, HashEmbedder
    from storyline.pipeline import Pipeline

    store = open_store(tmp_path / "s.db")
    old = meetings()
    for i, a in enumerate(old):
        a.content_hash, a.statement_vectors = f"h{i}", {}  # as an earlier version stored them
    store.add_articles(old)
    settings = Settings(embedder="hash")
    Pipeline(store, settings, enricher=Enricher(settings, embedder=HashEmbedder())).rebuild()
    back = {a.id: a for a in store.iter_articles(full=True)}
    for a in old:
        assert list(back[a.id].statement_vectors) == [a.quotes[0].start]
    assert all(back[a.id].event_id for a in old)  # and the articles were clustered


def test_a_prolific_speaker_keeps_matching_recent_statements(monkeypatch):
    import storyline.events.statements as module

    monkeypatch.setattr(module, "RECENT_GROUPS", 4)
    groups = StatementGroups(threshold=0.8)
    basis = np.eye(8, dtype=np.float32)
    ids = [int(groups.assign([("velt", basis[i])]).ids[0]) for i in range(8)]  # eight different statements
    assert ids == list(range(8))
    assert int(groups.assign([("velt", basis[7])]).ids[0]) == 7  # the latest still matches
    assert int(groups.assign([("velt", basis[0])]).ids[0]) == 8  # the oldest is forgotten: a new group
