"""Metadata: say what an article is (the third pipeline stage, "describe").

Needs: a cleaned Article (``text``, ``removed``, plus ``hints``, ``url``, ``raw``
and ``format`` from reading). Adds: ``title``, ``outlet``, ``outlet_domain``,
``published`` with ``published_how``, ``byline``, ``wire`` and ``language``.

Evidence, strongest first:

* the caller's hints (JSONL ``title``, ``date``, ``outlet``);
* for HTML pages, the page's own metadata (trafilatura; dates by htmldate
  without its extensive text search, which is a later, weaker piece of evidence);
* what cleaning removed: the title line, date/credit header lines
  (``Published December 27, 2023``, `` date 2021-04-06``, a standalone date
  line), ``Source: www.x.de`` lines, logo lines, navigation naming the site,
  bylines, wire sign-offs;
* the URL (host, and dates such as ``/2013/05/03/`` or ``/2013/may/03/``);
* last, dates deduced rather than stated, marked ``inferred``: a month and day
  without a year ("Dec. 27") whose year is settled by the weekday the lead
  names, among the years from the latest one the text mentions up to today,
  only when exactly one year fits; else the full date in a photo caption.

Nothing is guessed: a field with no evidence stays None (``published_how`` "unknown"). How the
publication date is found, by that evidence, is :mod:`storyline.publication_dates`.

A wire agency is one that supplied the copy: a sign-off ("nm/aw (dpa, Interfax)",
"— AFP" closing the text, "(With inputs from PTI)"), a credit heading the page
("Reuters Published …", "By Reuters"), a dateline opening any paragraph ("MOSCOW
(Reuters) -", "DALLAS (KTVT/AP) –") or a credit closing one ("… on Friday. (Reuters)";
both :func:`~storyline.agencies.credited`). An
agency cited inside the text ("comments carried by the TASS news agency") or
credited under a photo ("© Reuters", "Image: …/dpa") did not write the article
and is not a wire.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, partial
from typing import Any
from urllib.parse import urlsplit

from .agencies import AGENCIES, AGENCY_PATTERN, agencies_in, credited
from .bylines import authors, outlets_in
from .language import detect
from .mastheads import best_spelling, copyright_holders, letters, main_label, name_from_line
from .models import Article
from .page_clutter import PAGE_REASONS
from .publication_dates import OLDEST_STATED, published
from .reading import CONTROL, document_body, original_url, page_tree, shown_text

__all__ = ["OUTLETS", "describe", "outlet_for_domain", "without_site"]

# Well-known outlets: domain -> display name. Others get a name made from their domain.
OUTLETS = {
    "reuters.com": "Reuters", "apnews.com": "AP", "afp.com": "AFP", "bbc.com": "BBC", "bbc.co.uk": "BBC",
    "cnn.com": "CNN", "nytimes.com": "The New York Times", "washingtonpost.com": "The Washington Post",
    "theguardian.com": "The Guardian", "wsj.com": "The Wall Street Journal", "ft.com": "Financial Times",
    "bloomberg.com": "Bloomberg", "economist.com": "The Economist", "aljazeera.com": "Al Jazeera",
    "dw.com": "DW", "ntv.de": "n-tv", "spiegel.de": "Der Spiegel", "zeit.de": "Die Zeit", "faz.net": "FAZ",
    "sueddeutsche.de": "Süddeutsche Zeitung", "tagesschau.de": "tagesschau", "welt.de": "Die Welt",
    "lemonde.fr": "Le Monde", "lefigaro.fr": "Le Figaro", "france24.com": "France 24", "euronews.com": "Euronews",
    "elpais.com": "El País", "corriere.it": "Corriere della Sera", "repubblica.it": "la Repubblica",
    "dawn.com": "Dawn", "tribune.com.pk": "The Express Tribune", "geo.tv": "Geo News",
    "thehindu.com": "The Hindu", "hindustantimes.com": "Hindustan Times", "livemint.com": "Mint",
    "timesofindia.indiatimes.com": "The Times of India", "economictimes.indiatimes.com": "The Economic Times",
    "indianexpress.com": "The Indian Express", "ndtv.com": "NDTV", "news18.com": "News18",
    "asia.nikkei.com": "Nikkei Asia", "nikkei.com": "Nikkei", "scmp.com": "South China Morning Post",
    "japantimes.co.jp": "The Japan Times", "tass.com": "TASS", "tass.ru": "TASS", "ria.ru": "RIA Novosti",
    "rt.com": "RT", "themoscowtimes.com": "The Moscow Times", "kyivindependent.com": "The Kyiv Independent",
    "politico.com": "Politico", "politico.eu": "Politico Europe", "axios.com": "Axios", "npr.org": "NPR",
    "cbsnews.com": "CBS News", "nbcnews.com": "NBC News", "abcnews.go.com": "ABC News", "foxnews.com": "Fox News",
    "usatoday.com": "USA Today", "latimes.com": "Los Angeles Times", "time.com": "Time", "forbes.com": "Forbes",
    "cnbc.com": "CNBC", "news.sky.com": "Sky News", "independent.co.uk": "The Independent",
    "telegraph.co.uk": "The Telegraph", "thetimes.co.uk": "The Times", "dailymail.co.uk": "Daily Mail",
    "abc.net.au": "ABC News (Australia)", "smh.com.au": "The Sydney Morning Herald", "cbc.ca": "CBC",
    "theglobeandmail.com": "The Globe and Mail", "xinhuanet.com": "Xinhua", "globaltimes.cn": "Global Times",
    "chinadaily.com.cn": "China Daily", "timesofisrael.com": "The Times of Israel", "haaretz.com": "Haaretz",
    "arabnews.com": "Arab News", "thenationalnews.com": "The National", "people.com": "People",
    "variety.com": "Variety", "hollywoodreporter.com": "The Hollywood Reporter", "espn.com": "ESPN",
}

_DOMAIN = re.compile(r"\b((?:[a-z0-9-]+\.)+[a-z]{2,})\b", re.I)
_HEAD_CREDIT = re.compile(rf"^\s*(?:by\s+)?({AGENCY_PATTERN})\b(?!\s+(?:news agency|reported|said))", re.I)
_SITE_NAMED = re.compile(r"\bmore ([A-Z][\w.&-]{1,20}(?: [A-Z][\w.&-]{1,20})?) sites\b|\bstories from ([A-Z][\w.&-]{1,20}"
                         r"(?: [A-Z][\w.&-]{1,20})?)$|^([A-Z][\w.&-]{1,20})['’]s top stor(?:y|ies)$")
_HTML_SOURCE = re.compile(r">\s*(source\s*:\s*[^<]{3,80})<", re.I)


def describe(article: Article, settings: Any) -> Article:
    """Set title, outlet, outlet_domain, published/published_how, byline, wire and language."""
    page = _page_meta(article) if article.format == "html" else {}
    tree = cache(partial(page_tree, article) if article.format == "html" else lambda: None)  # parsed when asked
    article.outlet, article.outlet_domain = _outlet(article, page)
    site = _site_keys(article, page)
    article.title = _title(article, page, tree, site)
    article.published, article.published_how = published(article, page)
    article.byline = ", ".join(authors(article, site, _not_a_commenter(tree, page.get("author")), tree,
                                        article.title)) or None
    article.wire = _wire(article, page)
    article.language = detect(article.text, settings.language_list)
    article.title, article.outlet, article.byline = (_one_line(v) for v in (article.title, article.outlet, article.byline))
    if not article.url and (url := page.get("url", "")).startswith(("http://", "https://")):
        article.url = url  # the page's canonical address (<link rel="canonical">, og:url)
    return article


def _one_line(value: str | None) -> str | None:
    """A title, outlet or byline as one line of printable text: control characters (a NUL, a bell, line breaks,
    given in JSONL or a page's metadata) are spaces, and runs of spaces one; nothing left is ``None``."""
    if value is None:
        return None
    return " ".join(CONTROL.sub(" ", value).split()) or None



def _removed_by_rules(article: Article) -> list[str]:
    """What the line rules removed from the article's text: not the page's blocks the extraction left out."""
    return [r.text for r in article.removed if r.reason not in PAGE_REASONS]


def _page_meta(article: Article) -> dict[str, str]:
    """Title, site name, host, author and date from an HTML page's own metadata."""
    import trafilatura

    body = document_body(article)
    meta = trafilatura.extract_metadata(body, default_url=original_url(article.url),
                                        date_config={"extensive_search": False, "original_date": True,
                                                     "min_date": OLDEST_STATED})  # fmt: skip
    if meta is None:
        return {}
    fields = ("title", "sitename", "hostname", "url", "date", "author")
    out = {k: v for k in fields if isinstance(v := getattr(meta, k, None), str) and v.strip()}
    head = body[:50000]  # what _site_name asks of the page as written: its <title>, and whether it declares its name
    if (tag := _TITLE.search(head)) and not _DECLARED_SITE.search(head):
        out["undeclared_title"] = tag.group(1)
    return out


def _not_a_commenter(tree: Callable[[], Any], author: str | None) -> str | None:
    """``author`` (from the page's metadata), unless the page shows that name only in its comments: a
    commenter's name card ("Jane Roe says:") is not the article's credit. Names are compared by their first
    two words, whatever the case and spacing."""
    name = " ".join((author or "").split()[:2]).casefold()
    if not name or (page := tree()) is None:
        return author
    shown = [node.getparent() for node in page.xpath("//body//text()") if name in " ".join(node.split()).casefold()]
    return None if shown and all(_in_comments(element) for element in shown) else author


def _in_comments(element: Any) -> bool:
    """Whether ``element`` lies inside a page's comments (a class or id "comment", "comments", "comment-…")."""
    for e in (element, *element.iterancestors()):
        names = (e.get("class") or "").split() + [e.get("id") or ""]
        if any(n in ("comment", "comments", "commentlist") or n.startswith(("comment-", "div-comment-")) for n in names):
            return True
    return False


def _title(article: Article, page: dict[str, str], tree: Callable[[], Any], site: set[str]) -> str | None:
    if article.hints.get("title"):  # as given, less the site's name (a page's <title> copied into a JSONL line)
        return without_site(article.hints["title"].strip(), site)
    if page.get("title"):
        title = without_site(_headed(tree, page["title"].strip()), site)
        return _as_shown(tree, title) or _the_headline(tree, title) or title
    titles = article.removed_as("title")
    if titles:
        return titles[0]
    first = next((ln.strip() for ln in article.text.split("\n") if ln.strip()), "")
    if len(first) > 150:
        first = first[:140].rsplit(" ", 1)[0] + " …"
    return first or None


def _headed(tree: Callable[[], Any], title: str) -> str:
    """``title``, unless it is a label of one or two words that the page's own titles (``og:title``, then
    ``<title>``) do not contain while they say more: then a section heading was picked from the page
    ("Hauptmenü", "Ansprechpartner") and the page's own title is its headline."""
    if len(title.split()) > 2 or (page := tree()) is None:
        return title
    own = [" ".join(t.split()) for t in page.xpath("//meta[@property='og:title']/@content | //head/title/text()")]
    own = [t for t in own if len(t.split()) > len(title.split()) and _plain(title) not in _plain(t)]
    return own[0] if own else title


def _as_shown(tree: Callable[[], Any], title: str) -> str | None:
    """The page's own heading (``h1``) that reads as ``title`` but for case, punctuation and spacing: the
    headline as the page shows it, which its metadata often spells plainly ("holen - Österreich" for "holen –
    Österreich", "Editor's" for "Editor’s", "Zeit..." for "Zeit…"). The heading's capitals too: the labelled
    pages' titles are the heading's ("ORSO MARSICANO: 2019 UN ANNO DA RECORD")."""
    key = _plain(title)
    if not key or (page := tree()) is None:
        return None
    for heading in page.iter("h1"):
        shown = shown_text(heading)
        if _plain(shown) == key:
            return shown
    return None


def _the_headline(tree: Callable[[], Any], title: str) -> str | None:
    """The page's one ``h1`` when it words the same headline otherwise: most of its words are the title's."""
    if (page := tree()) is None or len(heads := page.xpath("//body//h1")) != 1:
        return None
    shown = shown_text(heads[0])
    words, own = set(re.findall(r"\w+", shown.casefold())), set(re.findall(r"\w+", title.casefold()))
    if len(words) < 3 or len(shown) > 200 or _plain(title) in _plain(shown):
        return None  # a heading that holds the whole title adds a kicker, a section or a date to it
    return shown if len(words & own) >= 0.5 * len(words) else None


def _plain(text: str) -> str:
    """The letters and digits of ``text``, case-folded: what two spellings of one title share."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


_TITLE_SEP = re.compile(r"(\s+(?:[-–—|›»·•⋆~]{1,2}|::)\s+)")
_SITE_LIKE = re.compile(r"\b(?:www\.)?[\w-]+\.(?:[a-z]{2,3}|info|online|news)\b", re.I)


def without_site(title: str, site: set[str]) -> str:
    """A page title without the site's name before or after it: "Rasende Polizisten - strafprozess.ch" and
    "Diario HOY | Darán bendición" lose the site. ``site`` holds the keys (:func:`letters`) of the names the
    site goes by; a part that names a domain is the site's too. The headline itself is never dropped."""
    parts = _TITLE_SEP.split(title)
    while len(parts) >= 3 and _names_site(parts[-1], site):
        parts = parts[:-2]
    while len(parts) >= 3 and _names_site(parts[0], site, leading=True):
        parts = parts[2:]
    return "".join(parts).strip() or title


def _names_site(part: str, site: set[str], leading: bool = False) -> bool:
    """Whether a part of a title is the site's: after the headline, a site name with words added ("KVLT News 12
    Dunmore, Velmora News Weather & Sports"); before it, only the site's name or its domain (a leading "BBC chair
    resigns - Politics" or "Why x.org matters | Opinion" is the headline, naming the site's owner)."""
    key = letters(part)
    if not key:
        return True  # a separator left dangling ("Pferdesport dabei -")
    if leading:  # before the headline: the site's name itself ("Diario HOY | ..."), or its domain alone
        one_word = len(part.split()) == 1
        return any(k == key or one_word and len(k) >= 3 and key.startswith(k) for k in site) or \
            bool(_SITE_LIKE.search(part)) and one_word
    if _SITE_LIKE.search(part) and len(part.split()) <= 4:
        return True
    return any(k and len(k) >= 3 and (k == key or k in key or (key in k and len(key) >= 4)) for k in site)


def _site_keys(article: Article, page: dict[str, str]) -> set[str]:
    """The keys (:func:`letters`) of the names a page's site goes by: outlet, site name, domain and its main label."""
    domains = [d for d in (article.outlet_domain, page.get("hostname")) if d]
    names = [n for n in (article.outlet, page.get("sitename"), *domains) if n]
    return {letters(n) for n in names} | {letters(main_label(d)) for d in domains}


# ---------------------------------------------------------------- outlet

def _host(url: str) -> str | None:
    """The host name of a URL (``www.x.de/a`` counts as one), or None when it has none or is not a URL."""
    try:
        return urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:  # "[", a bad port
        return None


def _site_name(page: dict[str, str], domain: str | None) -> str | None:
    """The site name a page's metadata gives, unless it is no outlet's name: an address ("https://www.facebook.com/
    X/"), a handle ("@x", "_x", "X_De"), a wire agency (a local paper's page crediting the AP), the page's own
    title, of a title's parts the last, or, when the page declares no site name (``og:site_name``, ``application-name``), a part of its
    ``<title>`` that its domain cannot abbreviate (trafilatura cut "Who owns Twitter.com now? | Analysis" into a
    site and a title, and the site renamed the whole outlet)."""
    name = (page.get("sitename") or "").strip()
    if not name or re.search(r"://|^www\.|^@|_", name) or name == (page.get("title") or "").strip():
        return None
    if name.count(" | ") >= 2:  # a title's parts ("Council tax to rise | Local News | The Oakhurst Argus"): the site's
        name = name.rsplit(" | ", 1)[1].strip()  # is last ("The Oakhurst Argus | Local news you can trust": its first)
    if domain and name in page.get("undeclared_title", "") and not _may_abbreviate(letters(main_label(domain)),
                                                                                    letters(name)):  # fmt: skip
        return None
    return None if agencies_in(name, any_case=True) and len(name.split()) <= 3 else name


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_DECLARED_SITE = re.compile(r"""<meta[^>]+(?:property|name)\s*=\s*["'](?:og:site_name|application-name)["']""", re.I)


def _outlet(article: Article, page: dict[str, str]) -> tuple[str | None, str | None]:
    """Outlet name and domain: hints, page metadata, the URL, Source/logo lines, and lines naming the site.

    A name taken from page furniture (a masthead, a copyright line, a promotion) or made from the
    domain is spelled as the page spells it where it can be: the phrase with the same letters
    ("Daily Star" for dailystar.com or "DAILYSTAR").
    """
    domain = None
    for url in (original_url(article.url), original_url(page.get("url"))):
        if url and (host := _host(url)):
            domain = canonical_domain(host)
            break
    domain = domain or canonical_domain(page.get("hostname") or "") or _domain_in_lines(article)
    name = article.hints.get("outlet") or _site_name(page, domain) or (OUTLETS.get(domain) if domain else None)
    if name:
        domain = domain or next((d for d, n in OUTLETS.items() if n.lower() == name.lower()), None)
        return name.strip(), domain
    found = _names_in_lines(article)
    key = letters(main_label(domain)) if domain else None
    if domain:  # a site's "Copyright 2015 KRB and The Associated Press" credits the wire as well: the site is KRB
        found = [n for n in map(_without_agencies, found) if n and _may_abbreviate(key, letters(n))]
    named = next((n for n in found if key and letters(n) == key), None) or (found[0] if found else None)
    texts = [article.text, *_removed_by_rules(article)]
    name = best_spelling(letters(named) if named else key, texts) if (named or key) else None
    name = name or named or (outlet_for_domain(domain) if domain else None)
    if name and not domain:
        domain = next((d for d, n in OUTLETS.items() if n.lower() == name.lower()), None)
    return name, domain


def _may_abbreviate(key: str, name: str) -> bool:
    """Whether a domain's letters ``key`` and a name's letters ``name`` (:func:`~.mastheads.letters`, no leading
    "the") can be one site's: the domain abbreviates the name ("latimes" of "losangelestimes": they begin alike
    and follow in order) or adds to it ("wistv" of "WIS", "fox13news" of "FOX 13"). A footer naming a sister
    station ("WMBF News" on walb.com) or the owner ("Cox Media Group" on wsbtv.com) is not the site."""
    key = key.removeprefix("the") if not name.startswith("the") else key  # thestar.com, "The Star"
    if not key or not name or key[0] != name[0]:
        return False
    rest = iter(name)
    return all(ch in rest for ch in key) or (len(name) >= 3 and key.startswith(name))


def _without_agencies(name: str) -> str | None:
    """``name`` without the wire agencies it joins with "and" or "&" ("KRB and The Associated Press" -> "KRB"),
    the rest as the page wrote it ("Hill & Dale Radio"); ``None`` when it names agencies only."""
    pieces = re.split(r"(\s+(?:and|&)\s+)", " ".join(name.split()))  # name, separator, name, ...
    kept = "".join(sep + part for sep, part in zip(["", *pieces[1::2]], pieces[0::2], strict=True)
                   if part.lower() not in AGENCIES)
    return re.sub(r"^\s*(?:and|&)\s+", "", kept) or None


_DOMAIN_LIKE = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}")


