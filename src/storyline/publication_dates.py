"""When an article was published, and how that was found: the date half of :mod:`storyline.metadata`.

:func:`published` weighs the evidence, strongest first: the caller's date; a header date the text states
(``Published December 27, 2023``, a dateline opening the lead) against the page's own metadata (:func:`_choose`:
a later stated date is an update); the URL (``/2013/05/03/``, ``/2013/may/03/``); the date of the last update when
it is the only date the page states; htmldate's extensive search of an HTML page; last, a day deduced rather than
stated, marked ``inferred``: a month and day without a year ("Dec. 27") whose year is settled by the weekday the
lead names, among the years from the latest one the text mentions up to today, only when exactly one year fits;
else the full date in a photo caption. Nothing is guessed: with no evidence the date is None, found "unknown".

:func:`parse_date` reads one full date in the common written forms (ISO, "March 3, 2025", "3rd March 2025",
"4. März 2025", slashed dates when the line says which way round), never a date in the future.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlsplit

from .agencies import dateline
from .line_rules import headline_like
from .models import Article
from .months import MONTH_PATTERN, MONTHS
from .reading import document_body, original_url

__all__ = ["OLDEST_STATED", "parse_date", "publication_date", "published", "url_date"]


_MON = rf"(?P<mon>{MONTH_PATTERN})\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    re.compile(rf"\b{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I),
    # "3rd March 2025", "1er mars 2025", "4. März 2025", "5 de marzo de 2025"
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?{_MON},?\s+(?:de\s+)?(?P<y>\d{{4}})\b", re.I),
    re.compile(r"\b(?P<d>\d{1,2})\. ?(?P<m>\d{1,2})\. ?(?P<y>\d{4})\b(?![:.]?\d)"),  # not "19.10.1912:48"
]
# Numeric dates with slashes: day/month unless a US time zone on the line says month/day; ambiguous ones are skipped.
_SLASHED = re.compile(r"\b(?P<a>\d{1,2}) ?/ ?(?P<b>\d{1,2}) ?/ ?(?P<y>\d{4}|\d{2})\b")
_US_ZONE = re.compile(r"\b(?:E|C|M|P|AK)[SD]?T\b")
_MONTH_DAY = re.compile(rf"\b{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d{{4}})(?![:\d])", re.I)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2}|[a-z]{3,9})/(?P<d>\d{1,2})(?:/|$|[-_])|"
                       r"/(?P<y2>(?:19|20)\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)(?:/|$|[-_])|"
                       r"[/_-](?P<y3>(?:19|20)\d{2})-(?P<m3>[01]\d)-(?P<d3>[0-3]\d)(?:/|$|[-_.])", re.I)
OLDEST_STATED = "1900-01-01"  # the oldest date a page's own metadata is believed for (htmldate's default, 1995,
# lost an archive's 1987 article); a date found by searching the text keeps htmldate's bound: "founded in 1887"


def parse_date(text: str) -> str | None:
    """The first full date (day, month and year) in ``text`` as ISO, or None when there is none or it is ambiguous."""
    found = min(_full_dates(text), default=None)
    return found[1] if found else None


def _full_dates(text: str) -> Iterator[tuple[int, str]]:
    """(offset, ISO day) of each full date (day, month and year) in ``text`` that is not ambiguous."""
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            iso = _iso(m.group("y"), m.groupdict().get("m") or MONTHS[m.group("mon").lower()], m.group("d"))
            if iso:
                yield m.start(), iso
    us = _US_ZONE.search(text) is not None
    for m in _SLASHED.finditer(text):
        a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        y = y if y > 99 else 2000 + y if 2000 + y <= date.today().year else 1900 + y
        month_first = b > 12 or (a <= 12 and us)
        if (a > 12 or b > 12 or us) and (iso := _iso(y, *((a, b) if month_first else (b, a)))):
            yield m.start(), iso


def _iso(y: str | int, m: str | int, d: str | int) -> str | None:
    try:
        month = int(m) if str(m).isdigit() else MONTHS[str(m).lower()]
        day = date(int(y), month, int(d))
    except (KeyError, ValueError):
        return None
    return day.isoformat() if 1900 <= day.year and day <= date.today() else None


def url_date(url: str | None) -> str | None:
    """The date in a URL path (``/2013/05/03/``, ``/2013/may/03/``, ``/20130503/``, ``-2013-05-03``), or None."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for m in _URL_DATE.finditer(path):
        g = m.groupdict()
        y, mo, d = (g["y"], g["m"], g["d"]) if g["y"] else (g["y2"], g["m2"], g["d2"]) if g["y2"] else \
            (g["y3"], g["m3"], g["d3"])
        if iso := _iso(y, mo, d):
            return iso
    return None


