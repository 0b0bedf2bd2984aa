"""Placing articles in events: look-alike events apart, copies together, order never matters."""

import random
from datetime import date

import numpy as np
import pytest

from _events_fixtures import GOLD_EVENTS, article, corpus, fake_vector, groups
from storyline.events import EventIndex, canonical_order, event_id_for, rebuild
from storyline.events.attributes import describe_event, describe_events, infer_published
from storyline.events.features import Aggregate, Lexicon, Profile, terms_of
from storyline.events.index import CandidateIndex
from storyline.events.similarity import Weights, combine, signals
from storyline.settings import Settings


@pytest.fixture
def settings():
    return Settings()


def test_rebuild_finds_the_three_events(settings):
    _, assign = rebuild(corpus(), settings)
    assert groups(assign) == sorted(GOLD_EVENTS, key=sorted)


def test_same_actors_and_words_a_year_apart_are_two_events(settings):
    text = "Arno Velt met Mira Oskan in Kelport to discuss a joint shipyard for warships."
    a = article("a", "Velt meets Oskan on shipyard", text, "2022-03-08")
    b = article("b", "Velt meets Oskan on shipyard", text, "2023-03-08")
    index = EventIndex(settings)
    assert index.place(a) != index.place(b)


def test_only_stated_dates_keep_look_alike_reports_apart(settings):
    text = "Arno Velt met Mira Oskan in Kelport to discuss a joint shipyard for warships."
    a = article("a", "Velt meets Oskan on shipyard", text, "2022-03-08")
    b = article("b", "Velt meets Oskan on shipyard", text, None)
    b.published, b.published_how = "2023-03-08", "inferred"  # a guess, not a stated date
    index = EventIndex(settings)
    assert index.place(a) == index.place(b)


def test_strongly_dated_articles_beyond_the_gap_never_share_an_event(settings):
    text = "Arno Velt met Mira Oskan in Kelport to discuss a joint shipyard for warships."
    days = ["2022-01-10", "2022-05-01", "2022-09-20", "2023-01-05"]  # each within the gap of the next
    arts = [article(f"a{i}", "Velt meets Oskan on shipyard", text, d) for i, d in enumerate(days)]
    _, assign = rebuild(arts, settings)
    for x in arts:
        for y in arts:
            gap = abs((date.fromisoformat(x.published) - date.fromisoformat(y.published)).days)
            if gap > settings.event_max_gap_days:
                assert assign[x.id] != assign[y.id]


def test_same_text_a_day_apart_is_one_event(settings):
    text = "Arno Velt met Mira Oskan in Kelport to discuss a joint shipyard for warships."
    index = EventIndex(settings)
    first = index.place(article("a", "Velt meets Oskan on shipyard", text, "2022-03-08"))
    assert index.place(article("b", "Velt and Oskan meet on shipyard", text, "2022-03-09")) == first


def test_rebuild_does_not_depend_on_input_order(settings):
    _, expected = rebuild(corpus(), settings)
    for seed in range(5):
        shuffled = corpus()
        random.Random(seed).shuffle(shuffled)
        _, got = rebuild(shuffled, settings)
        assert got == expected


def test_event_ids_are_stable_hashes_of_the_first_article(settings):
    _, assign = rebuild(corpus(), settings)
    assert assign["m1b"] == assign["m1a"] == event_id_for("m1a")
    assert event_id_for("m1a").startswith("e-") and event_id_for("m1a") != event_id_for("m1b")


