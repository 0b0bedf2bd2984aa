"""Mastheads and navigation: the page furniture that names the site, and the outlet names it gives.

Used by :mod:`storyline.cleaning` and its :mod:`storyline.line_rules` to tell page furniture from the headline, and by
:mod:`storyline.metadata` to name the outlet. Three kinds of line:

* a **navigation bar**: three or more short capitalised items separated by runs of
  spaces, pipes or middle dots ("World | Business | Sport", "News  Politics  Culture");
* a **masthead**: the outlet's name at the top of the page, before the headline. It is
  short and name-like, and shows itself as a name by its look (all capitals, a run-together
  logo word such as "CityWire", a "| English Edition" suffix) or by its place (right
  before or after navigation);
* **lines naming the outlet** elsewhere: a copyright line ("© 2021 The Daily Star. All
  rights reserved."), a promotion ("Get the Daily Star app", "Get Daily Star in your
  inbox", "Follow Daily Star for …"), a "Source:" line that is not a domain.

An outlet named only by its domain gets its spelling from the page: a phrase whose letters
(case-folded, spaces and a leading "the" ignored) equal the domain's main label
("Daily Star" for dailystar.com), the best-spelled one winning (with spaces, not all capitals).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["NEWSPAPER", "copyright_holders", "is_masthead", "is_nav_bar", "main_label", "name_from_line", "best_spelling",
           "letters"]

# the word a newspaper's name ends with ("Nordmark Daily", "The Hill Times"): such a name in a credit is the outlet
NEWSPAPER = re.compile(r"\b(?:daily|times|herald|gazette|tribune|journal|chronicle|observer|courier|telegraph|guardian|"
                       r"inquirer|sentinel|dispatch|bulletin|weekly|post)$", re.I)

_NAV_SPLIT = re.compile(r"\s{2,}|\s*[|·•]\s*")
_SMALL = {"the", "of", "and", "in", "for", "on", "de", "del", "la", "el", "le", "les", "y", "&", "und", "der", "die"}
_EDITION = re.compile(r"\s*[|–—-]\s*[\w ]{0,25}\bedi(?:tion|ción|zione)\b.*$", re.I)
_CAP_WORD = re.compile(r"^[A-Z0-9][\w.&'’-]*$")
_CAMEL = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z]+)+$")
_COPYRIGHT_NAME = re.compile(r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?,?\s*"
                             r"(?P<name>[A-Z][\w.&'’ -]{1,50}?)\s*(?:[.,|]|\ball rights\b|$)", re.I)
_HOLDER_LEAD = re.compile(r"^(?:(?:©|\(c\)|copyright\b|by\b|\d{4}(?:\s*[-–]\s*\d{4})?)[\s,.]*)+", re.I)
_PROMO_NAME = re.compile(r"\b(?i:get|download|follow|read) (?i:the )?(?P<name>[A-Z][\w&'’-]*(?: [A-Z][\w&'’-]*){0,3})\s+"
                         r"(?i:app\b|in your inbox|for the latest|on (?:facebook|twitter|x|instagram|telegram))")
_PHRASE = re.compile(r"(?:[A-Z][\w&'’-]*)(?:[ ]+(?:[A-Z][\w&'’-]*|of|and|de|del|la|el|&))*")


def is_nav_bar(line: str) -> bool:
    """Three or more short capitalised items separated by space runs, pipes or middle dots,
    or a breadcrumb of two or more ("Sport > Football")."""
    s = line.strip()
    crumbs = [i.strip() for i in re.split(r"[>›»]", s)]
    if len(crumbs) >= 2 and all(_crumb(i) for i in crumbs):
        return True
    items = [i for i in _NAV_SPLIT.split(s) if i]
    if len(items) < 3 or len(s.split()) > 24 or not _NAV_SPLIT.search(s):
        return False
    return all(len(i.split()) <= 3 and i[0].isupper() and not re.search(r"[.!?,;:\d]", i) for i in items)


def _crumb(item: str) -> bool:
    """One step of a breadcrumb: up to three words, capitalised first, no punctuation or digits."""
    return 0 < len(item.split()) <= 3 and item[0].isupper() and not re.search(r"[.!?,;:\"“”()]|\d", item)


def _name_like(s: str, max_words: int = 5) -> bool:
    words = s.split()
    return 0 < len(words) <= max_words and len(s) <= 50 and not re.search(r"[.!?,;:\"“”()]|\d", s) and \
        all(_CAP_WORD.match(w) or w.lower() in _SMALL for w in words) and bool(_CAP_WORD.match(words[0]))


def is_masthead(line: str, next_is_nav: bool, after_nav: bool) -> bool:
    """A line at the top of the page that is the outlet's name (see the module docstring)."""
    s = line.strip()
    base = _EDITION.sub("", s)
    if base != s and _name_like(base):
        return True
    if not _name_like(s, 4):
        return False
    letters_only = re.sub(r"[^A-Za-z]", "", s)
    if letters_only.isupper() and len(letters_only) >= 4:
        return True
    if len(s.split()) == 1 and _CAMEL.match(s):
        return True
    return 2 <= len(s.split()) and (next_is_nav or after_nav)  # one word alone may be a section label


