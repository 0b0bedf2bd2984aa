"""Bylines: who wrote an article, from its credit lines, the page's author metadata, a credit beside its headline,
its author links and the elements it marks as its byline.

A credit ("By Jane Doe and Raj Patel, Reuters", "Von Mira Okafor | Aktualisiert am ...") is read for the
people it names; organisations, roles, agencies and stray words of the page around it are not people.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .agencies import agencies_in
from .letters import UPPER
from .mastheads import NEWSPAPER, letters
from .models import Article
from .page_clutter import page_blocks
from .reading import original_url, shown_text

__all__ = ["authors", "authors_in", "outlets_in"]

_BYLINE_IN = re.compile(r"\bby\s+([^\W\d_][\w.'’-]+(?:\s+[^\W\d_][\w.'’-]+){0,3})|"
                        r"\b(staff writer|staff reporter|special correspondent|our correspondent)\b", re.I)


def authors(article: Article, site: set[str], meta_author: str | None, tree: Callable[[], Any],
            title: str | None = None) -> list[str]:
    """The authors, in the page's order: a "By …" line, a staff credit in a header line, the page's author
    metadata (``meta_author``), a credit beside the page's headline ``title`` that the extraction left out
    (:func:`_beside_headline`), the page's link to its author (:func:`_author_link`; ``tree`` parses the page
    when asked), or an element the page marks as its byline (:func:`_marked_credit`), the first of these that
    names a person.

    People only: an organisation beside a person ("Frankfurter Allgemeine Zeitung GmbH; Jane Doe") and the
    site itself ("Jungle World", "Bueltge De") are left out; the site alone is a newsroom credit. A credit that names no person
    but a newsroom ("Redaktion", "Staff Writer") is the byline only when no credit names a person; stray
    words ("Jobs", "Text") never are. ``site``: the keys (:func:`~.mastheads.letters`) of the site's names.
    """
    def credits():
        yield from article.removed_as("byline")
        yield from (m.group(1) or m.group(2) for r in article.removed
                    if r.reason == "dateline-header" and (m := _BYLINE_IN.search(r.text)))
        yield meta_author or ""
        yield _beside_headline(tree(), title)  # the page is parsed only when nothing before names one
        yield _author_link(tree(), article.outlet_domain)  # the page is parsed only when nothing before names one
        yield _marked_credit(tree())

    newsroom: list[str] = []
    for credit in credits():
        named = _credit_names(credit)
        people = [n for n, person in named if person]
        if others := [n for n in people if letters(n) not in site]:
            return others
        newsroom = newsroom or [n for n, person in named if not person] or people  # the site's own name: a newsroom
    return newsroom


# a credit block: what may stand before the lead-in (a date, "Posted on"), the lead-in, the names
_CREDIT_BLOCK = re.compile(r"^(?P<before>.{0,40}?)\s*\b(?:by|von|par|por|door)\s+(?P<names>\S.{0,80})$", re.I)
_DATE_AFTER = re.compile(r"\s+(?:on|am|le|el|il)\s+(?=.{0,12}\d).*$", re.I)  # "by Ann Lee on May 4, 2006"
_NEAR = (-2, 4)  # the blocks before and after the headline where its credit stands


def _beside_headline(page: Any, title: str | None) -> str:
    """The names of a credit block standing beside the page's headline (``title``): up to two blocks before it
    or four after, a block of its own that opens with the lead-in ("By Jane Doe", "von Jane Doe", "par Jane Doe,
    21 juin 2018") or a date before it ("Posted on May 4, 2020 by Jane Doe", "06.11.2023 13:30 von Jane"). The
    extraction often leaves such a line out with the page's header; further from the headline, a "by" credits
    someone else (a related article, a comment, a photo)."""
    if page is None or not title:
        return ""
    blocks = [text for text, _ in page_blocks(page, "")]
    keys = [_letters_of(text) for text in blocks]
    headings = [_letters_of(shown_text(h)) for h in page.iter("h1")][:1]  # the headline, when the title reads otherwise
    at = next((keys.index(k) for k in (_letters_of(title), *headings) if k and k in keys), None)
    if at is None:
        return ""
    for text in blocks[max(0, at + _NEAR[0]):at] + blocks[at + 1:at + 1 + _NEAR[1]]:
        m = _CREDIT_BLOCK.match(text)
        before = m.group("before") if m else ""
        if m and (not before.strip() or (re.search(r"\d", before) and len(re.findall(r"[^\W\d_]+", before)) <= 4)):
            names = _DATE_AFTER.sub("", m.group("names"))
            if authors_in(names):
                return names
    return ""


def _letters_of(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


# links to an author's page, inside the page's article first: rel="author", schema.org's author, /author/...
_AUTHOR_LINKS = (".//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')] | .//*[@itemprop='author'] | "
                 ".//a[contains(@href, '/author/') or contains(@href, '/autor/') or contains(@href, '/authors/')]")


def _author_link(page: Any, domain: str | None) -> str:
    """The text of the first link on ``page`` (parsed) to one of its own authors that names a person:
    ``rel="author"``, schema.org's ``itemprop="author"`` (its ``name`` when it has one), a link into the site's
    author pages ("/author/jane-doe"), inside the page's ``<article>`` first. Only the first: further down, such
    links credit the authors of other articles (related posts, a sidebar); a link to another site (a book's
    author on a catalogue) is no credit."""
    if page is None:
        return ""
    for scope in (*page.xpath("//article"), page):
        for el in scope.xpath(_AUTHOR_LINKS):
            try:
                host = urlsplit(original_url(el.get("href")) or "").hostname  # an archived page links into the archive
            except ValueError:  # "http://[oops/author/x": no address to follow
                continue
            if host and domain and not (host == domain or host.endswith("." + domain)):
                continue
            names = el.xpath(".//*[@itemprop='name']")
            text = shown_text(names[0] if names else el)
            if len(text) <= 80 and authors_in(text):
                return text
    return ""


_MARKED = re.compile(r"^(?:[\w-]*[_-])?(?:byline|author|autor|auteur|autore)s?(?:[_-][\w-]*)?$", re.I)
_NOT_MARKED = re.compile(r"comment|avatar|bio|box|about|info|img|image|photo|pic|list|more|other|related|date|time",
                         re.I)


def _marked_credit(page: Any) -> str:
    """The text of the first element whose class marks it as the article's byline or author ("byline",
    "byline-author", "node__author", "post-author"), inside the page's ``<article>`` first, when it names a
    person; never one in the comments, an author's box or biography, a picture or a list of other posts."""
    if page is None:
        return ""
    for scope in (*page.xpath("//article"), page):
        for el in scope.xpath(".//*[@class]"):
            names = (el.get("class") or "").split()
            if not any(_MARKED.match(n) for n in names) or any(_NOT_MARKED.search(n) for n in names):
                continue
            if any("comment" in f"{a.get('class') or ''} {a.get('id') or ''}".lower() for a in el.iterancestors()):
                continue
            text = shown_text(el)
            if len(text) <= 80 and authors_in(text):
                return text
    return ""