def domain_named(value: str) -> str | None:
    """The domain a filter's value names ("ksla.com", "www.KSLA.com", "https://edition.cnn.com:443/news"), as
    ingest keeps an article's outlet_domain ("cnn.com"); None for a name ("DW", "The Hill Gazette")."""
    host = (_host(value.strip()) or "").strip(".").removeprefix("www.")
    return canonical_domain(host) if _DOMAIN_LIKE.fullmatch(host) else None


def canonical_domain(host: str) -> str | None:
    """``www.Dawn.com`` -> ``dawn.com``; a subdomain of a known outlet maps to the outlet's domain."""
    host = host.lower().strip(".").removeprefix("www.")
    if not host or "." not in host:
        return None
    parts = host.split(".")
    for i in range(len(parts) - 1):
        if ".".join(parts[i:]) in OUTLETS:
            return ".".join(parts[i:])
    if re.search(r"\.(?:blogspot|wordpress|substack|medium|tumblr)\.", f".{host}."):
        return host  # a blog on a hosting platform is its own outlet
    keep = 3 if re.search(r"\.(?:co|com|org|net|ac|gov|edu)\.[a-z]{2}$", host) else 2
    return ".".join(parts[-keep:])


def _domain_in_lines(article: Article) -> str | None:
    """A domain named by a "Source:" line or a logo line ("DAWN.COM Logo"), also one the HTML extractor left out."""
    lines = article.removed_as("source", "logo")
    if article.format == "html":
        from .reading import document_body

        lines += [m.group(1) for m in _HTML_SOURCE.finditer(document_body(article))]
    for text in lines:
        m = _DOMAIN.search(text)
        if m:
            return canonical_domain(m.group(1))
    return None