def test_incremental_placement_in_date_order_matches_the_gold(settings):
    index = EventIndex(settings)
    for a in sorted(corpus(), key=lambda a: (a.published is None, a.published or "", a.id)):
        index.place(a)
    assert groups(index.assignments()) == sorted(GOLD_EVENTS, key=sorted)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_refining_stories_after_each_batch_gives_the_rebuilds_events(settings, seed):
    """Placement decides on what a story held at the time; a refinement decides on all of it."""
    arts = corpus()
    random.Random(seed).shuffle(arts)
    cut = random.Random(seed).randint(1, len(arts) - 1)
    index = EventIndex(settings)
    for batch in (arts[:cut], arts[cut:]):  # two ingest batches, each placed in canonical order
        for a in canonical_order(batch):
            index.place(a)
        mapping, retired = index.refine({index.story_of(a.event_id) for a in batch})
        assert {a.id for a in batch} <= set(mapping) and set(mapping.values()) <= set(index.events)
        assert not retired & set(mapping.values())
    _, rebuilt = rebuild(corpus(), settings)
    assert index.assignments() == rebuilt  # the same partition and the same event ids
    late = article("m2d", "Velt and Oskan agree shipyard in Lindau",
                   "Mira Oskan and Arno Velt, meeting in Lindau, agreed the joint shipyard for warships.", "2023-03-15")
    assert index.place(late) == rebuilt["m2a"]  # placement goes on from the refined events


def test_a_refinement_keeps_a_copy_with_its_original(settings):
    index = EventIndex(settings)
    arts = corpus()
    for a in arts:
        index.place(a)
    copy = article("copy", "Totally different headline", "Unrelated words about weather.", "2024-01-01",
                   duplicate_of=arts[0].id)
    index.place(copy)
    index.refine([index.story_of(index.assignments()["copy"])])
    assert index.assignments()["copy"] == index.assignments()[arts[0].id]


def test_a_syndicated_copy_joins_its_originals_event(settings):
    index = EventIndex(settings)
    original = corpus()[0]
    index.place(original)
    copy = article("copy", "Totally different headline", "Unrelated words about weather.", "2024-01-01",
                   duplicate_of=original.id)
    assert index.place(copy) == original.event_id


def test_from_articles_keeps_stored_assignments_and_places_new_ones(settings):
    stored = corpus()
    _, assign = rebuild(stored, settings)
    index = EventIndex.from_articles(stored, settings)
    assert index.assignments() == assign
    late = article("m2d", "Velt and Oskan agree shipyard in Lindau",
                   "Mira Oskan and Arno Velt, meeting in Lindau, agreed the joint shipyard for warships.", "2023-03-15")
    assert index.place(late) == assign["m2a"]


def test_date_penalty_is_full_a_year_apart_and_none_within_slack():
    w = Weights()
    same = {"vector": 1, "terms": 1, "actors": 1, "places": 1, "facts": 1}
    assert combine({**same, "days": 1}, w) == pytest.approx(w.vector + w.terms + w.actors + w.places + w.facts)
    assert combine({**same, "days": 365}, w) < 0.5 * combine({**same, "days": 1}, w)
    assert combine({**same, "days": -1}, w) == combine({**same, "days": 0}, w)  # unknown: no penalty


def test_average_link_of_aggregates_is_the_mean_pairwise_similarity():
    lex = Lexicon()
    arts = corpus()[:3]
    profiles = [Profile.from_article(a, lex) for a in arts]
    for p in profiles:
        lex.observe(p.terms, p.actors, p.places)
    singles = [Aggregate.single(p, lex) for p in profiles]
    pair = Aggregate("x")
    pair.add(singles[0])
    pair.add(singles[1])
    expected = (signals(singles[0], singles[2])["terms"] + signals(singles[1], singles[2])["terms"]) / 2
    assert signals(pair, singles[2])["terms"] == pytest.approx(expected, rel=1e-5)


def test_terms_keep_numbers_and_phrases_and_drop_stop_words():
    t = terms_of("The navy caught 23 pirates, the navy's captain said.")
    assert t["navy"] == 2 and t["23"] == 1 and t["pirates"] == 1 and "the" not in t
    assert t["navy_caught"] == 1 and t["23_pirates"] == 1


def test_candidates_are_bounded_whatever_the_store_size():
    index = CandidateIndex(k=5, window_days=10, per_key=8)
    lex = Lexicon()
    rng = np.random.default_rng(0)
    for i in range(600):
        a = article(f"a{i}", "Shipyard talks", f"Velt and Oskan talk shipyard {i}", f"2022-0{1 + i % 9}-1{i % 10}")
        a.vector = fake_vector(f"{rng.integers(1e9)}")
        p = Profile.from_article(a, lex)
        index.add(p, ["@arno velt", "@mira oskan"])
    probe = Profile.from_article(article("q", "Shipyard talks", "Velt and Oskan", "2022-05-15"), lex)
    found = index.query(probe, ["@arno velt", "@mira oskan"])
    assert 0 < len(found) <= 5 + 2 * 8 + 2 * 2
    assert all(abs(index.days[s] - probe.day) <= 10 for s in found)


