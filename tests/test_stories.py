"""Linking events into stories: same protagonists and subject at any distance in time."""

import random

import pytest

from _events_fixtures import GOLD_STORIES, article, corpus, groups
from storyline.events import EventIndex, rebuild
from storyline.events.attributes import describe_events
from storyline.events.features import Aggregate
from storyline.settings import Settings
from storyline.stories import describe_stories, join_clear_neighbours, story_id_for


@pytest.fixture
def settings():
    return Settings()


def stories_of(articles):
    return groups({a.id: a.story_id for a in articles})


def test_two_meetings_a_year_apart_are_one_story_and_the_flood_another(settings):
    arts = corpus()
    rebuild(arts, settings)
    assert len({a.event_id for a in arts}) == 3
    assert stories_of(arts) == sorted(GOLD_STORIES, key=sorted)


def test_incremental_linking_matches_rebuild(settings):
    index = EventIndex(settings)
    arts = sorted(corpus(), key=lambda a: (a.published is None, a.published or "", a.id))
    for a in arts:
        index.place(a)
    assert stories_of(arts) == sorted(GOLD_STORIES, key=sorted)


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
    later = article("m3", "Velt and Oskan open the joint shipyard",
                    "Arno Velt and Mira Oskan opened the joint shipyard for warships in Kelport; Norland and "
                    "Sudria signed the ferry treaty too.", "2026-05-20")
    event_id = index.place(later)
    assert event_id not in {a.event_id for a in arts}
    assert later.story_id == arts[0].story_id


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
    assert meetings.id == story_id_for(sorted({arts[0].event_id, arts[2].event_id})[0])


def _join(scores: dict[tuple[int, int], float], events: dict[int, int], floor=0.12, margin=0.03):
    """Run join_clear_neighbours on clusters 0..n-1 with the given pair scores and events per cluster."""
    n = len(events)
    clusters = {i: Aggregate(str(i)) for i in range(n)}
    for i in clusters:
        clusters[i].members.append(str(i))
    root, member = {}, 0
    for i in range(n):  # cluster i holds events[i] events (member indices)
        for _ in range(events[i]):
            root[member] = i
            member += 1
    neighbours = {i: {j for j in range(n) if j != i} for i in range(n)}

    def score(a, b):
        x, y = sorted((int(a.members[0]), int(b.members[0])))
        return scores.get((x, y), 0.0)

    return join_clear_neighbours(clusters, neighbours, root, score, floor, margin), root


def test_a_lone_event_joins_the_story_that_is_its_clear_nearest_neighbour():
    scores = {(0, 1): 0.20, (0, 2): 0.10, (1, 2): 0.12, (2, 3): 0.05}
    pairs, root = _join(scores, {0: 1, 1: 1, 2: 1, 3: 1})
    assert pairs == [(0, 1)]
    assert set(root.values()) == {0, 2, 3}


def test_no_join_without_a_clear_margin_a_floor_or_a_lone_event():
    base = {(0, 1): 0.20, (0, 2): 0.10, (1, 2): 0.12, (2, 3): 0.05}
    assert _join({**base, (1, 2): 0.18}, {0: 1, 1: 1, 2: 1, 3: 1})[0] == []  # 0.20 vs 0.18: not clear
    assert _join(base, {0: 1, 1: 1, 2: 1, 3: 1}, floor=0.25)[0] == []  # below the floor
    assert _join(base, {0: 2, 1: 3, 2: 1, 3: 1})[0] == []  # two stories of several events each stay apart
    assert _join({(0, 1): 0.5}, {0: 1, 1: 1})[0] == []  # only two stories: nothing to be clearer than


def _joinable(scores: dict[tuple[int, int], float], events: dict[int, int], story: int, floor=0.12, margin=0.03):
    """What ingest's refinement decides for ``story``, given the pair scores its story index would find."""
    from storyline.stories import StoryIndex

    index = StoryIndex(Settings(story_neighbour_floor=floor, story_neighbour_margin=margin))
    index.ranked_others = lambda s: sorted(
        ((scores.get((min(s, t), max(s, t)), 0.0), t) for t in events if t != s), key=lambda x: (-x[0], x[1]))
    return index.joinable(story, events.get)


@pytest.mark.parametrize("scores, events, floor", [
    ({(0, 1): 0.20, (0, 2): 0.10, (1, 2): 0.12, (2, 3): 0.05}, {0: 1, 1: 1, 2: 1, 3: 1}, 0.12),
    ({(0, 1): 0.20, (0, 2): 0.10, (1, 2): 0.18, (2, 3): 0.05}, {0: 1, 1: 1, 2: 1, 3: 1}, 0.12),
    ({(0, 1): 0.20, (0, 2): 0.10, (1, 2): 0.12, (2, 3): 0.05}, {0: 1, 1: 1, 2: 1, 3: 1}, 0.25),
    ({(0, 1): 0.20, (0, 2): 0.10, (1, 2): 0.12, (2, 3): 0.05}, {0: 2, 1: 3, 2: 1, 3: 1}, 0.12),
    ({(0, 1): 0.15}, {0: 1, 1: 1}, 0.12),  # only two stories: nothing to be clearer than
])  # fmt: skip
def test_ingest_joins_clear_neighbours_by_the_rebuilds_rule(scores, events, floor):
    below = {pair: s for pair, s in scores.items() if s < Settings().story_threshold}
    pairs, _ = _join(below, events, floor=floor)
    partner = {a: b for a, b in pairs} | {b: a for a, b in pairs}
    for story in events:
        assert _joinable(below, events, story, floor=floor) == partner.get(story)


def test_ingest_joins_the_best_story_at_the_threshold_whatever_its_neighbours():
    t = Settings().story_threshold
    scores = {(0, 1): t + 0.02, (0, 2): t + 0.01}  # no clear margin, but over story_threshold
    assert _joinable(scores, {0: 4, 1: 5, 2: 6}, 0) == 1


def test_events_of_one_subject_sharing_a_main_person_start_in_one_story():
    from storyline.events.clustering import recurring

    arts = corpus()
    for a in arts:
        a.event_id = {"m1": "e1", "m2": "e2", "f1": "e3", "f2": "e3"}[a.id[:2]]
    assert recurring(arts, ["s"] * len(arts)) == [["e1", "e2"]]  # Velt and Oskan again; the flood names Brel
    assert recurring(arts, ["s" if a.event_id == "e1" else "t" for a in arts]) == []  # other subjects: no link
    m2 = [a for a in arts if a.event_id == "e2"]
    for a in m2[1:]:
        a.mentions = [m for m in a.mentions if m.label != "PERSON"]
    assert recurring(arts, ["s"] * len(arts)) == []  # named by one of the meeting's three reports: not a main person
