"""Cleaning: keep every sentence of the article, drop the web clutter around it.

Needs: an Article from :mod:`storyline.reading` (``raw``, ``format``). Adds:
``text`` (the clean article, one paragraph per line, paragraphs as the input
separated them) and ``removed`` (each dropped piece with its reason, in input
order). The title line goes to ``removed`` with reason ``title``: metadata takes
it from there, as it takes dates, outlets and wire credits from the other
removed pieces (a date in a caption still serves as evidence).

HTML goes through trafilatura (main text, no comments, tables kept when they are
part of the article); its output, like plain text, then goes through the line
rules below. The page's blocks trafilatura left out are removed pieces too, with
the page region they sat in (:mod:`storyline.page_clutter`). Plain text matters
most: users paste whole pages from a browser.

The rules are about *kinds* of clutter, judged one line at a time and then in
context:

* one line: navigation (``Skip to content``, breadcrumbs ``Home > News >``),
  read-also links, photo captions and credits (``— Reuters``, ``Image: X/dpa``,
  ``© X``, ``MANDATORY CREDIT``), share counters (lines of bare numbers or share
  buttons), video placeholders (``does not support the video element``, bare
  durations ``04:07``), subscription prompts, logos, ``Source: www.x.de`` lines,
  date/byline header lines (``Reuters Published December 27, 2023``,
  ``1 min read``), bylines, wire sign-offs (``nm/aw (dpa, Interfax)``),
  site-furniture headings (``Top Stories``), advertisements, copyright lines,
  cookie notices, a server's warnings printed into the page (``Warning: ... on line 12``);
* in context: lines repeating an earlier line, the headline list under a
  ``Read also:`` heading, the title of a video before its duration, the alt text
  just above a credited caption, bullet summaries before or after the article
  that restate it, short non-sentence lines before the title or after the last
  paragraph (site furniture);
* peeled off a paragraph that keeps its sentences: a byline opening the first
  paragraph (``By Jane Doe. The council voted ...``) and a wire's credits closing
  one (``... he said. (Reporting by X; Editing by Y)``), as on lines of their own.

Decision on short subheadings inside the article ("India to keep buying
Russian oil"): they are kept. They are the author's text, they sit between
paragraphs of the article, and dropping them would risk dropping short lines of
the article itself; a subheading costs the later stages nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .agencies import AGENCIES, AGENCY_PATTERN, agencies_in
from .errors import EmptyInput
from .letters import UPPER
from .mastheads import is_masthead, is_nav_bar
from .models import Article, Removed
from .months import MONTH_PATTERN
from .page_clutter import in_page_order, page_blocks
from .reading import PAGE_PARSING, document_body, html_tree

__all__ = ["AGENCIES", "AGENCY_PATTERN", "agencies_in", "clean", "clean_text", "html_text"]

_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SAID = r"said|says|told|added"
_REPORTED = re.compile(rf"\b(?:{_SAID}|according to)\b", re.I)  # reported speech, which no notice tells
_SPEECH = re.compile(rf"\b(?:{_SAID})\b", re.I)  # ... by a speaker ("according to our cookie policy": a notice)
_SENTENCE_START = re.compile(r"(?:copyright|subscribe)\s+[a-z]", re.I)  # a word, not a year or a sign, follows
_TERMINAL = re.compile(r"[.!?…:](?:\s?[\"'”’)\]])*\s*$")
_BULLET = re.compile(r"^\s*(?:[•·●▪◦‣*]|[-–—](?=\s)|\d{1,2}[.)](?=\s))\s*")
_MONTH = rf"(?:{MONTH_PATTERN})\.?"
_DATE = re.compile(
    rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?\d{{4}}|\d{{1,2}} ?[./] ?\d{{1,2}} ?[./] ?\d{{2,4}})\b", re.I)
_DATE_WORDS = re.compile(
    r"\b(?:published|updated|posted|modified|created|first|last|on|at|date|"
    # the same in the other languages of :mod:`.months`: "Veröffentlicht am 12. März 2024, 16:20 Uhr", "Publié le 4
    # mars 2024 à 18h02, mis à jour le 5 mars", "Actualizado el 14 de mayo de 2024 a las 11:40"
    # (their short words, "le", "am", "à", only before a number: "Le Pen conceded on March 3, 2024." is a sentence)
    r"veröffentlicht|aktualisiert|uhr|publié|mis à jour|publicado|actualizado|pubblicato|aggiornato|gepubliceerd|"
    r"bijgewerkt|(?:am|um|le|à|el|a las|il|alle|op|om)(?=\s+\d)|\d{1,2}h\d{2}|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d{1,2}\s?[:.]\s?\d{2}(?:\s*[ap]\.?m\.?)?|[ap]\.?m\.?|"
    r"gmt|utc|ist|cet|cest|bst|est|edt|pst|pdt|et|pt|msk)\b", re.I)

# One-line rules: (reason, pattern). First match wins; patterns see the stripped line.
_LINE_RULES = [
    ("navigation", re.compile(r"^(?:\d+[.)]\s*)?(?:skip (?:to|next|navigation)|jump to|back to top|"
                              r"toggle navigation|(?:main|open|close) menu)\b", re.I)),
    ("navigation", re.compile(r"^(?:menu|search|home|sections|navigation|close|more|show more|load more|more less|show less)$", re.I)),
    ("video-placeholder", re.compile(r"(?:browser does not support (?:the )?(?:html5 )?(?:video|audio)|enable javascript to "
                                     r"(?:watch|play|view)|^\d{1,2}:\d{2}(?::\d{2})?$|^(?:play|watch) (?:video|now)$|"
                                     r"^video(?: player)?$|^now playing$)", re.I)),
    ("advertisement", re.compile(r"^(?:advertisement|sponsored(?: content)?|ad|story continues below(?: advertisement)?|"
                                 r"scroll (?:down )?to continue(?: reading)?|continue reading below)$", re.I)),
    ("subscription", re.compile(r"^(?:subscribe|sign up|sign in|log ?in|register|unlock|become a (?:member|subscriber)"
                                r"|already (?:a subscriber|have an account)|to continue reading|continue reading|"
                                r"get (?:the|our) .{0,40}newsletter|start your (?:free )?trial|subscriber[- ]only)\b"
                                r"|^(?:follow|download|get) (?:the |our )?[\w&'’ -]{1,40}? (?:app\b|for the latest\b|"
                                r"in your inbox\b)"

                                # an author or topic alert's sign-up box: "Get email notifications on Ann Roe daily!",
                                # "Whenever Ann Roe posts new content, you'll get an email ...", "Your notification has
                                # been saved."
                                r"|^(?:close )?get e-?mail (?:notifications|alerts) (?:on|for|about) [^!?]{1,60} daily!$"
                                r"|^whenever .{1,60}? posts new content, you(?:'|’)?ll get an? e-?mail\b"
                                r"|^(?:e-?mail )?notifications are (?:only )?sent once a day\b"
                                r"|^(?:your notification has been saved|there was a problem saving your notification)\.?$"
                                r"|\bnewsletter\b.{0,60}\b(?:sign up|subscribe|inbox)\b|this (?:article|content) "
                                r"is (?:for|only available to) subscribers"
                                # a paywall's meter and appeal: "You've read 4 articles this month. Support independent
                                # journalism from £1 a week."
                                # (the meter ends its sentence and the appeal goes on to the offer: "You have reached
                                # the limit of what we can pay" and "Support local journalism and local shops, the
                                # mayor urged" are article text)
                                r"|^you(?:'ve|’ve| have) (?:read|reached|used) (?:\d+|all|your|the) (?:of (?:your |\d+ )?)?"
                                r"(?:free )?(?:articles?|stor(?:y|ies))?(?: ?limit)?(?: of free (?:articles|stories))?"
                                r"(?: (?:this|for this|for the|per) (?:month|week))?\s*(?:[.!]|$)"
                                r"|^(?:please )?(?:support|fund) (?:our |independent |quality |local |trusted )*"
                                r"(?:journalism|reporting)(?:\s*[:.!]|\s*$|\s+(?:from|for (?:just|as little|only)|today|now|"
                                r"by subscribing|and subscribe)\b)", re.I)),
    ("logo", re.compile(r"^[\w.&'’ -]{1,40}\slogo$", re.I)),
    ("source", re.compile(r"^source\s*:\s*\S.{0,80}$", re.I)),
    ("wire-signoff", re.compile(rf"^(?:[a-z]{{1,4}}(?:/[a-z]{{1,4}})+\s*)?\(\s*(?:{AGENCY_PATTERN})(?:\s*(?:,|/|and|&|;)\s*"
                                rf"(?:{AGENCY_PATTERN}))*\s*\)$|^(?:[a-z]{{1,4}}(?:/[a-z]{{1,4}})+)$|"
                                rf"^[—–-]*\s*(?:by\s+)?(?:{AGENCY_PATTERN})(?:\s*(?:,|/|and|&)\s*(?:{AGENCY_PATTERN}))*\s*$|"
                                # a sign-off names people ("Reporting by Jane Doe"), prose a thing ("Reporting by this
                                # newspaper in March revealed ...")
                                r"^\(?\s*(?:with (?:inputs|agency inputs|input) from\b|(?:(?:additional )?reporting by|"
                                rf"editing by|compiled by|written by .{{0,40}}; editing by)\s+(?-i:{UPPER}|the {UPPER})).{{0,120}}$|"
                                r"auto-generated from a syndicated feed|^with agency inputs\)?$", re.I)),
    ("site-furniture", re.compile(r"^comments are (?:closed|disabled)\b", re.I)),
    # a server's error or warning printed into the page: PHP's "Warning: include(x.php): ... in /var/www/a.php on line 12",
    # or an uncaught exception's "Fatal error: Uncaught Exception: ... in /var/www/x.php:12" (its trace: _TRACE_LINE)
    ("server-message", re.compile(r"^(?:PHP )?(?:warning|notice|deprecated|strict standards|(?:catchable )?fatal error|"
                                  r"parse error)\s*:.{0,400}?(?:\bon line \d+\.?|\bin (?:[a-z]:)?[/\\]\S*:\d+)$", re.I)),
    # (a cookie policy the reader is pointed to: "Read our cookie policy", "Cookie settings"; not "its cookie policy",
    # which is prose about another site's)
    ("cookie-notice", re.compile(r"\b(?:we|this (?:site|website)|our (?:site|website|partners)) (?:uses?|place) cookies\b|"
                                 r"\baccept (?:all )?cookies\b|(?<!\bits )(?<!\btheir )(?<!\bhis )(?<!\bher )\bcookie (?:policy|settings|preferences)\b|"
                                 r"\bmanage (?:your )?(?:cookie|consent|privacy) (?:settings|preferences|choices)\b", re.I)),
    ("copyright", re.compile(r"^(?:\(c\)|copyright\b)|^©.*\d{4}|all rights reserved\.?$", re.I)),
    ("caption", re.compile(r"(?-i:\b(?:REUTERS|AFP|AP|EPA|AP Photo|ANI|PTI)/ ?[A-Z])|attention editors|mandatory credit|no resales\.? no archives|handout via|"
                           r"via getty images|(?:[/|:(]|\bby)\s*(?:[^/|:()]{0,40}/\s*)?getty images\b[^.!?]{0,30}[.)]*$|^getty images$|picture[- ]alliance|\bvia reuters\b|/\s*(?:afp|ap|reuters)"
                           r"\s*(?:photo)?\)?$|\((?:ap|afp|reuters|file) photo[^)]*\)$|\((?:photo|image|picture|"
                           r"photograph)\s*:[^)]*\)\s*$|©\s*[\w .&/'’-]{2,50}$|\S\s*(?-i:(?:Image|Photo|Photograph|Picture)\s*:"
                           r"\s*[A-Z]).{0,80}$", re.I)),
    ("credit", re.compile(r"^(?:photo|image|picture|photograph|illustration|file photo|credit|photo credit|"
                          r"video)s?\s*:\s*\S", re.I)),
    ("byline", re.compile(rf"^(?i:by|written by|words by|von|par|por|door)\s+{UPPER}[\w.'’-]+(?:\s+(?:{UPPER}[\w.'’-]+|and|und|et|y|e|en|&|,|van|von|de|"
                          r"der|da|al|bin|correspondent|reporter|editor|writer|columnist|staff))*(?:\s*[,|·•]\s*[\w .:;'’-]{0,40})?$|^(?i:staff writer|staff reporter|"
                          r"our (?:staff )?(?:correspondent|reporter|bureau)|special correspondent|"
                          r"(?:\w+ )?bureau|web desk|news desk|online desk)$")),
]
# the lines of the stack trace under a server's error: "Stack trace:", "#0 /var/www/a.php(8): f()", "#1 {main}",
# "thrown in /var/www/x.php on line 12", a chained "Next RuntimeException: ... in /var/www/y.php:3"
_TRACE_LINE = re.compile(r"^(?:stack trace:|#\d+ (?:\{main\}|\[internal function\]: .*|.+?\(\d+\): .*)|"
                         r"(?:PHP )?thrown in .+? on line \d+\.?|next [\w\\]+: .* in (?:[a-z]:)?[/\\]\S*:\d+)$", re.I)
_READ_ALSO = re.compile(
    r"^(?:read also|also read|read more|more to read|see also|related(?: articles| stories| news| coverage| content|"
    r" topics| links)?|more stories(?: from .{1,30})?|more from .{1,30}|more on this(?: story| topic)?|recommended"
    r"(?: stories| for you| articles)?|you (?:may|might) also (?:like|be interested in)|most (?:read|popular|viewed)|"
    r"trending(?: now| stories| news)?|don'?t miss|latest (?:news|stories)|editor'?s picks|what to read next|"
    r"topics|tags|read next|more [\w ]{1,20} news|lee tambi[ée]n|te puede interesar|lesen sie auch|mehr zum thema|"
    r"(?:[àa] )?lire aussi|leggi anche)\s*(?:[:|]\s*(?P<rest>.*))?$", re.I)
_FURNITURE = re.compile(r"^(?:[\w.'’ -]{0,25}\s)?(?:top|more|latest|featured|popular|related|breaking) "
                        r"(?:stor(?:y|ies)|news|articles|videos|headlines)(?: from .{1,25})?$", re.I)
_BREADCRUMB = re.compile(r"^(?:[\w&'’.,-]+(?: [\w&'’.,-]+){0,3}\s*[>»›]\s*){2,}")
_DATE_HEADER = re.compile(r"^\s*date\s+\d{4}-\d{2}-\d{2}\b\s*")
# markup a page leaked as text: an Office namespace declaration ('prefix = o ns = "urn:schemas-microsoft-com:..." /')
_MARKUP = re.compile(r'^\s*(?:<\?)?(?:xml:namespace\s+)?prefix\s*=\s*"?\w+"?\s+ns\s*=\s*"[^"]*"\s*/?>?\s*', re.I)
_TIME_HEADER = re.compile(r"^(?:(?:last )?(?:updated|published|posted|modified)\b:?\s*(?:at\s+)?)\d{1,2}[:.]\d{2}"
                          r"\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?$", re.I)
_READ_TIME = re.compile(r"\b\d+\s*min(?:ute)?s?\.? read\b", re.I)
_SHARE_WORDS = {"share", "shares", "shared", "tweet", "email", "e-mail", "print", "facebook", "twitter", "x",
                "whatsapp", "linkedin", "pinterest", "reddit", "telegram", "comment", "comments", "copy", "link",
                "save", "this", "article", "story", "on", "via", "mail", "messenger", "flipboard", "bookmark",
                "reactions", "views", "likes", "|", "·"}
_GALLERY = re.compile(r"^\s*(?:image|photo|picture|slide|bild|foto)\s+\d{1,3}\s+(?:of|/|von|de|sur)\s+\d{1,3}\s+", re.I)
_COPYRIGHT_TAIL = re.compile(r"\s(?:(?:copyright\b(?!\W*$)|\(c\)|©)[^!?]{0,80}?(?:all rights reserved\.?)?|"
                             r"[^.!?]{0,80}\ball rights reserved\.?)\s*$", re.I)
_CREDIT_TAIL = re.compile(r"\s(?:photo|image|picture|photograph|foto|bild)s?\s*:\s*[^!?]{2,80}(?<![.!?\"”])$", re.I)
_PEEL_WORDS = 30  # words a line keeps before a peeled notice: a shorter line is a caption or a footer
_GALLERY_WORDS = 8  # the same for a gallery's caption
_NUMBER = re.compile(r"^(?!\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})$)\d[\d,.]*[km]?$", re.I)  # a count, not a day: "05.03.2024"
# a byline opening the article's first paragraph: "By Jane Doe. The council ...", "By Asia correspondent Jo Lim. ..."
_NAME_WORD = rf"(?:{UPPER}[\w'’-]+|{UPPER}\.)"
_INLINE_BYLINE = re.compile(
    r"^(?i:by)\s+(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|"
    rf"July|August|September|October|November|December|Christmas|Easter|Then|Now|Far|All|Law)\b){_NAME_WORD}"
    rf"(?:,?\s+(?:{_NAME_WORD}|and|&|van|von|de|der|da|al|bin|correspondent|reporter|editor|writer|columnist|staff))"
    rf"{{1,9}}\.(?=\s*$|\s+[\"“‘']?{UPPER})")
# the credits closing a wire story: "... he said. (Reporting by Jane Doe in Oslo; Editing by Raj Patel)"
_CREDIT_BY = r"(?:(?:additional )?reporting|editing|writing|compiled|written) by"
_CREDIT_NAMES = rf"{_NAME_WORD}(?:,?\s+(?:{_NAME_WORD}|and|&|in|and\s+{_CREDIT_BY}))*"
_TAIL_CREDITS = re.compile(rf"(?<=[.!?\"”’])\s*(?P<credit>\(\s*(?i:{_CREDIT_BY})\s+{_CREDIT_NAMES}"
                           rf"(?:\s*[;,]\s*(?i:{_CREDIT_BY})\s+{_CREDIT_NAMES})*\s*\)|(?i:{_CREDIT_BY})\s+{_CREDIT_NAMES}"
                           rf"(?:\s*;\s*(?i:{_CREDIT_BY})\s+{_CREDIT_NAMES})*\.?)\s*$")
_TAIL_CREDIT = re.compile(rf"\s+[—–-]{{1,2}}\s*(?P<credit>(?:{AGENCY_PATTERN})(?:\s*(?:,|/)\s*(?:{AGENCY_PATTERN}))*|"
                          r"(?:file )?photo\b.{0,40}|[A-Z][\w.]*(?:/[A-Z][\w. ]*)+)\s*$", re.I)


@dataclass
class _Line:
    text: str
    reason: str | None = None
    peeled: list[Removed] = field(default_factory=list)  # header prefixes cut off this line
    gallery: bool = False  # a photo gallery's caption ("Image 1 of 5 …"): the text of a page that has no other

    @property
    def kept(self) -> bool:
        return self.reason is None and bool(self.text.strip())


def clean(article: Article) -> Article:
    """Set ``article.text`` and ``article.removed``; raise EmptyInput when no article text is left."""
    body = document_body(article)
    if article.format == "html":
        main, title = html_text(body)
        text, removed = clean_text(main, title=article.hints.get("title") or title)
        removed = in_page_order(page_blocks(html_tree(body), main), removed)
    else:
        text, removed = clean_text(body, title=article.hints.get("title"))
    if not text.strip():
        raise EmptyInput(article.source, "no article text left after removing the page clutter",
                         "Check that the input holds an article's text, not only a page's menus, links or a video's caption")
    article.text, article.removed = text, removed
    return article


def html_text(html: str) -> tuple[str, str | None]:
    """Main text and title of an HTML page with trafilatura (no comments); the page's plain text if it finds none.

    trafilatura runs in its three settings and the text is chosen by how much each keeps: the default,
    unless it keeps less than half of what the recall setting finds (then it lost article text, and the
    recall setting's text is taken); then the precision setting's text when it keeps most of that
    (:data:`PRECISION_KEEPS`): what it leaves out is page clutter. Measured on real pages by
    ``bench/pages.py``.

    A fragment (no ``<html>`` or ``<head>`` element) is read as the body of a page (trafilatura finds no text in one).
    A page nested deeper than the HTML parser's default limit (255 levels, past which it drops the text) is
    parsed without that limit, so its text is kept. A cookie or consent banner is taken out first
    (:func:`_without_consent`): trafilatura may take it for the article and leave the article out.
    """
    if not _ROOT.search(html):  # a fragment ("<p>...</p>", text in a JSONL html field): trafilatura reads only a page
        html = f"<html><body>{html}</body></html>"
    html = _without_consent(html)
    deep = _deep_tree(html) is not None

    def source():  # trafilatura changes a tree it is given: a deep page is parsed afresh for each run
        return html_tree(html) if deep else html

    default, title = _extract(source(), with_metadata=True)
    recall, _ = _extract(source(), favor_recall=True)
    text = recall if len(default) < RECALL_WHEN_DEFAULT_KEEPS * len(recall) else default
    precise, _ = _extract(source(), favor_precision=True)
    if precise and len(precise) >= PRECISION_KEEPS * len(text):
        text = precise
    if not text:
        import trafilatura

        text = trafilatura.html2txt(source()) or ""
    return text, title


_ROOT = re.compile(r"<(?:html|head)[\s>]", re.I)  # a page's root or head (some pages leave out <html>): what a fragment lacks
# an element of a cookie or consent banner, by its id or class (the consent platforms' own names included)
_CONSENT = re.compile(r"(?<![a-z])(?:cookie|consent|gdpr|onetrust|didomi|usercentrics)", re.I)
_CONSENT_ATTRIBUTE = re.compile(r"""\b(?:id|class)\s*=\s*["'][^"']*(?<![a-z])(?:cookie|consent|gdpr|onetrust|didomi|"""
                                r"usercentrics)", re.I)
BANNER_CHARS = 3000  # an element with more text than this, or holding the article's heading, is no banner (a wrapper)


def _without_consent(html: str) -> str:
    """The page without the elements of a cookie or consent banner (an id or class naming one), as HTML; the page
    as it is when none does (it is parsed only then)."""
    if not _CONSENT_ATTRIBUTE.search(html):
        return html
    from lxml.html import tostring

    tree = html_tree(html)
    if tree is None:
        return html
    banners = [e for e in tree.iter() if isinstance(e.tag, str) and e.tag not in ("html", "body", "main", "article")
               and _CONSENT.search(f"{e.get('id') or ''} {e.get('class') or ''}")
               and len(e.text_content()) <= BANNER_CHARS and not e.xpath(".//article | .//main | .//h1")]
    for e in banners:
        if e.getparent() is not None:
            e.drop_tree()
    return tostring(tree, encoding="unicode")


RECALL_WHEN_DEFAULT_KEEPS = 0.5  # the recall setting's text is taken when the default keeps less than this share of it
PRECISION_KEEPS = 0.6  # the precision setting's text is taken when it keeps at least this share of the chosen one


def _extract(source, **options) -> tuple[str, str | None]:
    """trafilatura's text (and title, with ``with_metadata``) of a page, as a string or a parsed tree."""
    import trafilatura

    with_metadata = options.pop("with_metadata", False)
    doc = trafilatura.bare_extraction(source, include_comments=False, include_tables=True, include_images=False,
                                      with_metadata=with_metadata, date_extraction_params={"extensive_search": False},
                                      **options)
    if doc is None:
        return "", None
    return getattr(doc, "text", None) or "", getattr(doc, "title", None)


def _deep_tree(html: str):
    """The page parsed without lxml's depth limit when it goes past it (None otherwise: trafilatura parses it)."""
    from lxml.html import HTMLParser

    parser = HTMLParser(**PAGE_PARSING)
    if html_tree(html, parser) is None:
        return None
    return html_tree(html) if any("depth" in e.message.lower() for e in parser.error_log) else None


def clean_text(body: str, title: str | None = None) -> tuple[str, list[Removed]]:
    """Clean plain text: return the kept text and the removed pieces, in input order.

    ``title``, when known (an HTML page's), is the headline to look for; otherwise the first
    headline-like line before any paragraph is taken as the title.
    """
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    body = _CONTROL.sub("", body.replace("\f", "\n").replace("\v", "\n"))  # never meant as text; terminals obey them
    lines = _first_pass(body.split("\n"))
    _keep_tables(lines)
    _mark_duplicates(lines)
    _mark_blocks(lines)
    _mark_masthead(lines)
    _mark_title(lines, title)
    _mark_bare_byline(lines)
    _peel_inline_byline(lines)
    _mark_summaries(lines)
    _mark_edges(lines)
    _keep_gallery_if_alone(lines)
    tail = _split_tail_signoff(lines)
    removed: list[Removed] = []
    for ln in lines:
        removed += ln.peeled
        if ln.reason and ln.text.strip():
            removed.append(Removed(ln.text.strip(), ln.reason))
    if tail:
        removed.append(tail)
    kept = [ln.text.rstrip() if ln.reason is None else None for ln in lines]
    return _join(kept), removed


def _first_pass(raw_lines: list[str]) -> list[_Line]:
    """Judge each line alone; peel header prefixes (leaked markup, a date header, a breadcrumb) off the line they start."""
    lines: list[_Line] = []
    for text in raw_lines:
        peeled = []
        for reason, prefix in (("site-furniture", _MARKUP), ("dateline-header", _DATE_HEADER), ("navigation", _BREADCRUMB)):
            m = prefix.match(text)
            if m:
                end = m.end()
                rest = text[end:].strip()
                if reason == "navigation" and len(rest.split()) <= 4 and not _is_sentence(rest):
                    end = len(text)  # "Home > World > Europe": the last crumb too
                peeled.append(Removed(text[:end].strip(), reason))
                text = text[end:]
        gallery = bool(_GALLERY.match(text))
        text = _peel_notices(text, peeled)
        lines.append(_Line(text, "caption" if gallery else line_reason(text), peeled, gallery))
    return lines


_TABLE_ROW = re.compile(r"^\s*\|(?:[^|\n]*\|){2,}\s*$")  # "| Tom Blake | Conservative | Hollow Green |": two cells or more
TABLE_ROWS = 3  # rows in a row, of one number of cells, that make a table


def _keep_tables(lines: list[_Line]) -> None:
    """A table of the article, as the page's extraction writes it (a row a line, cells between bars), is its text:
    a row of short names reads like a menu and a row of figures like a share counter, but :data:`TABLE_ROWS` rows
    or more of one number of cells, one after another, are a table ("| 2021 | 231,800 | 2,415 |")."""
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _TABLE_ROW.match(lines[j].text) and \
                lines[j].text.count("|") == lines[i].text.count("|"):
            j += 1
        if j - i >= TABLE_ROWS:
            for ln in lines[i:j]:
                if ln.reason in ("navigation", "share-counter"):
                    ln.reason = None
        i = max(j, i + 1)


def _peel_notices(text: str, peeled: list[Removed]) -> str:
    """A line of article text that also holds a notice keeps its text: a gallery counter ("Image 1 of 5")
    before it, a photo credit or a copyright notice after it are peeled off into ``peeled``.

    Outside a gallery only a paragraph-long line is peeled: a short line ending in a credit is a caption.
    """
    gallery = _GALLERY.match(text)
    if gallery:
        peeled.append(Removed(gallery.group(0).strip(), "caption"))
        text = text[gallery.end():]
    for reason, tail in (("copyright", _COPYRIGHT_TAIL), ("credit", _CREDIT_TAIL)):
        m = tail.search(text)
        if m and len(text[: m.start()].split()) >= (_GALLERY_WORDS if gallery else _PEEL_WORDS):
            peeled.append(Removed(m.group(0).strip(), reason))
            text = text[: m.start()]
    if m := _TAIL_CREDITS.search(text):  # "... he said. (Reporting by Jane Doe; Editing by Raj Patel)", as on a line of its own
        peeled.append(Removed(m.group("credit").strip(), "wire-signoff"))
        text = text[: m.start()]
    return text


def line_reason(line: str) -> str | None:
    """The kind of clutter one line is, judged alone, or None when it may be article text."""
    s = _WS.sub(" ", line).strip()
    if not s:
        return None
    words = s.split()
    for reason, rule in _LINE_RULES:
        if rule.search(s):
            if reason == "byline" and _TERMINAL.search(s):
                continue
            if reason == "copyright" and _SENTENCE_START.match(s) and _REPORTED.search(s):
                continue  # "Copyright lawyers for the families said they would sue": the article's, its first word alike
            if reason in ("subscription", "cookie-notice", "wire-signoff") and _TERMINAL.search(s) and \
                    _SPEECH.search(s):
                continue  # "Download the Bins app to check your day, a council spokesperson said.": no notice reports
            if reason in ("navigation", "subscription", "advertisement", "cookie-notice") and \
                    len(words) > {"subscription": 20, "cookie-notice": 100}.get(reason, 15):
                continue
            return reason
    if all(_NUMBER.match(w) or w.lower().strip(":") in _SHARE_WORDS for w in words) and len(words) <= 10:
        return "share-counter"
    if is_nav_bar(line):
        return "navigation"
    if _TIME_HEADER.match(s):
        return "dateline-header"
    if _READ_TIME.search(s) and len(words) <= 14:
        return "dateline-header"
    if _is_date_header(s):
        return "dateline-header"
    m = _READ_ALSO.match(s)
    if m and (not m.group("rest") or len(words) <= 25):
        return "read-also"
    if _FURNITURE.match(s):
        return "site-furniture"
    if _TAIL_CREDIT.search(s) and not _not_a_credit(s):
        return "caption"
    return None


def _not_a_credit(s: str) -> bool:
    """A line ending in "— Name" is a caption only when the name is an agency, a photo credit or has a slash."""
    credit = _TAIL_CREDIT.search(s).group("credit")
    return not (credit.lower() in AGENCIES or "/" in credit or credit.lower().startswith(("photo", "file photo"))
                or agencies_in(credit))


def _is_date_header(s: str) -> bool:
    """A line that is a date (with year) plus at most a few words: a header, not a sentence with a date in it (nor
    a story's dateline, "MOSCOW (Reuters) -": see :func:`~storyline.agencies.dateline`)."""
    if len(s) > 160:  # before the scan: most lines that reach here are paragraphs of the article
        return False
    rest, dates = _DATE.subn(" ", s)
    if not dates:
        return False
    rest = _DATE_WORDS.sub(" ", rest)
    leftover = [w for w in re.split(r"[\s|,.:;()\-—–/]+", rest) if w]
    if any(w.lower() in _TOLD for w in leftover):  # "Ellwood died on March 3, 2024.": a sentence tells, a header dates
        return False
    return len(leftover) <= (2 if _TERMINAL.search(s) and not s.rstrip().endswith(":") else 3)


_TOLD = frozenset("born died was were is are will has have had".split())  # verbs no date header holds


def _key(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return _WS.sub(" ", s).strip().lower()


def _mark_duplicates(lines: list[_Line]) -> None:
    """A line repeating an earlier line that was clutter (quotes and spaces aside) is that clutter again.

    Repetition alone removes nothing: recipe steps, interview questions and product bullets repeat in
    real articles. A repeated caption or navigation line goes because its first copy was one.
    """
    seen: dict[str, str | None] = {}
    for ln in lines:
        key = _key(ln.text)
        if len(key.split()) < 2:
            continue
        if key in seen:
            ln.reason = seen[key] or ln.reason
        else:
            seen[key] = ln.reason


def _is_sentence(s: str) -> bool:
    return bool(_TERMINAL.search(s)) and not s.rstrip().endswith(":")


def headline_like(s: str, max_words: int = 20) -> bool:
    """A line of at most ``max_words`` words that is no sentence: a headline, a subheading, a label."""
    return 0 < len(s.split()) <= max_words and not _is_sentence(s)


def _mark_blocks(lines: list[_Line]) -> None:
    """Context rules: the list under a read-also heading, a server error's stack trace, video titles, caption alt
    text."""
    i = 0
    while i < len(lines):
        ln = lines[i]
        s = ln.text.strip()
        if ln.reason == "read-also" and not (_READ_ALSO.match(s).group("rest") or "").strip():
            i = _mark_read_also_list(lines, i + 1)
            continue
        if ln.reason == "server-message":
            i = _mark_stack_trace(lines, i + 1)
            continue
        if ln.reason == "video-placeholder" and re.fullmatch(r"\d{1,2}:\d{2}(?::\d{2})?", s):
            j = _prev_nonblank(lines, i)
            if j is not None and lines[j].kept and headline_like(lines[j].text, 14):
                lines[j].reason = "video-placeholder"
        if ln.reason in ("caption", "credit") and i > 0 and lines[i - 1].kept:
            if headline_like(lines[i - 1].text, 30) and not _BULLET.match(lines[i - 1].text):
                lines[i - 1].reason = "caption"
        i += 1


def _mark_read_also_list(lines: list[_Line], i: int) -> int:
    """Drop the headline list under a read-also heading; return the index after it."""
    started = False
    while i < len(lines):
        s = lines[i].text.strip()
        if not s:
            nxt = _next_nonblank(lines, i)
            if started and (nxt is None or not _BULLET.match(lines[nxt].text)):
                return i
        elif _BULLET.match(s) or headline_like(s) or lines[i].reason:
            if lines[i].reason is None:
                lines[i].reason = "read-also"
            started = True
        else:
            return i
        i += 1
    return i


def _mark_stack_trace(lines: list[_Line], i: int) -> int:
    """Drop the stack trace under a server's error, blank lines within it passed over; return the index after it.
    Only there is "Stack trace:" clutter: a sentence about one, or such a line anywhere else, stays."""
    while i < len(lines):
        s = _WS.sub(" ", lines[i].text).strip()
        if s and not _TRACE_LINE.match(s):
            break
        if s:
            lines[i].reason = "server-message"
        i += 1
    return i


def _prev_nonblank(lines: list[_Line], i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if lines[j].text.strip():
            return j
    return None


def _next_nonblank(lines: list[_Line], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if lines[j].text.strip():
            return j
    return None


def _is_paragraph(ln: _Line) -> bool:
    s = ln.text.strip()
    return ln.kept and not _BULLET.match(s) and _is_sentence(s) and len(s.split()) >= 8


def _mark_title(lines: list[_Line], title: str | None) -> None:
    """The first substantial headline-like line, before any paragraph, is the title.

    With a known title (an HTML page's, a JSONL ``title``), the line repeating it before the first
    paragraph is the title line, and no other line is taken for it.
    """
    for i, ln in enumerate(lines):
        if not ln.kept:
            continue
        s = ln.text.strip()
        if title is not None:
            if _key(s) == _key(title):
                ln.reason = "title" if any(later.kept for later in lines[i + 1:]) else None
                return
            if _is_paragraph(ln):
                return
            continue
        if len(s.split()) < 3:
            continue
        if _BULLET.match(s):  # a summary list above the headline
            continue
        is_title = headline_like(s, 30) and len(s) <= 250
        if is_title and any(later.kept for later in lines[i + 1:]):  # a lone headline stays as the text
            ln.reason = "title"
            for later in lines[i + 1:]:  # the headline printed again (a breadcrumb's last crumb, then the heading)
                if later.kept and _key(later.text) == _key(s):
                    later.reason = "title"
        return


def _mark_masthead(lines: list[_Line]) -> None:
    """The outlet's name at the top of the page, before the headline, is a masthead (see :mod:`.mastheads`).

    Only the first kept lines are looked at, and a line is taken only when a headline-like line
    still follows it before the first paragraph, so the headline itself is never taken.
    """
    after_nav = False
    for i, ln in enumerate(lines):
        if not ln.text.strip():
            continue
        if not ln.kept:
            after_nav = after_nav or ln.reason == "navigation" or any(p.reason == "navigation" for p in ln.peeled)
            continue
        j = _next_nonblank(lines, i)
        nxt = lines[j] if j is not None else None
        next_is_nav = nxt is not None and (nxt.reason == "navigation" or any(p.reason == "navigation" for p in nxt.peeled))
        if not is_masthead(ln.text, next_is_nav, after_nav) or not _headline_follows(lines, i + 1):
            return
        ln.reason = "masthead"


def _headline_follows(lines: list[_Line], start: int) -> bool:
    for ln in lines[start:]:
        if _is_paragraph(ln):
            return False
        if ln.kept and headline_like(ln.text.strip(), 30) and len(ln.text.split()) >= 3:
            return True
    return False


def _mark_bare_byline(lines: list[_Line]) -> None:
    """A bare name ("Jane Doe") right above a date header, before the first paragraph, is the byline."""
    for i, ln in enumerate(lines):
        if _is_paragraph(ln):
            return
        s = ln.text.strip()
        j = _next_nonblank(lines, i)
        if ln.kept and j is not None and lines[j].reason == "dateline-header" and \
                re.fullmatch(rf"{UPPER}[\w'’-]+(?: {UPPER}[\w.'’-]*){{1,3}}", s):
            ln.reason = "byline"


def _peel_inline_byline(lines: list[_Line]) -> None:
    """A byline opening the first paragraph ("By Jane Doe. The council voted ...") is peeled off as the byline,
    as one on a line of its own is: the paragraph keeps its sentences, and the writer is no one in the story."""
    for ln in lines:
        if not ln.kept:
            continue
        m = _INLINE_BYLINE.match(ln.text.strip())
        if m:
            rest = ln.text.strip()[m.end():].strip()
            if not rest:
                ln.reason = "byline"
                continue
            ln.peeled.append(Removed(m.group(0), "byline"))
            ln.text = rest
            return
        if _is_paragraph(ln):
            return


def _mark_summaries(lines: list[_Line]) -> None:
    """Bullet lists before the first or after the last paragraph that restate the article are site summaries.

    Restating means most of each item's content words are the article's own (half on average). Kept as it was:
    a stricter rule (items copying the article's sentences) kept summaries that the seed checks need gone, for
    about 0.002 of text F1 on the real pages (``bench/pages.py``).
    """
    paras = [i for i, ln in enumerate(lines) if _is_paragraph(ln)]
    if not paras:
        return
    body_words = set(_content_words(" ".join(ln.text for ln in lines if _is_paragraph(ln))))
    for lo, hi in ((0, paras[0]), (paras[-1] + 1, len(lines))):
        items = [i for i in range(lo, hi) if lines[i].kept and _BULLET.match(lines[i].text)]
        if len(items) < 2 or any(len(lines[i].text.split()) < 5 for i in items):
            continue
        overlap = [_share(_content_words(lines[i].text), body_words) for i in items]
        if sum(overlap) / len(overlap) >= 0.5:
            for i in items:
                lines[i].reason = "site-summary"


def _content_words(s: str) -> list[str]:
    return [w for w in re.findall(r"[\w'’-]+", s.lower()) if len(w) > 3]


def _share(items: list, pool: set) -> float:
    return sum(w in pool for w in items) / len(items) if items else 0.0


def _mark_edges(lines: list[_Line]) -> None:
    """Short non-sentence lines after the article's end (its last paragraph, then clutter) are site furniture.

    A short line right after the last paragraph may still be the article's (a list, a table); only
    once clutter such as a sign-off or navigation has closed the article is the rest furniture.
    """
    paras = [i for i, ln in enumerate(lines) if _is_paragraph(ln)]
    if not paras:
        return
    closed = False
    for ln in lines[paras[-1] + 1:]:
        if ln.reason and ln.reason not in ("duplicate", "title"):
            closed = True
        elif closed and ln.kept and headline_like(ln.text.strip(), 7):
            ln.reason = "site-furniture"


def _keep_gallery_if_alone(lines: list[_Line]) -> None:
    """A page that is only a photo gallery tells its story in the captions: when nothing else is left, each
    distinct caption of the gallery is kept (once; a caption the gallery prints twice in a row, once)."""
    if any(ln.kept for ln in lines):
        return
    seen = set()
    for ln in lines:
        if not ln.gallery:
            continue
        ln.text = _undouble(ln.text.strip())
        if _key(ln.text) not in seen and len(ln.text.split()) >= _GALLERY_WORDS:
            seen.add(_key(ln.text))
            ln.reason = None
        else:
            ln.reason = "caption"


def _undouble(s: str) -> str:
    """"A teen died. A teen died." -> "A teen died.": a text written twice in a row, once."""
    words = s.split()
    half = len(words) // 2
    return " ".join(words[:half]) if len(words) % 2 == 0 and words[:half] == words[half:] else s


def _split_tail_signoff(lines: list[_Line]) -> Removed | None:
    """A last paragraph ending "… he said. — AFP" keeps its sentence and loses the credit."""
    kept = [i for i, ln in enumerate(lines) if ln.kept]
    captions = [i for i, ln in enumerate(lines) if ln.text.strip() and ln.reason == "caption"]
    if not captions or (kept and captions[-1] < kept[-1]):
        return None
    ln = lines[captions[-1]]
    m = _TAIL_CREDIT.search(ln.text)
    head = ln.text[: m.start()] if m else ""
    if m and _is_sentence(head) and len(head.split()) >= 8 and not _not_a_credit(ln.text.strip()):
        ln.text, ln.reason = head, None
        return Removed(m.group(0).strip(), "wire-signoff")
    return None


def _join(kept: list[str | None]) -> str:
    """Join kept lines; a removed line leaves no gap, and blank runs shrink to one blank line."""
    out: list[str] = []
    for line in kept:
        if line is None:
            continue
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line.strip())
    return "\n".join(out).strip()