def published(article: Article, page: dict[str, str]) -> tuple[str | None, str]:
    """Publication date and how it was found, by evidence; else (None, "unknown").

    Strongest first: the caller's date; a header date the text states against the page's metadata (see
    :func:`_choose`); the URL; the date of the last update when it is the only date the page states (the
    article was out by then); htmldate's extensive search of an HTML page; a day deduced from the text.

    A caller's date that is not a real day ("not-a-date", "2023-02-30") is named in a warning on the article.
    """
    if (hint := article.hints.get("date")) and (iso := parse_date(hint[:10]) or parse_date(hint)):
        return iso, "stated"
    if hint:
        article.warnings.append(f"{article.source}: the date {hint[:40]!r} is not a day storyline understands (give "
                                "YYYY-MM-DD, not in the future); the publication date is looked for in the article instead")
    stated = next(filter(None, map(publication_date, article.removed_as("dateline-header"))), None) or \
        _lead_dateline_date(article.text or "")
    meta = parse_date(page["date"]) if page.get("date") else None
    in_url = url_date(original_url(article.url or page.get("url")))
    if meta and meta == in_url and not stated:
        return meta, "url"  # the page's metadata found no date but the one its address holds (htmldate reads URLs)
    if found := _choose(stated, meta):
        return found
    if in_url:
        return in_url, "url"
    if iso := next(filter(None, map(_update_date, article.removed_as("dateline-header"))), None):
        return iso, "stated"  # the only date the page states is its last update: published by then
    if article.format == "html" and (iso := _searched_date(article)):
        return iso, "html-meta"
    if iso := _weekday_date(article) or next(filter(None, map(parse_date, article.removed_as("caption"))), None):
        return iso, "inferred"
    return None, "unknown"


def _choose(stated: str | None, meta: str | None) -> tuple[str, str] | None:
    """The header date the text states against the date the page's metadata gives, when they disagree.

    A stated date later than the page's own publication date is an update or a later event on the page
    (a comment, a related article): the metadata wins. A stated date earlier than it stands (metadata
    often gives the last modification), and so does one whose day and month the metadata swapped.
    """
    if stated and meta and stated > meta and stated != _swapped(meta):
        return meta, "html-meta"
    if stated:
        return stated, "stated"
    if meta:
        return meta, "html-meta"
    return None


def _swapped(iso: str) -> str | None:
    y, m, d = iso.split("-")
    return _iso(y, d, m)


# A header date that is not the publication: an update, an expiry, an embedded post's sign-off, a product's date.
_NOT_PUBLISHED = re.compile(
    r"\b(?:(?:last )?(?:updated?|modified|edited|revised)|aktualisiert|update vom|geändert|zuletzt|stand\b|"
    r"mis à jour|modifié|actualizado|actualización|aggiornat[oa]|bijgewerkt|gewijzigd|"
    r"verfügbar bis|abrufbar bis|online bis|bis zum|(?:available|valid|expires?|runs?) (?:until|till|through)|"
    r"gültig bis|until|erscheinungsdatum|erscheint|release date|erschienen am|ISBN|"
    r"(?:born|died|geboren|gestorben|née?|nacid[oa]|falleci[oó])\b)|\(@\w+\)", re.I)  # a life's dates: an obituary's
LEAD_PARAGRAPHS = 2  # a dateline opens one of the text's first paragraphs: the first may be a headline cleaning kept


