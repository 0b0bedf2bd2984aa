"""Statements: reports that carry the same speaker's same words belong to one event."""

import numpy as np

from _events_fixtures import article, fake_vector
from storyline.events import EventIndex
from storyline.events.features import STATEMENT_WORDS, speaker_key, statement_vectors
from storyline.events.pairs import EVENT_FEATURES, event_features
from storyline.events.statements import STATEMENT_MATCH, StatementGroups
from storyline.models import Quote
from storyline.settings import Settings
from storyline.storage import open_store
from storyline.storage.rows import vector_key


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
    assert speaker_key("Martin Luther King Jr.") == speaker_key("Dr. King") == "king"  # not "jr."


SAID_2022 = "We discussed building warships together at a joint shipyard"
SAID_2023 = "The shipyard will guard the security of the whole northern sea"


def with_quote(a, said: str, speaker: str = "Arno Velt"):
    """``a`` with one quote of ``speaker`` (found in its text)."""
    start = a.text.index(said)
    a.quotes = [Quote(start, start + len(said), said, speaker, "said", "direct")]
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


def test_a_statement_is_compared_by_its_words_however_much_of_it_an_outlet_quotes():
    full = "We will rebuild the harbour wall before the winter storms come, whatever the council decides next week"
    cut = "We will rebuild the harbour wall before the winter storms come"
    other = "The council has no money for the harbour and the storms are not our problem this year"
    v = statement_vectors([full, cut, other, full.upper()])
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0)
    assert float(v[0] @ v[1]) >= STATEMENT_MATCH  # one outlet quotes more of it than another
    assert float(v[0] @ v[2]) < STATEMENT_MATCH  # the same speaker saying something else
    assert np.allclose(v[0], v[3])  # capitals do not matter
    long = " ".join(f"word{i}" for i in range(STATEMENT_WORDS + 30))
    assert np.allclose(statement_vectors([long])[0], statement_vectors([" ".join(long.split()[:STATEMENT_WORDS])])[0])


def test_statement_embeddings_kept_by_earlier_versions_are_dropped_when_the_store_is_migrated(tmp_path):
    store = open_store(tmp_path / "s.db")
    a = meetings()[0]
    a.content_hash = "h1"
    store.add_articles([a])
    with store.write():
        store.put_vectors({"s:h1:40": fake_vector("old statement")})
        store.conn.execute("DELETE FROM migrations WHERE name = 'm005_no_statement_vectors'")
    store.close()
    store = open_store(tmp_path / "s.db")
    assert store.vector_keys() == [vector_key(a)]  # the article's own, the statements' gone
    back = store.get_article(a.id)
    assert back.quotes[0].text == SAID_2022 and back.vector is not None


def test_a_prolific_speaker_keeps_matching_recent_statements(monkeypatch):
    import storyline.events.statements as module

    monkeypatch.setattr(module, "RECENT_GROUPS", 4)
    groups = StatementGroups(threshold=0.8)
    basis = np.eye(8, dtype=np.float32)
    ids = [int(groups.assign([("velt", basis[i])]).ids[0]) for i in range(8)]  # eight different statements
    assert ids == list(range(8))
    assert int(groups.assign([("velt", basis[7])]).ids[0]) == 7  # the latest still matches
    assert int(groups.assign([("velt", basis[0])]).ids[0]) == 8  # the oldest is forgotten: a new group


def test_a_vector_of_no_known_token_is_no_vector():
    from storyline.events.bags import Lexicon
    from storyline.events.features import Profile

    a = meetings()[0]
    a.vector = np.zeros(16, np.float32)  # what a static embedder gives a text in a script it lacks
    assert Profile.from_article(a, Lexicon()).vector is None
