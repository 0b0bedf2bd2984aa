"""Linking events into stories: the second step of placing a batch (:mod:`.placement`).

A story is the same protagonists and subject over time. The stories of the events a
batch formed or changed, and the stored stories those events could continue (one of
them reaches ``story_threshold`` against one of their events), are taken apart (up to
:data:`DISSOLVE_STORY` events; a larger story takes part whole) and their events
clustered again with the stories their candidates belong to, at any distance in time,
by best-first agglomeration (:mod:`.agglomerate`). The ``story`` model of :mod:`.model`
decides while it reaches ``story_threshold``.

:class:`StoryLinking` is that step, and the stories it keeps: which story each event
is in, and each stored story's sums, brought up to date from the events noted as
changed since they were made (:meth:`StoryLinking._changed`), not summed afresh at
every batch. :class:`~.placement.EventIndex` places events and inherits it; it reads
the index's events and their candidates (see :class:`StoryLinking`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from .agglomerate import agglomerate, grouped
from .bags import Lexicon
from .clusters import Aggregate
from .features import Profile
from .ids import canonical_key, reused_id, story_id_for
from .model import Models
from .pairs import story_rows

STORY_PROBES = 8  # articles of an event whose candidates (at any distance in time) give its candidate stories
DISSOLVE_STORY = 32  # stories of up to this many events are taken apart when a batch meets them (larger ones are
# joined whole, and never split)
CHANGES_KEPT = 1 << 16  # events changed that the index remembers (see StoryLinking._changed)


class StoryLinking:
    """Events linked into stories, and the stories kept, for :class:`~.placement.EventIndex`, which inherits it.

    It reads what the index keeps of events (declared below) and keeps the stories (:meth:`_init_stories`, which
    the index's constructor calls). The event step changes them in two places only: placing a batch takes the
    events it takes apart or merges away out of their stories (``story_of_event``, ``story_events``), noting each
    (:meth:`_changed`), and a start-up links and sums the stored ones (``assign``, :meth:`_link`,
    :meth:`_store_story`)."""

    events: dict[str, Aggregate]  # event id -> its aggregate
    event_of: dict[str, str]  # article id -> event id
    far: dict[str, list[str]]  # article id -> candidate articles at any distance in time
    profiles: dict[str, Profile]
    lexicon: Lexicon
    models: Models
    story_threshold: float

    def _init_stories(self) -> None:
        """No story yet: called by the index's constructor."""
        self.stories: dict[str, Aggregate] = {}
        self.summed: dict[str, Summed] = {}  # story id -> the event aggregates its stored sums hold
        self.change_log: list[str] = []  # events whose aggregate or story changed, in order (:meth:`_changed`)
        self.changes_dropped = 0  # how many of them were let go from the front of the list
        self.story_events: dict[str, set[str]] = {}
        self.story_of_event: dict[str, str] = {}

    def story_of(self, event_id: str | None) -> str | None:
        """The story an event is in (None: not placed yet, or taken out of its story while a batch is placed)."""
        return self.story_of_event.get(event_id or "")

    def story_probabilities(self, a: Aggregate, others: list[Aggregate]) -> np.ndarray:
        """P(one story) of ``a`` with each of ``others``: the ``story`` model's, and 0 where the two name no one and
        nowhere in common (:class:`.pairs.StoryRows`)."""
        rows = story_rows(a, others, self.lexicon)
        return np.where(rows.share_a_name, self.models.story.probability(rows.x), 0.0)

    def story_key(self, unit: str) -> tuple:
        """Stories taken whole sort first (they keep their ids), then events by their first article, canonically."""
        if unit.startswith("s:"):
            return (0, unit)
        first = min(self.events[unit[2:]].members, key=lambda a: canonical_key(self.profiles[a].day, a))
        return (1, canonical_key(self.profiles[first].day, first))

    def _place_stories(self, touched: set[str], grown: set[str], old_story: dict[str, str]) -> set[str]:
        """Link the touched events into stories: the stories the touched events (and the events taken
        apart) were in, and the stored stories the events formed or changed could continue
        (:meth:`_reachable_stories`), are taken apart into their events and agglomerated again with the
        stories next to them; a story too large to take apart takes part whole with the events of it that
        only grew. Returns the events whose story changed."""
        units, pairs, loose, previous = self._story_graph(touched, grown, old_story)
        root = agglomerate(units, pairs, self.story_probabilities, self.story_threshold, self.story_key)
        relinked = self._apply_stories(grouped(root), units, previous)
        return {e for e in loose if self.story_of(e) != previous.get(e)} | relinked

    def _story_graph(self, touched: set[str], grown: set[str], old_story: dict[str, str]
                     ) -> tuple[dict[str, Aggregate], set[tuple[str, str]], set[str], dict[str, str]]:  # fmt: skip
        """The stories of :meth:`_place_stories` taken apart: the units to agglomerate (``n:`` an event
        loose, ``s:`` a story whole), the candidate pairs between them, the loose events, and the story
        each loose event was in before."""
        doubtful = {e for e in grown if not self._still_fits(e)}
        loose_stories = {self.story_of(e) for e in (touched - grown) | doubtful} | set(old_story.values())
        loose_stories = {s for s in loose_stories if s is not None and len(self.story_events.get(s, ())) <= DISSOLVE_STORY}
        reached = self._reachable_stories((touched - grown) | doubtful, loose_stories)
        loose = touched - grown
        previous: dict[str, str] = {}
        pairs = set()
        for story_id in sorted(loose_stories | reached):
            events = sorted(self.story_events.pop(story_id, set()))
            for event_id in events:
                loose.add(event_id)
                previous[event_id] = story_id
            self._drop_story(story_id)
            if story_id in reached:  # its events are compared with each other, and met by the probes of the rest
                pairs.update(("n:" + a, "n:" + b) for i, a in enumerate(events) for b in events[i + 1:])
        for event_id in loose:
            story_id = self.story_of_event.pop(event_id, None)
            previous.setdefault(event_id, story_id or old_story.get(event_id))
            if story_id in self.story_events:  # a story too big to take apart
                self.story_events[story_id].discard(event_id)
                self._changed(event_id)
        loose |= {e for e in grown if self.story_of(e) is None}  # its story was taken apart
        units: dict[str, Aggregate] = {"n:" + e: self.events[e] for e in loose}
        probes = [(e, "n:" + e) for e in sorted(loose) if previous.get(e) not in reached]
        for event_id in sorted(grown - loose):
            story_id = self.story_of(event_id)
            units["s:" + story_id] = self._story_with(story_id)
            probes.append((event_id, "s:" + story_id))
        for event_id, me in probes:
            for other in self._far_events(event_id):
                if other in loose:
                    pairs.add((me, "n:" + other))
                else:
                    story_id = self.story_of(other)
                    if "s:" + story_id not in units:
                        units["s:" + story_id] = self._story_with(story_id)
                    pairs.add((me, "s:" + story_id))
        return units, pairs, loose, previous

    def _apply_stories(self, groups: dict[str, list[str]], units: dict[str, Aggregate], previous: dict[str, str]) -> set[str]:
        """Store the stories the agglomeration formed (``groups``: root unit -> its units): a story taken
        whole keeps its id and takes in the others' events, a new one takes the id most of its events had.
        Returns the events of stories joined to another whole."""
        relinked: set[str] = set()
        for r in sorted(groups, key=self.story_key):
            members = groups[r]
            if r.startswith("s:"):
                story_id = r[2:]
                for other in members:
                    if other.startswith("s:") and other != r:
                        for event_id in self.story_events.pop(other[2:]):
                            self._link(event_id, story_id)
                            relinked.add(event_id)
                        self._drop_story(other[2:])
                if len(members) == 1:
                    continue
            else:
                votes = Counter(previous[u[2:]] for u in members if previous.get(u[2:]))
                story_id = reused_id(votes, self.stories, story_id_for(r[2:]))
            for u in members:
                if u.startswith("n:"):
                    self._link(u[2:], story_id)
            self._store_story(story_id, units[r])
        return relinked

    def _reachable_stories(self, events: set[str], taken: set[str]) -> set[str]:
        """The stored stories next to ``events`` (those formed or changed; not those that only grew and still
        fit their story) that one of them could continue: stories of up to :data:`DISSOLVE_STORY` events, not
        in ``taken`` (already taken apart), with an event against which one of ``events``, alone, reaches the
        story threshold. They are taken apart and clustered again with them, as a rebuild would: joined
        whole, a story that a new event continues could be chained to another through it. Their events are
        compared with each other and met by the probes of the rest, but do not probe (that would widen
        every ingest to the stories around theirs): the stories they could continue take part whole."""
        found: set[str] = set()
        if not self.story_events:  # a rebuild, or an empty store: no stored story
            return found
        for event_id in sorted(events):
            near = [o for o in self._far_events(event_id) if o not in events
                    and (story_id := self.story_of(o)) is not None and story_id not in found and story_id not in taken
                    and len(self.story_events.get(story_id, ())) <= DISSOLVE_STORY]  # fmt: skip
            if near:
                probability = self.story_probabilities(self.events[event_id], [self.events[o] for o in near])
                found.update(self.story_of(o) for o, q in zip(near, probability, strict=True) if q >= self.story_threshold)
        return found

    def _far_events(self, event_id: str) -> list[str]:
        """The other events holding a candidate at any distance in time of one of the first
        :data:`STORY_PROBES` articles of ``event_id``, in order."""
        found = {self.event_of.get(j) for a in self.events[event_id].members[:STORY_PROBES] for j in self.far[a]}
        return sorted(found - {None, event_id})

    def _still_fits(self, event_id: str) -> bool:
        """Whether an event that grew still continues the rest of its story, by the ``story`` model."""
        story_id = self.story_of(event_id)
        if len(self.story_events.get(story_id, ())) < 2:
            return True
        event = self.events[event_id]
        rest = self._story_with(story_id).without(event)
        return bool(self.story_probabilities(event, [rest])[0] >= self.story_threshold)

    def _link(self, event_id: str, story_id: str) -> None:
        self.story_of_event[event_id] = story_id
        self.story_events.setdefault(story_id, set()).add(event_id)  # the story is stored afresh after (or not yet)

    def _story_with(self, story_id: str) -> Aggregate:
        """A stored story's aggregate, brought up to date with its events: the events that changed since it
        was summed are taken out as they were and added as they are, in one pass over its sums (rather than
        one per event). It is summed afresh when its sums are unknown, or once its updates (an event taken
        out or added counts one each) outnumber its events, so rounding stays bounded. Only the events changed
        since are looked at (:meth:`_changed`), not every event of the story, when they are fewer."""
        events = self.story_events[story_id]
        story, summed = self.stories.get(story_id), self.summed.get(story_id)
        if story is not None and summed is not None:
            since = summed.seen - self.changes_dropped  # where its changes begin in the log (< 0: let go)
            noted = len(self.change_log) - since
            maybe = set(self.change_log[since:]) if 0 <= since and noted < len(events) + len(summed.parts) \
                else summed.parts.keys() | events
            summed.seen = self.changes_dropped + len(self.change_log)
            out = sorted(e for e in maybe if (agg := summed.parts.get(e)) is not None
                         and (e not in events or self.events.get(e) is not agg))  # fmt: skip
            new = sorted(e for e in maybe if e in events and summed.parts.get(e) is not self.events[e])
            if not out and not new:
                return story
            summed.updates += len(out) + len(new)
            if summed.updates <= len(events):
                grown = story.without(*(summed.parts.pop(e) for e in out))  # a new aggregate, never the stored one
                grown.add(*(self.events[e] for e in new))
                summed.parts.update((e, self.events[e]) for e in new)
                self.stories[story_id] = grown
                return grown
        story = Aggregate(story_id)
        story.add(*(self.events[e] for e in sorted(events)))
        self._store_story(story_id, story)
        return story

    def _changed(self, *event_ids: str) -> None:
        """Note events whose aggregate is replaced or taken out: a stored story's sums (:meth:`_story_with`) can
        differ from its events' only in those noted since it was summed (an event leaves a stored story when taken
        apart, merged away, or taken out of a story too large to take apart, each noted; it joins one only as the
        story is stored afresh).
        The oldest notes are let go once :data:`CHANGES_KEPT` are kept (a story summed before them is then checked
        event by event)."""
        self.change_log.extend(event_ids)
        if len(self.change_log) > CHANGES_KEPT:
            half = len(self.change_log) // 2
            del self.change_log[:half]
            self.changes_dropped += half

    def _store_story(self, story_id: str, story: Aggregate) -> None:
        """Keep ``story`` as the sums of the story's events as they are now."""
        self.stories[story_id] = story
        self.summed[story_id] = Summed({e: self.events[e] for e in sorted(self.story_events[story_id])},
                                       seen=self.changes_dropped + len(self.change_log))

    def _drop_story(self, story_id: str) -> None:
        self.stories.pop(story_id, None)
        self.summed.pop(story_id, None)


@dataclass
class Summed:
    """What a stored story's sums hold: each of its events' aggregate as it was added (placement replaces
    an event's aggregate when the event changes, never changes it: only :meth:`~.placement.EventIndex.assign`, before
    any batch is placed, folds into one), and how many were taken out or added since it was summed afresh."""

    parts: dict[str, Aggregate]
    updates: int = 0
    seen: int = -1  # changes noted (StoryLinking.change_log, counted from the first) when last brought up to date