def _lead_dateline_date(text: str) -> str | None:
    """The day the dateline that opens ``text`` states ("MARBURY, Md., March 4, 2024 (Reuters) -"), or None. A
    headline too short to be taken for one ("Ceasefire collapses": a line of a few words, no sentence) may stand
    before it."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()][:LEAD_PARAGRAPHS]
    if len(paragraphs) == LEAD_PARAGRAPHS and not headline_like(paragraphs[0], HEADLINE_WORDS):
        paragraphs = paragraphs[:1]
    return next((iso for p in paragraphs if (m := dateline(p)) and (iso := parse_date(m["parts"]))), None)


HEADLINE_WORDS = 12  # words a line before the dateline may hold and still be a headline cleaning kept


def publication_date(line: str) -> str | None:
    """The publication date a header line states, or None: the part of the line before any word that makes
    the date something else (``Update vom 3. April 2019``, ``Video verfügbar bis 28.02.2021``, a tweet's
    ``— Name (@handle) January 24, 2020``); table rows (cells split by ``|``) state none."""
    if line.count("|") >= 2:
        return None
    if (named := _PUBLISHED_WORD.search(line)) and (iso := _date_before_other(line[named.end():])):
        return iso  # "Updated March 15, 2024 | Published March 14, 2024": the date the line says it was published
    return _date_before_other(line)


_PUBLISHED_WORD = re.compile(r"\b(?:published|posted|veröffentlicht|publié|publicado|pubblicato|gepubliceerd)\b", re.I)


def _date_before_other(text: str) -> str | None:
    """The date ``text`` states before any word that makes a date something else (:data:`_NOT_PUBLISHED`)."""
    m = _NOT_PUBLISHED.search(text)
    return parse_date(text[: m.start()] if m else text)


_UPDATED = re.compile(r"\b(?:(?:last )?updated?|aktualisiert|update vom|geändert|zuletzt|stand\b|mis à jour|modifié|"
                      r"actualizado|actualización|aggiornat[oa]|bijgewerkt|gewijzigd)", re.I)


def _update_date(line: str) -> str | None:
    """The date of an update a header line states ("Updated: 11 Sep 2024, 08:15 AM IST"), or None."""
    m = _UPDATED.search(line)
    if not m or line.count("|") >= 2 or _NOT_PUBLISHED.search(line[: m.start()]):
        return None
    rest = line[m.end():]
    end = _NOT_PUBLISHED.search(rest)
    return parse_date(rest[: end.start()] if end else rest)


def _searched_date(article: Article) -> str | None:
    """The publication date htmldate's extensive search finds on the page (its text as well as its markup)."""
    from htmldate import find_date

    page = document_body(article)
    try:
        found = find_date(page, url=original_url(article.url), extensive_search=True, original_date=True)
    except (ValueError, TypeError):
        return None
    found = parse_date(found) if found else None
    if found and found.endswith("-01") and not _states_day(page, found):
        return None  # a year or a month alone (a copyright line's "© 2019"), which htmldate gives as its first day
    return found


def _states_day(text: str, iso: str) -> bool:
    """Whether ``text`` states the day ``iso`` itself, not only its year or month: a full date :func:`parse_date`
    reads, or one in another form htmldate reads ("2024/3/1", "01/03/2024", "20240301", "2024年3月1日", "1. März
    2024", "1er mars 2024"; a month's name in any language, but an English one must be the month's)."""
    if iso in {found for _, found in _full_dates(text)}:
        return True
    y, m, d = iso.split("-")
    mm, dd, sep = f"0?{int(m)}", f"0?{int(d)}", r"\s*[-/.]\s*"
    numeric = (rf"(?<!\d)(?:{y}{sep}{mm}{sep}{dd}|{dd}{sep}{mm}{sep}{y}|{mm}{sep}{dd}{sep}{y}|{y}{m}{d})(?!\d)|"
               rf"{y}\s*年\s*{int(m)}\s*月\s*{int(d)}\s*日")
    if re.search(numeric, text):
        return True
    named = (rf"(?<!\d){dd}(?:st|nd|rd|th|er|º|\.)?\s+(?:de\s+)?(?P<a>[^\W\d_]{{3,}})\.?,?\s+(?:de\s+)?{y}(?!\d)|"
             rf"\b(?P<b>[^\W\d_]{{3,}})\.?\s+{dd}(?:st|nd|rd|th)?,?\s+{y}(?!\d)")
    return any(MONTHS.get((w["a"] or w["b"]).lower(), int(m)) == int(m) for w in re.finditer(named, text))


def _weekday_date(article: Article) -> str | None:
    """The day of a photo caption or header ("… in Moscow on Dec. 27"), its year settled by the weekday
    the text first names ("said on Wednesday"), when exactly one year fits.

    Only captions and headers are read for the day: a day in the body is as often a day to come.
    The years tried run from the latest year the text mentions (an article is not older than the
    years it talks about) up to today.
    """
    heads = "\n".join(article.removed_as("caption", "dateline-header"))
    weekday = _WEEKDAY.search(article.text)
    years = [int(y) for y in _YEAR.findall(f"{article.text}\n{heads}") if int(y) <= date.today().year]
    days = {(MONTHS[m.group("mon").lower()], int(m.group("d"))) for m in _MONTH_DAY.finditer(heads)}
    if not (weekday and years and days):
        return None
    want = _WEEKDAYS.index(weekday.group(1).lower())
    fits = set()
    for month, day in days:
        for year in range(max(years), date.today().year + 1):
            iso = _iso(year, month, day)
            if iso and date.fromisoformat(iso).weekday() == want:
                fits.add(iso)
    return fits.pop() if len(fits) == 1 else None