def _names_in_lines(article: Article) -> list[str]:
    """Outlet names the removed lines give, strongest first: masthead, logo, navigation naming the site
    ("Skip to more DW sites"), copyright, Source, promotions ("Get the X app")."""
    found: list[str] = []
    for reason in ("masthead", "logo"):
        found += filter(None, (name_from_line(text, reason) for text in article.removed_as(reason)))
    for text in article.removed_as("navigation", "site-furniture", "read-also"):
        if m := _SITE_NAMED.search(text.strip()):
            found.append(next(g for g in m.groups() if g))
    for r in article.removed:
        if r.reason not in ("masthead", "logo", "title", "caption", "byline", *PAGE_REASONS) and \
                (n := name_from_line(r.text, r.reason)):
            found.append(n)
    for text in article.removed_as("byline"):  # "By Ilse Varn, Nordmark Daily"
        found += outlets_in(text)
    return list(dict.fromkeys(found))


def outlet_for_domain(domain: str) -> str:
    """Display name of an outlet: from the table of well-known outlets, else made from the domain."""
    if domain in OUTLETS:
        return OUTLETS[domain]
    words = main_label(domain).replace("_", "-").split("-")
    return " ".join(w.capitalize() for w in words if w)


# ---------------------------------------------------------------- dates


# ---------------------------------------------------------------- agencies

