"""Small hand-written articles for the events and stories tests, with a fake embedder.

Two meetings of the same two ministers a year apart (one story, two events),
a flood in a river town (another story), and helpers to make enriched
:class:`~storyline.models.Article` objects without loading any model.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from storyline.models import Article, Mention

PEOPLE = ("Arno Velt", "Mira Oskan", "Tomas Brel", "Quent Pell", "Ada Darrow")
ORGS = ("Harbour Council",)
PLACES = ("Norland", "Sudria", "Kelport", "Ostmarsh", "Lindau", "Fenmoor")


def fake_vector(text: str, dim: int = 64, skip: frozenset = frozenset()) -> np.ndarray:
    """A deterministic bag-of-words hash embedding, unit length (``skip``: words left out)."""
    v = np.zeros(dim, np.float32)
    for word in re.findall(r"\w+", text.lower()):
        if word in skip:
            continue
        h = int(hashlib.md5(word.encode()).hexdigest(), 16)
        v[h % dim] += 1.0 if (h >> 8) % 2 else -1.0
    n = np.linalg.norm(v)
    return v / n if n else v


def mentions_of(text: str) -> list[Mention]:
    out = []
    for names, label in ((PEOPLE, "PERSON"), (ORGS, "ORG"), (PLACES, "GPE")):
        for name in names:
            for form in dict.fromkeys((name, name.split()[-1])):  # the full name first, in every run
                for m in re.finditer(rf"\b{re.escape(form)}\b", text):
                    if not any(o.start <= m.start() < o.end for o in out):
                        out.append(Mention(m.start(), m.end(), form, label, name))
    return sorted(out, key=lambda m: m.start)


def article(ident: str, title: str, text: str, day: str | None, duplicate_of: str | None = None) -> Article:
    a = Article(id=ident, source=f"{ident}.txt", raw=text, title=title, text=text, duplicate_of=duplicate_of)
    a.published, a.published_how = (day, "stated") if day else (None, "unknown")
    a.event_date, a.event_date_how = (day, "published") if day else (None, "unknown")
    a.mentions = mentions_of(f"{text}")
    a.vector = fake_vector(f"{title} {text}")
    return a


def corpus() -> list[Article]:
    """Seven articles: meeting 2022 (m1a, m1b), meeting 2023 (m2a, m2b, m2c undated), flood (f1, f2)."""
    return [
        article("m1a", "Velt and Oskan discuss joint shipyard in Kelport",
                "Norland foreign minister Arno Velt met Sudria's Mira Oskan in Kelport on Tuesday. "
                "Velt said the two countries discussed building warships together at a joint shipyard. "
                "Oskan called the talks frank and useful and said the ferry treaty was also raised.", "2022-03-08"),
        article("m1b", "Norland and Sudria weigh shipbuilding pact",
                "Talks in Kelport between Arno Velt of Norland and Mira Oskan of Sudria centred on a joint "
                "shipyard for warships. Oskan said Sudria wants shipbuilding jobs; Velt praised the ferry treaty.",
                "2022-03-09"),
        article("m2a", "Velt and Oskan meet again over warship plans",
                "A year on, Norland's Arno Velt hosted Sudria's Mira Oskan in Lindau to discuss building "
                "warships together. Velt said progress on the joint shipyard was real; Oskan raised the ferry treaty.",
                "2023-03-14"),
        article("m2b", "Sudria, Norland edge closer to joint warship production",
                "In Lindau, ministers Velt and Oskan said a joint shipyard for warships could open next year. "
                "Mira Oskan said Sudria and Norland trust each other. Arno Velt mentioned the ferry treaty.",
                "2023-03-15"),
        article("m2c", "Lindau talks: shipyard deal nears",
                "Arno Velt told reporters in Lindau after meeting Mira Oskan that progress on the joint shipyard "
                "was real and it could open next year. The Lindau talks ended with Norland and Sudria saying they "
                "trust each other.", None),
        article("f1", "River bursts its banks in Ostmarsh",
                "The river Ost flooded the town of Ostmarsh overnight, forcing two hundred families from their homes. "
                "Mayor Tomas Brel said pumps were running and the Harbour Council opened the school as a shelter.",
                "2022-11-02"),
        article("f2", "Ostmarsh flood: families sheltered in school",
                "Flood water filled the streets of Ostmarsh. Tomas Brel, the mayor, thanked the Harbour Council "
                "for the shelter in the school; pumps ran all night as the river fell.", "2022-11-03"),
    ]


GOLD_EVENTS = [{"m1a", "m1b"}, {"m2a", "m2b", "m2c"}, {"f1", "f2"}]
GOLD_STORIES = [{"m1a", "m1b", "m2a", "m2b", "m2c"}, {"f1", "f2"}]


def groups(assign: dict[str, str]) -> list[set[str]]:
    out: dict[str, set[str]] = {}
    for item, cluster in assign.items():
        out.setdefault(cluster, set()).add(item)
    return sorted(out.values(), key=lambda s: sorted(s))
