"""Stories: the same protagonists and subject over time, linked whatever the distance, never by kind alone."""

import random
import re
from collections import Counter
from datetime import date

import numpy as np
import pytest

from _events_fixtures import GOLD_STORIES, article, corpus, groups
from storyline.events import EventIndex, rebuild, story_id_for
from storyline.events.attributes import describe_events
from storyline.events.bags import Bag, Lexicon, background_share
from storyline.events.clusters import Aggregate
from storyline.events.features import Profile, Traits
from storyline.events.pairs import (
    EVENT_FEATURES,
    STORY_FEATURES,
    event_features,
    shared_main,
    story_features,
    story_rows,
)
from storyline.events.stories import describe_stories
from storyline.models import Mention
from storyline.settings import Settings


@pytest.fixture
def settings():
    return Settings()


def stories_of(arts):
    return groups({a.id: a.story_id for a in arts})


def test_two_meetings_a_year_apart_are_one_story_and_the_flood_another(settings):
    arts = corpus()
    rebuild(arts, settings)
    assert stories_of(arts) == sorted(GOLD_STORIES, key=sorted)


@pytest.mark.parametrize("seed", range(4))
def test_ingest_in_batches_links_stories_as_a_rebuild_does(settings, seed):
    arts = corpus()
    random.Random(seed).shuffle(arts)
    index = EventIndex(settings)
    for start in range(0, len(arts), 3):
        index.place_batch(arts[start:start + 3])
    assert groups({a: index.story_of(e) for a, e in index.assignments().items()}) == sorted(GOLD_STORIES, key=sorted)


def test_story_rebuild_does_not_depend_on_order(settings):
    first = corpus()
    rebuild(first, settings)
    shuffled = corpus()
    random.Random(3).shuffle(shuffled)
    rebuild(shuffled, settings)
    assert {a.id: a.story_id for a in first} == {a.id: a.story_id for a in shuffled}


def test_a_meeting_years_later_joins_the_story_not_the_event(settings):
    arts = corpus()
    index, _ = rebuild(arts, settings)
    later = article("m9", "Velt and Oskan meet again on the joint shipyard",
                    "Arno Velt of Norland and Mira Oskan of Sudria met again to discuss the joint shipyard for "
                    "warships and the ferry treaty.", "2026-05-02")
    event_id = index.place(later)
    assert event_id not in {a.event_id for a in arts}
    assert later.story_id == index.story_of(index.event_of["m1a"])


def test_another_pair_of_ministers_doing_the_same_kind_of_thing_is_another_story(settings):
    """Same kind of happening, other protagonists and subject: a story is never formed from kind alone."""
    arts = corpus()
    index, _ = rebuild(arts, settings)
    # (its own words: a sentence copied word for word from another report is evidence of the same report)
    other = article("o1", "Pell and Darrow discuss rail tunnel in Fenmoor",
                    "Quent Pell met Ada Darrow in Fenmoor on Tuesday to discuss a rail tunnel under the hills. "
                    "Darrow said afterwards that the meeting had gone well.", "2022-03-08")
    index.place(other)
    assert other.story_id != index.story_of(index.event_of["m1a"])


def test_two_happenings_of_one_kind_that_share_no_name_are_never_one_story(settings):
    """Two children's accidental shootings months apart, told almost alike and naming no one and nowhere: the story
    model alone links them (their words and vectors are all they have), but a story is the same protagonists, so
    they are two."""
    text = ("A four-year-old boy accidentally shot himself with a handgun he found at home, police said. The child "
            "was taken to hospital in critical condition, and officers said the gun belonged to a relative.")
    arts = [article("k1", "Boy, 4, accidentally shoots himself with handgun found at home", text, "2022-03-08"),
            article("k2", "Boy, 4, accidentally shoots himself with gun found at home", text.replace("handgun", "gun"),
                    "2022-09-20")]  # fmt: skip
    index, _ = rebuild(arts, settings)
    first, second = (index.events[index.event_of[a.id]] for a in arts)
    rows = story_rows(first, [second], index.lexicon)
    assert index.models.story.probability(rows.x)[0] >= index.story_threshold  # alike enough for the model alone
    assert not rows.share_a_name[0] and index.story_probabilities(first, [second])[0] == 0
    assert arts[0].story_id != arts[1].story_id
    in_kelport = [article(a.id + "k", a.title, a.text.replace("at home", "at home in Kelport"), a.published)
                  for a in arts]  # a place in common is a name in common: the model decides
    index, _ = rebuild(in_kelport, settings)
    first, second = (index.events[index.event_of[a.id]] for a in in_kelport)
    assert story_rows(first, [second], index.lexicon).share_a_name[0]
    assert index.story_probabilities(first, [second])[0] > 0


