"""Stories as users see them: events linked over time, in date order, with a title.

Which events form a story is decided in :mod:`.linking` (the ``story`` model of
:mod:`.model`: the same main protagonists and subject, at any distance in time);
this module describes the result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..models import Event, Story

__all__ = ["describe_stories"]


def describe_stories(events: Iterable[Event]) -> list[Story]:
    """Stories from events carrying ``story_id``: events in date order (undated last), and a title.

    The title is the title of the story's largest event (ties: the earliest).
    """
    groups: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.story_id:
            groups[e.story_id].append(e)
    stories = []
    for story_id in sorted(groups):
        members = sorted(groups[story_id], key=lambda e: (e.date is None, e.date or "", e.id))
        main = min(members, key=lambda e: (-len(e.articles), e.date is None, e.date or "", e.id))
        stories.append(Story(id=story_id, title=main.title, events=[e.id for e in members]))
    return stories