def test_event_attributes_date_place_title_participants(settings):
    arts = corpus()
    rebuild(arts, settings)
    events = {e.id: e for e in describe_events(arts)}
    second = events[arts[2].event_id]
    assert second.articles == ["m2a", "m2b", "m2c"]
    assert second.date in ("2023-03-14", "2023-03-15") and second.date_confidence == 1.0
    assert second.place in ("Lindau", "Norland", "Sudria")
    assert set(second.participants) >= {"Arno Velt", "Mira Oskan"}
    assert second.title in {a.title for a in arts[2:5]}


def test_event_date_goes_with_the_majority():
    arts = [article(f"x{i}", "t", "Velt spoke.", d) for i, d in enumerate(["2023-01-02", "2023-01-02", "2023-01-09"])]
    event = describe_event("e-x", arts)
    assert event.date == "2023-01-02" and event.date_confidence == pytest.approx(2 / 3)


def test_undated_article_gets_its_events_date_as_inferred_publication(settings):
    arts = corpus()
    rebuild(arts, settings)
    changed = infer_published(arts, describe_events(arts))
    undated = next(a for a in arts if a.id == "m2c")
    assert [a.id for a in changed] == ["m2c"]
    assert (undated.published, undated.published_how) in {("2023-03-14", "inferred"), ("2023-03-15", "inferred")}
    stated = next(a for a in arts if a.id == "m2a")
    assert (stated.published, stated.published_how) == ("2023-03-14", "stated")


def test_undated_report_naming_the_later_place_joins_the_later_meeting(settings):
    arts = corpus()[:4] + [article("m2x", "Shipyard deal nears",
                                   "Arno Velt told reporters in Lindau after meeting Mira Oskan that the joint shipyard "
                                   "for warships was close. Norland and Sudria will sign in the autumn.", None)]
    _, assign = rebuild(arts, settings)
    assert assign["m2x"] == assign["m2a"]


def test_many_identical_vectors_still_give_candidates():
    """hnswlib cannot fill a k-NN query among many identical vectors; the index must still answer."""
    from storyline.events.features import Bag

    index = CandidateIndex(k=30, window_days=10)
    empty = Bag()
    same = np.ones(8, dtype=np.float32) / np.sqrt(8)
    for i in range(300):
        index.add(Profile(f"a{i}", empty, empty, empty, frozenset(), 1000, same), [])
    found = index.query(Profile("new", empty, empty, empty, frozenset(), 1000, same), [])
    assert 0 < len(found) <= 30


def _dated(a, phrase: str, first: str, last: str, granularity: str):
    """``a`` with the time mention ``phrase`` (found in its text) resolved to ``first``..``last``."""
    from storyline.models import TimeMention

    start = a.text.index(phrase)
    a.times = [TimeMention(start, start + len(phrase), phrase, first, last, granularity)]
    a.sentences = [(m.start(), m.end()) for m in __import__("re").finditer(r"[^.]+\.", a.text)]
    return a


def _shooting_and_trial(lead: bool):
    shooting = [
        article("s1", "Two killed in Kelport bakery shooting",
                "Yvla Hant shot two co-workers dead at the Kelport bakery on Thursday. Police arrested Hant at the "
                "scene. The bakery stayed closed.", "2010-09-09"),
        article("s2", "Kelport bakery gunwoman held",
                "Police in Kelport held Yvla Hant after two co-workers were shot dead at the bakery. Hant had been "
                "suspended. The bakery stayed closed.", "2010-09-10"),
    ]
    who = "Yvla Hant, the suspended worker who shot two co-workers dead at the Kelport bakery"
    text = (f"A jury on Monday convicted {who} in September 2010. Police had arrested Hant at the scene. "
            "The bakery stayed closed for a month.") if lead else (
            f"A jury on Monday convicted {who}. Police had arrested Hant at the scene. "
            "The bakery stayed closed for a month after the shooting in September 2010.")
    trial = _dated(article("t1", "Hant convicted of Kelport bakery killings", text, "2012-09-10"),
                   "September 2010", "2010-09-01", "2010-09-30", "month")
    return shooting, trial