def test_shared_main_protagonists_are_people_most_articles_name():
    lex = Lexicon()
    arts = corpus()
    singles = {}
    for a in arts:
        p = Profile.from_article(a, lex)
        lex.observe(*p.counted)
        singles[a.id] = Aggregate.singles([p], lex)[0]
    meeting_2022, meeting_2023 = singles["m1a"].copy(), singles["m2a"].copy()
    meeting_2022.add(singles["m1b"])
    meeting_2023.add(singles["m2b"])
    assert shared_main(meeting_2022, meeting_2023, lex) == pytest.approx(1.0)  # Velt and Oskan in both
    assert shared_main(meeting_2022, singles["f1"], lex) == 0.0
    row = story_features(meeting_2022, meeting_2023, lex)
    assert len(row) == len(STORY_FEATURES) and row[STORY_FEATURES.index("main")] == pytest.approx(1.0)


def test_how_far_apart_two_events_lie_does_not_change_whether_they_are_one_story():
    """A story goes on at any distance in time: the story features of two meetings are the same a week or
    ten years apart (only a lead naming the other's date as earlier, ``follows``, reads dates)."""
    text = "Arno Velt of Norland and Mira Oskan of Sudria met to discuss the joint shipyard."
    rows = []
    for later in ("2022-03-15", "2032-03-08"):
        lex = Lexicon()
        profiles = [Profile.from_article(article("d1", "Velt and Oskan meet", text, "2022-03-08"), lex),
                    Profile.from_article(article("d2", "Velt and Oskan meet again", text, later), lex)]
        for p in profiles:
            lex.observe(*p.counted)
        first, second = Aggregate.singles(profiles, lex)
        assert (second.day or 0) - (first.day or 0) == {"2022-03-15": 7, "2032-03-08": 3653}[later]
        rows.append(story_features(first, second, lex))
    assert rows[0] == pytest.approx(rows[1])


def test_a_protagonist_named_in_full_in_one_report_and_by_surname_in_another_is_one_person():
    """Outlets name people differently ("Sanjay Gupta", "Gupta"): protagonists are compared by surname."""
    full = article("p1", "Velt opens shipyard", "Arno Velt opened the shipyard in Kelport on Monday.", "2022-03-08")
    short = article("p2", "Shipyard opens", "Velt cut the ribbon at the new shipyard.", "2023-03-08")
    short.mentions = [Mention(0, 4, "Velt", "PERSON", "Velt")]  # as a tagger names him when the text never does in full
    other = article("p3", "Brel opens shipyard", "Tomas Brel opened the shipyard in Kelport on Monday.", "2022-04-08")
    lex = Lexicon()
    profiles = [Profile.from_article(a, lex) for a in (full, short, other)]
    for p in profiles:
        lex.observe(*p.counted)
    one, two, three = Aggregate.singles(profiles, lex)
    assert shared_main(one, two, lex) == pytest.approx(1.0)
    assert shared_main(one, three, lex) == 0.0
    # within the date window a shared surname is not enough: two happenings a day apart whose people share only
    # a surname (two shootings, two victims called Velt) have no protagonist in common
    namesake = article("p4", "Shipyard worker hurt", "Lena Velt was hurt at a shipyard in Ostmarsh on Tuesday.", "2022-03-09")
    namesake.mentions = [Mention(0, 9, "Lena Velt", "PERSON", "Lena Velt")]
    lex.observe(*(p4 := Profile.from_article(namesake, lex)).counted)
    four = Aggregate.singles([p4], lex)[0]
    assert event_features(one, four)[EVENT_FEATURES.index("people")] == 0.0
    assert event_features(one, two)[EVENT_FEATURES.index("named")] == 1.0
    # the index counts people in its document frequencies as this test does (else they would weigh nothing)
    index = EventIndex()
    index.register([Traits.of(a) for a in corpus()])
    velt = index.lexicon.bag(Counter({"P:velt": 1})).ids
    assert index.lexicon.idf(velt, 1)[0] > 0 and index.lexicon.df[velt][0] >= 4
    # a surname as common in news in general as in a full name weighs as little ("Smith" less than "Velt")
    assert background_share("P:smith") == background_share("@john smith") > 100 * background_share("P:velt")