# What a credit holds besides the names: a lead-in ("By", "Von", "Zeige alle Beiträge von"), credentials,
# roles and organisations (a newsroom, a publisher, a desk), stray words of the page around it.
_LEAD_IN = re.compile(r"^(?:(?:zeige |show |view )?(?:alle |all |more )?(?:beiträge|artikel|posts|articles|stories)\s+"
                      r"(?:von|by)|zum profil von|mehr von|more (?:from|by)|interview(?:\s+(?:von|by|with|mit))?|"
                      r"(?:edited|written|posted|published|words|text|photos?|reporting) by|text(?:\s+von)?|von|by|par|por|"
                      r"di|door|autor(?:in)?|author)\b\s*:?\s*", re.I)
_CREDIT_END = re.compile(r"\s*(?:\||·|•|\b(?:updated|published|posted|aktualisiert|veröffentlicht|tiempo de lectura|"
                         r"lesezeit|reading time|\d+ min(?:ute)?s? read)\b).*$", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:[;,&/]|\band\b|\bund\b|\bet\b|\by\b)\s*", re.I)
_CREDENTIAL = re.compile(r"(?:^|(?<=\s))(?:ph\.?\s?d|m\.?\s?d|dr|prof|mba|msc)\b\.?", re.I)
_ORGANISATION = re.compile(
    r"\b(?:gmbh|ag|inc|ltd|llc|corp|co|e\s?v|verlag|zeitung|media|média|medien|news|redaktion|editorial|team|"
    r"staff|desk|online|group|gruppe|press|presse|agentur|agency|blog|magazin|magazine|newsroom|network|edition|"
    r"foundation|stiftung|verband|bund|verein|institut|institute|university|universität|ministerium|ministry|"
    r"correspondent|reporter|writer|editor|columnist|contributor|bureau|chief|korrespondent(?:in)?)\b\.?", re.I)