@pytest.mark.parametrize("lead", [True, False])
def test_a_follow_up_that_names_the_date_in_its_lead_joins_the_event_beyond_the_gap(settings, lead):
    shooting, trial = _shooting_and_trial(lead)
    _, assign = rebuild([*shooting, trial], settings)
    assert assign["s1"] == assign["s2"]
    assert (assign["t1"] == assign["s1"]) is lead  # recalled further down, it is a later happening
    assert trial.story_id == shooting[0].story_id  # of the same story either way
    index = EventIndex(settings)
    for a in [*shooting, trial]:
        index.place(a)
    assert (index.event_of["t1"] == index.event_of["s1"]) is lead


def test_referenced_days_are_the_leads_dates_widened_by_the_slack():
    from storyline.events.features import REFERENCE_SLACK_DAYS, referenced_days, refers_to

    _, trial = _shooting_and_trial(lead=True)
    (lo, hi), = referenced_days(trial)
    assert (lo, hi) == (date(2010, 9, 1).toordinal() - REFERENCE_SLACK_DAYS,
                        date(2010, 9, 30).toordinal() + REFERENCE_SLACK_DAYS)
    assert refers_to([(lo, hi)], (date(2010, 9, 9).toordinal(),) * 2)
    assert not refers_to([(lo, hi)], (date(2011, 3, 1).toordinal(),) * 2)
    assert not refers_to([(lo, hi)], None)
    trial.times[0].granularity = "year"  # "in 2010" is too vague to name a happening
    assert referenced_days(trial) == ()


def test_event_place_is_where_the_articles_say_it_happened():
    from storyline.events.attributes import venue

    arts = [
        article("v1", "Velt and Oskan meet", "Arno Velt met Mira Oskan in Lindau on Tuesday. Norland and Sudria "
                "talked about the war in Ostmarsh, the war in Ostmarsh and Norland again.", "2023-03-14"),
        article("v2", "Lindau talks", "Talks in Lindau ended late. Sudria worries about the war in Ostmarsh.",
                "2023-03-14"),
    ]
    assert venue(arts) == "Lindau"  # not Norland, named most; not Ostmarsh, the background
    assert describe_event("e-v", arts).place == "Lindau"


def test_event_place_prefers_the_town_to_the_country_it_is_in():
    from storyline.events.attributes import venue

    a = article("v3", "Shipyard deal", "Building warships in Norland is the aim. Velt arrived in Kelport, Norland, "
                "on Monday.", "2023-03-14")
    assert venue([a]) == "Kelport"


def test_event_place_falls_back_to_the_place_named_most():
    a = article("v4", "Velt speaks", "Norland wants ships. Norland and Sudria agree.", "2023-03-14")
    assert describe_event("e-v4", [a]).place == "Norland"