def test_stories_list_events_in_date_order_with_a_title(settings):
    arts = corpus()
    rebuild(arts, settings)
    events = describe_events(arts)
    for e in events:
        e.story_id = next(a.story_id for a in arts if a.event_id == e.id)
    stories = {s.id: s for s in describe_stories(events)}
    meetings = stories[arts[0].story_id]
    dates = [next(e.date for e in events if e.id == i) for i in meetings.events]
    assert dates == sorted(dates) and len(dates) == 2
    assert meetings.title and meetings.title in {a.title for a in arts}
    assert meetings.id == story_id_for(arts[0].event_id)


def _on(a, phrase: str, first: str, last: str, granularity: str):
    """``a`` with the time mention ``phrase`` (found in its lead) resolved to ``first``..``last``."""
    from storyline.models import TimeMention

    start = a.text.index(phrase)
    a.times = [TimeMention(start, start + len(phrase), phrase, first, last, granularity)]
    a.sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", a.text)]
    return a


def test_a_follow_up_names_the_day_of_the_happening_it_follows():
    """A report weeks later whose lead names the flood's day follows it; naming its own day, or recalling an
    earlier occurrence ("since"), is no follow-up."""
    from storyline.events.features import followed_days

    flood = article("f1", "River bursts its banks in Ostmarsh", "The river Ost flooded Ostmarsh overnight.", "2022-11-02")
    charged = _on(article("c1", "Dam keeper charged over Ostmarsh flood",
                          "A dam keeper was charged on Monday over the November 2 flood in Ostmarsh. He denies it.",
                          "2022-12-19"), "November 2", "2022-11-02", "2022-11-02", "day")
    own = _on(article("c2", "Ostmarsh counts the cost", "On December 19 the town counted the cost. Pumps ran.",
                      "2022-12-19"), "December 19", "2022-12-19", "2022-12-19", "day")
    since = _on(article("c3", "Ostmarsh floods again", "The worst flood since November 2 hit Ostmarsh. Pumps ran.",
                        "2022-12-19"), "November 2", "2022-11-02", "2022-11-02", "day")
    undated = _on(article("c4", "Dam keeper charged", "A dam keeper was charged over the November 2 flood. He denies it.",
                          None), "November 2", "2022-11-02", "2022-11-02", "day")
    day = date(2022, 11, 2).toordinal()
    assert followed_days(charged) == ((day, day),)
    assert followed_days(own) == followed_days(since) == followed_days(undated) == ()
    lex = Lexicon()
    profiles = [Profile.from_article(a, lex) for a in (flood, charged, own)]
    for p in profiles:
        lex.observe(*p.counted)
    f1, c1, c2 = Aggregate.singles(profiles, lex)
    follows = STORY_FEATURES.index("follows")
    assert story_features(c1, f1, lex)[follows] == story_features(f1, c1, lex)[follows] == 1.0
    assert story_features(c2, f1, lex)[follows] == 0.0