def name_from_line(line: str, reason: str) -> str | None:
    """The outlet name a removed line gives (masthead, logo, copyright, source, promotion), or None."""
    s = re.sub(r"\s+", " ", line).strip()
    if reason == "masthead":
        return _display(_EDITION.sub("", s) or s)
    if reason == "logo":
        name = re.sub(r"\s+logo$", "", s, flags=re.I)
        return None if re.search(r"\.[a-z]{2,}$", name, re.I) else _display(name)
    if reason == "copyright" and (m := _COPYRIGHT_NAME.match(s)):
        return _display(m.group("name").strip(" .-"))
    if reason == "source":
        value = s.split(":", 1)[1].strip()
        return _display(value) if _name_like(value) else None
    if m := _PROMO_NAME.search(s):
        return _display(m.group("name").strip())
    return None


def copyright_holders(line: str) -> list[str]:
    """The holders a copyright line names, split where it joins them with "and" or "&": "© Copyright 2016 KRB and
    The Associated Press. All rights reserved." -> ["KRB", "The Associated Press"]. The holder is what follows
    the marks ("©", "(c)", "Copyright", "by") and the years, up to a full stop, a comma, "All rights" or a year."""
    s = re.sub(_HOLDER_LEAD, "", " ".join(line.split()))
    s = re.split(r"\.(?:\s|$)|,|\ball rights\b|\b\d{4}\b", s, maxsplit=1, flags=re.I)[0]
    return [p.strip(" .-") for p in re.split(r"\s+(?:and|&)\s+", s) if p.strip(" .-")]


def _display(name: str) -> str | None:
    """An all-capitals name in title case ("DAILY STAR" -> "Daily Star"); None when it is no name."""
    name = name.strip(" |-–—")
    if not _name_like(name, 6):
        return None
    if re.sub(r"[^A-Za-z]", "", name).isupper():
        words = name.lower().split()
        name = " ".join(w if i and w in _SMALL else w.capitalize() for i, w in enumerate(words))
    return name


def letters(name: str) -> str:
    """Letters and digits of a name, case-folded, without spaces or a leading "the": the key names are compared by."""
    key = re.sub(r"[^\w]|_", "", name.casefold())
    return key[3:] if name.strip().lower().startswith("the ") else key


def main_label(domain: str) -> str:
    """The label naming the site: ``dailystar`` for ``www.dailystar.co.uk``; a hosted blog's own name."""
    parts = domain.lower().removeprefix("www.").split(".")
    if re.search(r"\.(?:blogspot|wordpress|substack|medium|tumblr|github)\.", f".{domain}."):
        return parts[0]
    if len(parts) >= 3 and re.search(r"\.(?:co|com|org|net|ac|gov|edu)\.[a-z]{2}$", domain):
        return parts[-3]
    return parts[-2] if len(parts) >= 2 else parts[0]


def best_spelling(key: str, texts: Iterable[str]) -> str | None:
    """The best-spelled phrase in ``texts`` whose :func:`letters` equal ``key``, or None.

    Phrases with spaces beat run-together ones, mixed case beats all capitals, and a leading
    "The" written by the page wins.
    """
    if len(key) < 4:
        return None
    found: list[str] = []
    for text in texts:
        for m in _PHRASE.finditer(text):
            words = m.group(0).split()
            for i in range(len(words)):
                for j in range(i + 1, min(len(words), i + 6) + 1):
                    phrase = " ".join(words[i:j])
                    if letters(phrase) == key:
                        found.append(phrase)
    if not found:
        return None
    best = max(found, key=lambda p: (" " in p, not p.isupper(), p.startswith("The ")))
    return _display(best) or best