def _two_quakes():
    """A dated quake (4 reports), an earlier smaller one on the same island reported by 3 undated
    articles that agree among themselves, and one undated report of the dated quake."""
    dated = [
        article("q1", "Strong quake kills ten on Lindau island",
                "A magnitude 6.1 earthquake struck Lindau island on Sunday, killing ten people and flattening seven "
                "villages. Rescue teams handed out tents and blankets to survivors.", "2015-11-27"),
        article("q2", "Lindau quake death toll rises to ten",
                "The death toll from Sunday's magnitude 6.1 earthquake on Lindau island rose to ten as rescuers "
                "searched flattened villages. Survivors spent the night in tents.", "2015-11-28"),
        article("q3", "Survivors shelter in tents after Lindau quake",
                "Survivors of the earthquake that flattened seven villages on Lindau island and killed ten people "
                "slept in tents. Rescue teams brought blankets and water.", "2015-11-28"),
        article("q4", "Earthquake flattens villages on Lindau",
                "Seven villages were flattened and ten people killed when a magnitude 6.1 earthquake hit Lindau "
                "island. Tents and blankets were sent to the survivors.", "2015-11-27"),
    ]
    undated = [
        article("u1", "Quake injures five near Dargo on Lindau",
                "A magnitude 5.6 earthquake struck Lindau island near the town of Dargo, injuring five people. "
                "Aftershocks shook the port of Dargo on Monday, and rescue teams handed out tents and blankets.", None),
        article("u2", "Five injured as 5.6 quake jolts Dargo",
                "Five people were injured when a 5.6 magnitude earthquake jolted Dargo on Lindau island, damaging "
                "villages. Aftershocks rattled the Dargo port on Monday; survivors spent the night in tents.", None),
        article("u3", "Dargo quake: five injured, villages damaged",
                "An earthquake of magnitude 5.6 injured five people in Dargo, the port town of Lindau island, "
                "and damaged villages. Aftershocks followed on Monday; rescue teams handed out tents.", None),
    ]
    lone = article("l1", "Ten dead as quake flattens Lindau villages",
                   "Ten people died and seven villages were flattened by the magnitude 6.1 earthquake on Lindau "
                   "island. Survivors slept in tents.", None)
    return [*dated, *undated, lone, *corpus()]


@pytest.mark.parametrize("cohesion", [0.7, 0.0])
def test_undated_reports_that_agree_among_themselves_stay_apart_from_a_dated_look_alike(cohesion):
    settings = Settings()
    settings.event_undated_cohesion = cohesion
    arts = _two_quakes()
    _, assign = rebuild(arts, settings)
    assert assign["u1"] == assign["u2"] == assign["u3"]
    assert assign["q1"] == assign["q2"] == assign["q3"] == assign["q4"] == assign["l1"]  # a lone undated report joins
    assert (assign["u1"] != assign["q1"]) is (cohesion > 0)  # with the rule off, nothing keeps them apart
    assert len({a.story_id for a in arts if a.id[0] in "qul"}) == 1  # one island's quakes: one story
    if not cohesion:
        return  # below: ingest under the rule (with it off, the fixture's hashed kind vectors keep the
        # Dargo reports' story too far from the island's for ingest's story joins)
    index = EventIndex(settings)  # ingest (placement, then refinement) agrees with the rebuild
    for a in canonical_order(_two_quakes()):
        index.place(a)
    index.refine({index.story_of(event_id) for event_id in set(index.event_of.values())})
    assert index.assignments() == assign


@pytest.mark.parametrize("recall", ["their first talks since June 2022", "a year after the previous talks in June 2022",
                                    "on the anniversary of their June 2022 talks"])
def test_a_lead_recalling_the_last_occurrence_does_not_bridge_a_recurring_event(settings, recall):
    from storyline.events.features import referenced_days

    text = "Arno Velt met Mira Oskan in Kelport to discuss a joint shipyard for warships."
    first = [article(f"j{i}", "Velt meets Oskan on shipyard", text, day) for i, day in enumerate(["2022-06-10", "2022-06-11"])]
    again = _dated(article("k1", "Velt meets Oskan on shipyard again",
                           f"Arno Velt met Mira Oskan in Kelport on Monday, {recall}. They discussed a joint shipyard "
                           "for warships.", "2023-06-12"), "June 2022", "2022-06-01", "2022-06-30", "month")
    assert referenced_days(again) == ()
    _, assign = rebuild([*first, again], settings)
    assert assign["j0"] == assign["j1"] != assign["k1"]
    assert again.story_id == first[0].story_id
    followed = _dated(article("k2", "Velt meets Oskan on shipyard again",
                              "Arno Velt met Mira Oskan in Kelport on Monday to sign what their June 2022 talks "
                              "agreed. They discussed a joint shipyard for warships.", "2023-06-12"),
                      "June 2022", "2022-06-01", "2022-06-30", "month")
    assert referenced_days(followed)  # without the recalling words, the lead would bridge the gap
    _, assign = rebuild([*first, followed], settings)
    assert assign["k2"] == assign["j0"]
