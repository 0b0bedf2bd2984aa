"""What one line of a page is, judged alone: the first pass of :mod:`storyline.cleaning`.

:func:`line_reason` names the kind of clutter a line is, or None when it may be article text:
navigation (``Skip to content``, breadcrumbs ``Home > News >``), read-also links, photo captions and credits
(``— Reuters``, ``Image: X/dpa``, ``© X``, ``MANDATORY CREDIT``), share counters (lines of bare numbers or share
buttons), video placeholders (``does not support the video element``, bare durations ``04:07``), subscription
prompts, logos, ``Source: www.x.de`` lines, date/byline header lines (``Reuters Published December 27, 2023``,
``1 min read``), bylines, wire sign-offs (``nm/aw (dpa, Interfax)``), site-furniture headings (``Top Stories``),
advertisements, copyright lines, cookie notices, a server's warnings printed into the page (``Warning: ... on line
12``). A rule never takes a sentence that reports speech ("..., a council spokesperson said."): no notice does.

:func:`first_pass` judges every line so and peels off what a line of article text carries besides: header
prefixes (leaked markup, a date header, a breadcrumb), a gallery counter before it, a photo credit or copyright
notice after it, and a wire's credits closing it (``... he said. (Reporting by X; Editing by Y)``). The patterns
the context passes of :mod:`storyline.cleaning` read too (a byline opening a paragraph, a read-also heading, a
trailing credit, a stack trace's line) are defined here, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .agencies import AGENCIES, AGENCY_PATTERN, agencies_in
from .letters import UPPER
from .mastheads import is_nav_bar
from .models import Removed
from .months import MONTH_PATTERN

__all__ = ["GALLERY_WORDS", "INLINE_BYLINE", "READ_ALSO", "TAIL_CREDIT", "TRACE_LINE", "WS", "Line", "first_pass",
           "headline_like", "is_sentence", "line_reason", "not_a_credit"]

WS = re.compile(r"\s+")
_SAID = r"said|says|told|added"
_REPORTED = re.compile(rf"\b(?:{_SAID}|according to)\b", re.I)  # reported speech, which no notice tells
_SPEECH = re.compile(rf"\b(?:{_SAID})\b", re.I)  # ... by a speaker ("according to our cookie policy": a notice)
_SENTENCE_START = re.compile(r"(?:copyright|subscribe)\s+[a-z]", re.I)  # a word, not a year or a sign, follows
_TERMINAL = re.compile(r"[.!?…:](?:\s?[\"'”’)\]])*\s*$")
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
    # or an uncaught exception's "Fatal error: Uncaught Exception: ... in /var/www/x.php:12" (its trace: TRACE_LINE)
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
TRACE_LINE = re.compile(r"^(?:stack trace:|#\d+ (?:\{main\}|\[internal function\]: .*|.+?\(\d+\): .*)|"
                         r"(?:PHP )?thrown in .+? on line \d+\.?|next [\w\\]+: .* in (?:[a-z]:)?[/\\]\S*:\d+)$", re.I)
READ_ALSO = re.compile(
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
GALLERY_WORDS = 8  # the same for a gallery's caption
_NUMBER = re.compile(r"^(?!\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})$)\d[\d,.]*[km]?$", re.I)  # a count, not a day: "05.03.2024"
# a byline opening the article's first paragraph: "By Jane Doe. The council ...", "By Asia correspondent Jo Lim. ..."
_NAME_WORD = rf"(?:{UPPER}[\w'’-]+|{UPPER}\.)"
INLINE_BYLINE = re.compile(
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
TAIL_CREDIT = re.compile(rf"\s+[—–-]{{1,2}}\s*(?P<credit>(?:{AGENCY_PATTERN})(?:\s*(?:,|/)\s*(?:{AGENCY_PATTERN}))*|"
                          r"(?:file )?photo\b.{0,40}|[A-Z][\w.]*(?:/[A-Z][\w. ]*)+)\s*$", re.I)


@dataclass
class Line:
    text: str
    reason: str | None = None
    peeled: list[Removed] = field(default_factory=list)  # header prefixes cut off this line
    gallery: bool = False  # a photo gallery's caption ("Image 1 of 5 …"): the text of a page that has no other

    @property
    def kept(self) -> bool:
        return self.reason is None and bool(self.text.strip())


def first_pass(raw_lines: list[str]) -> list[Line]:
    """Judge each line alone; peel header prefixes (leaked markup, a date header, a breadcrumb) off the line they start."""
    lines: list[Line] = []
    for text in raw_lines:
        peeled = []
        for reason, prefix in (("site-furniture", _MARKUP), ("dateline-header", _DATE_HEADER), ("navigation", _BREADCRUMB)):
            m = prefix.match(text)
            if m:
                end = m.end()
                rest = text[end:].strip()
                if reason == "navigation" and len(rest.split()) <= 4 and not is_sentence(rest):
                    end = len(text)  # "Home > World > Europe": the last crumb too
                peeled.append(Removed(text[:end].strip(), reason))
                text = text[end:]
        gallery = bool(_GALLERY.match(text))
        text = _peel_notices(text, peeled)
        lines.append(Line(text, "caption" if gallery else line_reason(text), peeled, gallery))
    return lines


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
        if m and len(text[: m.start()].split()) >= (GALLERY_WORDS if gallery else _PEEL_WORDS):
            peeled.append(Removed(m.group(0).strip(), reason))
            text = text[: m.start()]
    if m := _TAIL_CREDITS.search(text):  # "... he said. (Reporting by Jane Doe; Editing by Raj Patel)", as on a line of its own
        peeled.append(Removed(m.group("credit").strip(), "wire-signoff"))
        text = text[: m.start()]
    return text


def line_reason(line: str) -> str | None:
    """The kind of clutter one line is, judged alone, or None when it may be article text."""
    s = WS.sub(" ", line).strip()
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
    m = READ_ALSO.match(s)
    if m and (not m.group("rest") or len(words) <= 25):
        return "read-also"
    if _FURNITURE.match(s):
        return "site-furniture"
    if TAIL_CREDIT.search(s) and not not_a_credit(s):
        return "caption"
    return None


def not_a_credit(s: str) -> bool:
    """A line ending in "— Name" is a caption only when the name is an agency, a photo credit or has a slash."""
    credit = TAIL_CREDIT.search(s).group("credit")
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


def is_sentence(s: str) -> bool:
    return bool(_TERMINAL.search(s)) and not s.rstrip().endswith(":")

def headline_like(s: str, max_words: int = 20) -> bool:
    """A line of at most ``max_words`` words that is no sentence: a headline, a subheading, a label."""
    return 0 < len(s.split()) <= max_words and not is_sentence(s)