def _wire(article: Article, page: dict[str, str]) -> list[str]:
    """Agencies that supplied the copy: sign-offs, header credits, datelines, copyright lines; never photo credits
    or citations."""
    found: list[str] = []
    for text in article.removed_as("wire-signoff"):
        found += agencies_in(text, any_case=True)
    for text in article.removed_as("dateline-header", "byline"):
        if m := _HEAD_CREDIT.match(text):
            found.append(AGENCIES[m.group(1).lower()])
        elif "," in text or " and " in text:  # "By Ana Ruiz, Reuters", "By Ana Ruiz and Associated Press"
            found += agencies_in(re.split(r",| and ", text)[-1])
    site = letters(main_label(article.outlet_domain)) if article.outlet_domain else "-"
    for text in article.removed_as("copyright"):  # "Copyright 2016 KRB and The Associated Press. All rights reserved."
        agencies = [AGENCIES[h.lower()] for h in copyright_holders(text) if h.lower() in AGENCIES]
        found += [a for a in agencies if not site.startswith(letters(a))]  # not the agency's own site (apnews.com)
    for text in article.removed_as("source"):
        value = text.split(":", 1)[1].strip().lower()
        if value in AGENCIES:
            found.append(AGENCIES[value])
    found += credited(article.text)  # datelines ("MOSCOW (Reuters) -") and closing credits ("... dispute. (Reuters)")
    if page.get("author", "").lower() in AGENCIES:
        found.append(AGENCIES[page["author"].lower()])
    return list(dict.fromkeys(found))