# a role before the name: "South-East Asia correspondent Hannah Mercer", "Political Editor Jane Doe"
_ROLE_BEFORE = re.compile(r"^(?:[\w'’-]+\s+){0,4}?(?i:correspondent|reporter|editor|writer|columnist|contributor)\s+"
                          rf"(?={UPPER}[\w'’-]+\s+{UPPER})")
# where the writer filed from, after the name: "By Kari Nordmann in Oslo", "Per Hansen reporting from Bergen"
_FILED_FROM = re.compile(rf"\s+(?:(?:reporting|writing)\s+)?(?:in|from)\s+{UPPER}[\w'’.-]*(?:\s+{UPPER}[\w'’.-]*){{0,3}}$")
_STRAY = re.compile(r"^(?:jobs|hire|text|name|human|admin|administrator|user|guest|gast|anonym(?:ous)?|home|menu|authors?|"
                    r"unknown|none|datum|date|posted|profil|profile|posts?|share|teilen)$", re.I)


def authors_in(credit: str) -> list[str]:
    """The people a credit names, in order: "By Jane Doe and Raj Patel, Reuters" -> ["Jane Doe", "Raj Patel"]."""
    return [name for name, person in _credit_names(credit) if person]


def outlets_in(credit: str) -> list[str]:
    """The newspapers a credit names after its first name: "By Ilse Varn, Nordmark Daily" -> ["Nordmark Daily"]
    ("By Emily Post" names a person)."""
    return [_SPECIAL_TO.sub("", name) for i, (name, person) in enumerate(_credit_names(credit))
            if i and NEWSPAPER.search(name)]  # fmt: skip


_SPECIAL_TO = re.compile(r"^(?:special|exclusive)\s+to\s+(?:the\s+)?(?=[A-Z])", re.I)  # "Special to the Nordmark Daily"


def _credit_names(credit: str) -> list[tuple[str, bool]]:
    """The names in a credit, each with whether it is a person's (not an organisation, a role or an agency).

    Credentials go ("Dr.", "PhD"); stray words, and "names" with digits or more than five words, are none.
    """
    credit = _LEAD_IN.sub("", " ".join(credit.split()))  # "Posted by …" before "posted" ends the credit
    credit = _CREDIT_END.sub("", credit)
    for _ in range(2):
        credit = _LEAD_IN.sub("", credit)
    names: list[tuple[str, bool]] = []
    for part in _NAME_SPLIT.split(credit):
        name = _ROLE_BEFORE.sub("", _FILED_FROM.sub("", _CREDENTIAL.sub("", part).strip(" .:-–—()[]\"'")))
        if not name or _STRAY.match(name) or len(name.split()) > 5 or re.search(r"\d|@|https?:", name):
            continue
        if " " in name and not name[:1].isupper():
            continue
        newspaper = names and NEWSPAPER.search(name)  # after a first name: "Jane Doe, Nordmark Daily", not "Emily Post"
        person = not (_ORGANISATION.search(name) or newspaper or agencies_in(name, any_case=True))
        if name not in (n for n, _ in names):
            names.append((name, person))
    return names
