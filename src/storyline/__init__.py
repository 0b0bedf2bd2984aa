"""storyline: turn a pile of news articles into tracked events and stories.

The public API is what ``__all__`` lists; every other module is an implementation detail.
"""

from .errors import (
    ArticleFailed,
    BadParameter,
    EmptyInput,
    EngineFailed,
    InputError,
    InputTooLarge,
    MalformedLine,
    ModelMissing,
    NotFound,
    SettingsError,
    StageFailed,
    StoreBusy,
    StoreError,
    StorylineError,
    UnreadableInput,
)
from .models import Article, Event, Figure, Mention, Quote, Removed, Story, TimeMention
from .settings import SETTINGS, Setting, Settings

__all__ = [
    "Article",
    "ArticleFailed",
    "BadParameter",
    "EmptyInput",
    "EngineFailed",
    "Event",
    "Figure",
    "InputError",
    "InputTooLarge",
    "MalformedLine",
    "Mention",
    "ModelMissing",
    "NotFound",
    "Quote",
    "Removed",
    "SETTINGS",
    "Setting",
    "Settings",
    "SettingsError",
    "StageFailed",
    "StoreBusy",
    "StoreError",
    "Story",
    "StorylineError",
    "TimeMention",
    "UnreadableInput",
]
