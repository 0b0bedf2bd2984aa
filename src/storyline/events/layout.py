"""Keeping an index's clusters together in memory: :class:`Layout`, which :class:`~.placement.EventIndex` inherits.

Placement replaces an event's aggregate whenever the event changes, and a new aggregate's dozen small arrays and
tables land wherever the agglomeration's discarded ones left room. After many batches in one process the events a
placement reads (some thirty) lie scattered, and placement at 100k articles was about a sixth slower than in the
same index loaded afresh (``bench/layout.py``, docs/scaling.md). :meth:`Layout.lay_out` copies them out afresh,
one after the other; the index calls it after a batch (:meth:`Layout.placed_for`) once a share of the time spent
placing since the last lay-out (:data:`LAY_OUT_SHARE`) exceeds what laying out the events held would take, so that
however large the index, laying out costs about that share of placing, and a short run (an ``ingest`` of a few
files into a large store) pays nothing.
"""

from __future__ import annotations

import gc
import io
import itertools
import pickle
import time
from contextlib import contextmanager
from typing import Any

LAY_OUT_SHARE = 0.05  # laying the clusters out afresh takes about this share of the time spent placing
LAY_OUT_SAMPLE = 64  # events whose copy is timed to foresee a first lay-out's cost
LAY_OUT_CHUNK = 1000  # events copied by one pickle round trip: what a lay-out holds pickled at once


@contextmanager
def _no_collection():
    """The garbage collector held off while objects are copied in bulk: a full collection of a large index's
    objects in the middle would take longer than the copy (and, in the sample, put the first lay-out off)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Pickler(pickle.Pickler):
    """Pickles an object whose aggregates already copied (``copies``: id of the original -> its copy) are left
    out, to be taken as their copies when unpickled (:func:`_copied`)."""

    def __init__(self, file: io.BytesIO, copies: dict[int, Any]):
        super().__init__(file, protocol=4)
        self.copies = copies

    def persistent_id(self, obj: Any) -> int | None:
        return id(obj) if id(obj) in self.copies else None


def _copied(obj: Any, copies: dict[int, Any]) -> Any:
    """``obj`` copied by one pickle round trip (protocol 4: each array an allocation of its own, not a view into
    one buffer), keeping what its parts share; a part already in ``copies`` (whose originals must stay alive) is
    its copy."""
    if not copies:  # nothing to look up: no call per object pickled
        return pickle.loads(pickle.dumps(obj, protocol=4))
    buffer = io.BytesIO()
    _Pickler(buffer, copies).dump(obj)
    buffer.seek(0)
    unpickler = pickle.Unpickler(buffer)
    unpickler.persistent_load = copies.__getitem__
    return unpickler.load()


def _laid_out(aggregates: dict, copies: dict[int, Any], mapped: bool) -> dict:
    """``aggregates`` (id -> Aggregate) copied :data:`LAY_OUT_CHUNK` at a time, each copy, and its sums and
    embedding sum, noted in ``copies`` by the original's id; with ``mapped``, what ``copies`` already holds is
    taken as its copy (a story that is an event's aggregate, or holds its sums)."""
    out: dict = {}
    items = list(aggregates.items())
    for at in range(0, len(items), LAY_OUT_CHUNK):
        chunk = dict(items[at : at + LAY_OUT_CHUNK])
        copied = _copied(chunk, copies if mapped else {})
        for key, agg in chunk.items():
            new = copied[key]
            copies[id(agg)], copies[id(agg.bags)] = new, new.bags
            if agg.vsum is not None:
                copies[id(agg.vsum)] = new.vsum
        out.update(copied)
    return out


class Layout:
    """Laying an index's clusters out afresh in memory. Reads and replaces the index's ``events``, ``stories``,
    ``summed`` (a stored story's parts) and ``_fits`` (the events :meth:`~.placement.EventIndex.fit` keeps), reads
    its ``event_of``, and points its ``singles`` of one-article events at the copies."""

    events: dict
    stories: dict
    summed: dict
    _fits: dict
    singles: dict
    event_of: dict

    def _init_layout(self) -> None:
        """Nothing placed yet: called by the index's constructor."""
        self.placing_s = 0.0  # seconds spent placing since the clusters were last laid out afresh
        self.lay_out_s_per_event: float | None = None  # what the last lay-out took per event held, or before any
        # what copying a sample of them took (None: not known yet)
        self.lay_outs = 0  # how many times the clusters were laid out afresh

    def placed_for(self, seconds: float) -> None:
        """Note the time a batch took to place, and lay the clusters out afresh when that is due. A lay-out that
        runs out of memory leaves the index as it was (the copies are swapped in only once made) and the batch
        placed: it is tried again only after as much placing again."""
        self.placing_s += seconds
        if LAY_OUT_SHARE * self.placing_s > self._lay_out_cost():
            try:
                self.lay_out()
            except MemoryError:
                self.placing_s = 0.0

    def lay_out(self) -> None:
        """Lay every event's and story's aggregate (and a stored story's parts, and the events the index's ``fit``
        keeps) out in memory afresh, one after the other: the same values, the same order, and what they share
        among themselves. The events, then the stories, are copied by pickle round trips of :data:`LAY_OUT_CHUNK`
        at a time (so a lay-out never holds the index pickled whole), then the parts and fits in one more; a
        story or part that is an event's aggregate, or holds an event's sums, is that event's copy, or holds its
        copy's. An event of one article stays its article's cluster of one (the copy is both). The other clusters
        of one are left where they are: those a placement reads it mostly weighs afresh. What the copies shared
        with objects outside them, or two events in different chunks, is copied (their members' id strings): some
        memory, never a decision."""
        started = time.perf_counter()
        self._fits = {a: kept for a, kept in self._fits.items()  # only those still of its event: fit() reads no other
                      if self.events.get(self.event_of.get(a, "")) is kept[0]}
        alone = [(agg.members[0], e) for e, agg in self.events.items()
                 if agg.size == 1 and self.singles.get(agg.members[0]) is agg]
        with _no_collection():
            copies: dict[int, Any] = {}  # id of an original -> its copy; the originals stay alive until the end
            events = _laid_out(self.events, copies, mapped=False)
            stories = _laid_out(self.stories, copies, mapped=True)
            self.summed, self._fits = _copied((self.summed, self._fits), copies)
            self.events, self.stories = events, stories
            del copies
        for article_id, event_id in alone:
            self.singles[article_id] = self.events[event_id]
        self.placing_s, self.lay_outs = 0.0, self.lay_outs + 1
        self.lay_out_s_per_event = (time.perf_counter() - started) / max(1, len(self.events))

    def _lay_out_cost(self) -> float:
        """What a lay-out of the events held now would take (s): as the last one took per event, or, before any, as
        a copy of :data:`LAY_OUT_SAMPLE` of them takes."""
        if self.lay_out_s_per_event is None:
            sample = list(itertools.islice(self.events.values(), LAY_OUT_SAMPLE))
            with _no_collection():
                started = time.perf_counter()
                _copied(sample, {})
                self.lay_out_s_per_event = (time.perf_counter() - started) / max(1, len(sample))
        return self.lay_out_s_per_event * len(self.events)