class _AverageLinkStories(EventIndex):
    """Stories decided by true average link over a table of how alike three happenings are: the meeting of
    2022 (A), the flood (B) and the meeting of 2023 (C)."""

    ALIKE = {frozenset("AB"): 0.55, frozenset("AC"): 0.95, frozenset("BC"): 0.1}

    @staticmethod
    def happening(article_id: str) -> str:
        return "B" if article_id.startswith("f") else {"m1": "A", "m2": "C"}[article_id[:2]]

    def story_probabilities(self, a, others):
        def alike(x, y):
            return 1.0 if x == y else self.ALIKE[frozenset(x + y)]
        return np.array([np.mean([alike(self.happening(i), self.happening(j)) for i in a.members for j in b.members])
                         for b in others])


def test_a_story_a_new_event_continues_is_taken_apart_and_formed_again_as_a_rebuild_would():
    """Stored story {A, B} (0.55 alike); C arrives, very like A (0.95) and unlike B (0.1). Joined whole, C would
    keep A and B together (0.525 on average); taken apart, A and C come together first and B stays alone
    (0.325), as in a rebuild."""
    settings = Settings(story_threshold=0.5)
    arts = corpus()
    index = _AverageLinkStories(settings)
    index.place_batch([a for a in arts if not a.id.startswith("m2")])
    assert index.story_of(index.event_of["m1a"]) == index.story_of(index.event_of["f1"])
    changes = index.place_batch([a for a in arts if a.id.startswith("m2")])
    assert index.event_of["f1"] in changes.events  # the flood's story changed: the store rewrites it
    rebuilt = _AverageLinkStories(settings)
    rebuilt.place_batch(corpus())
    for done in (index, rebuilt):
        assert groups({a: done.story_of(e) for a, e in done.assignments().items()}) == sorted(GOLD_STORIES, key=sorted)


def test_follows_walks_either_side_and_finds_what_the_definition_finds():
    """``follows`` of a story with many named periods against an event with few days, and the other way
    round, equals the plain definition: some day lies in some named period."""
    from storyline.events.pairs import _follows

    rng = random.Random(0)
    for _ in range(2000):
        story = Aggregate("s")
        story.follows = [(lo, lo + rng.randint(0, 30)) for lo in (rng.randint(0, 400) for _ in range(rng.randint(0, 12)))]
        days = sorted(rng.randint(0, 450) for _ in range(rng.randint(0, 12)))
        assert _follows(story, days) == any(lo <= d <= hi for lo, hi in story.follows for d in days)



def _meetings(n: int) -> list:
    """``n`` monthly meetings of the two ministers, two reports each, in turn in three towns."""
    towns = ("Kelport", "Lindau", "Fenmoor")
    out = []
    for i in range(n):
        day = date(2021, 1 + i % 12, 10).isoformat()
        town = towns[i % 3]
        out += [article(f"s{i}a", f"Velt and Oskan meet in {town} on the shipyard",
                        f"Arno Velt of Norland met Mira Oskan of Sudria in {town} to discuss the joint shipyard, "
                        f"round {i} of the warship talks.", day),
                article(f"s{i}b", f"{town} talks on warships continue",
                        f"In {town}, Mira Oskan and Arno Velt said round {i} of talks on the joint shipyard for "
                        "warships went well.", day)]
    return out


def test_a_stored_storys_sums_follow_its_events_as_they_change():
    """A story's stored sums are brought up to date by taking out the events that changed and adding them
    as they are: they equal its events summed afresh, whether one batch or several changed them, and with
    an event whose report has no embedding. Checked every other batch, so that changes pile up; the path
    that takes out and adds must be taken (not only summing afresh)."""
    arts = corpus() + _meetings(8)
    for a in arts:
        if a.id == "s3b":
            a.vector = None  # a script the embedder does not read
    random.Random(5).shuffle(arts)
    index = EventIndex(Settings())
    updated = 0
    for n, a in enumerate(arts):
        index.place_batch([a])
        if n % 2:
            continue
        for story_id in index.story_events:
            _assert_summed_afresh(index, story_id, index._story_with(story_id))
            updated = max(updated, index.summed[story_id].updates)
    assert updated > 0


@pytest.mark.parametrize(("batch", "stories_apart", "events_apart"),
                         [(1, 32, 32), (3, 32, 32), (7, 32, 32), (1, 1, 32), (3, 2, 32), (5, 1, 32), (1, 1, 1), (2, 1, 0)])
def test_every_event_that_differs_from_its_storys_sums_is_noted_as_changed_since_they_were_made(
        batch, stories_apart, events_apart, monkeypatch):
    """A stored story's sums are brought up to date by looking only at the events noted as changed since (an
    event's aggregate replaced or taken out, or the event joining or leaving a story): whenever placement brings
    them up to date, every event in which the sums and the story differ must be among them, whatever the batches,
    and also where stories and events are joined whole rather than taken apart (the most events of a story, and
    articles of an event, taken apart)."""
    from storyline.events import linking, placement

    monkeypatch.setattr(linking, "DISSOLVE_STORY", stories_apart)
    monkeypatch.setattr(placement, "DISSOLVE_EVENT", events_apart)
    differed = 0
    bring_up_to_date = EventIndex._story_with

    def checked(index: EventIndex, story_id: str) -> Aggregate:
        nonlocal differed
        summed, events = index.summed.get(story_id), index.story_events[story_id]
        if summed is not None and story_id in index.stories:
            differ = {e for e, agg in summed.parts.items() if e not in events or index.events.get(e) is not agg}
            differ |= {e for e in events if summed.parts.get(e) is not index.events[e]}
            noted = set(index.change_log[summed.seen - index.changes_dropped:])
            assert summed.seen >= index.changes_dropped and differ <= noted
            differed += len(differ)
        return bring_up_to_date(index, story_id)

    monkeypatch.setattr(EventIndex, "_story_with", checked)
    arts = corpus() + _meetings(8)
    random.Random(batch).shuffle(arts)
    index = EventIndex(Settings())
    for start in range(0, len(arts), batch):
        index.place_batch(arts[start:start + batch])
    assert differed  # stories did fall behind their events


def _assert_summed_afresh(index: EventIndex, story_id: str, kept: Aggregate) -> None:
    """``kept`` holds what the story's events summed afresh hold."""
    fresh = Aggregate(story_id)
    fresh.add(*(index.events[e] for e in sorted(index.story_events[story_id])))
    assert sorted(kept.members) == sorted(fresh.members)
    assert sorted(kept.days) == sorted(fresh.days) and kept.named == fresh.named
    assert kept.named_full == fresh.named_full and kept.numbered == fresh.numbered  # facts: in the bags
    assert set(kept.named) == set(fresh.named) and set(kept.named_full) == set(fresh.named_full)  # no key left at 0
    assert sorted(kept.follows) == sorted(fresh.follows) and sorted(kept.refs) == sorted(fresh.refs)
    assert (kept.vsum is None) == (fresh.vsum is None)
    if fresh.vsum is not None:
        assert np.allclose(kept.vsum, fresh.vsum, atol=1e-5)
    np.testing.assert_array_equal(kept.bags.ids[np.abs(kept.bags.vals) > 1e-5], fresh.bags.ids)
    np.testing.assert_allclose(kept.bags.vals[np.abs(kept.bags.vals) > 1e-5], fresh.bags.vals, atol=1e-5)


def test_an_aggregate_without_some_of_its_parts_holds_what_the_rest_hold():
    """Taking parts out of a cluster leaves exactly what summing the rest gives: the counts of each name and day,
    with no name or day left behind at 0 once every part that held it is out."""

    parts = []
    for ident, names, days in (("a", ["ortega", "lind"], [10, 11]), ("b", ["ortega"], [11]), ("c", ["lind", "vey"], [12])):
        part = Aggregate(ident)
        part.members.append(ident)
        part.named.update(names)
        part.named_full.update(names)
        part.days.extend(days)
        parts.append(part)
    whole = Aggregate("w")
    whole.add(*parts)
    rest = whole.without(parts[2])
    assert rest.members == ["a", "b"]
    assert rest.named == Counter({"ortega": 2, "lind": 1}) and set(rest.named) == {"ortega", "lind"}
    assert set(rest.named_full) == {"ortega", "lind"} and sorted(rest.days) == [10, 11, 11]
    assert set(whole.without(parts[0], parts[2]).named) == {"ortega"}


def test_a_sum_less_one_of_its_parts_is_what_the_sorted_sum_gives_bit_for_bit():
    """Taking one part out of a sum subtracts its values at its ids (no sorting of the whole sum): the same bits as
    :meth:`Bag.total` of the sum and the part negated, also where an id's value falls to 0; a bag that lacks one of
    the part's ids is left to :meth:`Bag.total`."""
    rng = np.random.default_rng(11)
    for _ in range(200):
        parts = [Bag(ids, rng.random(len(ids)).astype(np.float32))
                 for ids in (np.unique(rng.integers(0, 400, int(rng.integers(0, 60)))) for _ in range(int(rng.integers(1, 6))))]
        whole = Bag.total(parts)
        part = parts[int(rng.integers(len(parts)))]
        fast, sorted_sum = whole.without(part), Bag.total([whole, Bag(part.ids, -part.vals)])
        assert np.array_equal(fast.ids, sorted_sum.ids)
        assert np.array_equal(fast.vals.view(np.uint32), sorted_sum.vals.view(np.uint32))
    lone = Bag(np.array([3, 5], np.int32), np.array([1.0, 2.0], np.float32))
    assert lone.without(Bag(np.array([4], np.int32), np.array([1.0], np.float32))) is None
    assert lone.without(Bag(np.array([9], np.int32), np.array([1.0], np.float32))) is None
    assert list(lone.without(lone).vals) == [0.0, 0.0]


@pytest.mark.parametrize("unplaced", [False, True])
def test_an_index_started_from_the_store_keeps_its_stories_as_summed(unplaced):
    """At start-up each stored story is summed once, as its articles are assigned, and known as the sum of
    its events: the first batch that meets it does not sum it again. Also when stored articles without an event
    are placed by the start-up itself."""
    arts = corpus() + _meetings(4)
    placed = EventIndex(Settings())
    placed.place_batch(arts)
    for a in arts[::3] if unplaced else ():  # stored, not yet placed: placed as one batch by the start-up
        a.event_id = a.story_id = None
    index = EventIndex.from_articles(arts, Settings(), trees=placed.trees)
    assert index.story_events and set(index.summed) == set(index.story_events)
    for story_id in index.story_events:
        kept = index.stories[story_id]
        assert index._story_with(story_id) is kept
        _assert_summed_afresh(index, story_id, kept)


def test_clusters_taken_out_of_a_sum_leave_the_sum_of_the_rest():
    """``Aggregate.without`` takes several clusters out of a sum in one pass, one without an embedding among them:
    what is left equals the rest summed afresh."""

    arts = corpus()
    arts[2].vector = None  # m2a: a script the embedder does not read
    index = EventIndex(Settings())
    index.register([Traits.of(a) for a in arts])
    single = index.singles
    whole, rest = Aggregate("s"), Aggregate("s")
    whole.add(*(single[a.id] for a in arts))
    rest.add(*(single[i] for i in ("m1a", "m1b", "f1", "f2")))
    part = Aggregate("p")
    part.add(single["m2b"], single["m2c"])
    left = whole.without(single["m2a"], part)
    assert left.members == rest.members and sorted(left.days) == sorted(rest.days)
    assert left.named == rest.named and left.named_full == rest.named_full  # facts: in the bags
    assert left.numbered == rest.numbered
    assert sorted(left.refs) == sorted(rest.refs) and sorted(left.follows) == sorted(rest.follows)
    assert np.allclose(left.vsum, rest.vsum, atol=1e-5)
    kept = np.abs(left.bags.vals) > 1e-6
    np.testing.assert_array_equal(left.bags.ids[kept], rest.bags.ids)
    np.testing.assert_allclose(left.bags.vals[kept], rest.bags.vals, atol=1e-5)
