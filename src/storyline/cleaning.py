"""Cleaning: keep every sentence of the article, drop the web clutter around it.

Needs: an Article from :mod:`storyline.reading` (``raw``, ``format``). Adds:
``text`` (the clean article, one paragraph per line, paragraphs as the input
separated them) and ``removed`` (each dropped piece with its reason, in input
order). The title line goes to ``removed`` with reason ``title``: metadata takes
it from there, as it takes dates, outlets and wire credits from the other
removed pieces (a date in a caption still serves as evidence).

HTML goes through trafilatura (:mod:`storyline.page_text`: main text, no comments,
tables kept when they are part of the article); its output, like plain text, then goes through the line
rules (below). The page's blocks trafilatura left out are removed pieces too, with
the page region they sat in (:mod:`storyline.page_clutter`). Plain text matters
most: users paste whole pages from a browser.

The rules are about *kinds* of clutter, judged one line at a time and then in
context:

* one line, judged alone (:mod:`storyline.line_rules`): navigation, read-also links,
  photo captions and credits, share counters, video placeholders, subscription
  prompts, logos, date/byline header lines, bylines, wire sign-offs, site-furniture
  headings, advertisements, copyright lines, cookie notices, a server's warnings;
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

from .errors import EmptyInput
from .letters import UPPER
from .line_rules import (
    GALLERY_WORDS,
    INLINE_BYLINE,
    READ_ALSO,
    TAIL_CREDIT,
    TRACE_LINE,
    WS,
    Line,
    first_pass,
    headline_like,
    is_sentence,
    not_a_credit,
)
from .mastheads import is_masthead
from .models import Article, Removed
from .page_clutter import in_page_order, page_blocks
from .page_text import html_text
from .reading import document_body, html_tree

__all__ = ["clean", "clean_text"]

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BULLET = re.compile(r"^\s*(?:[•·●▪◦‣*]|[-–—](?=\s)|\d{1,2}[.)](?=\s))\s*")


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


def clean_text(body: str, title: str | None = None) -> tuple[str, list[Removed]]:
    """Clean plain text: return the kept text and the removed pieces, in input order.

    ``title``, when known (an HTML page's), is the headline to look for; otherwise the first
    headline-like line before any paragraph is taken as the title.
    """
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    body = _CONTROL.sub("", body.replace("\f", "\n").replace("\v", "\n"))  # never meant as text; terminals obey them
    lines = first_pass(body.split("\n"))
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


_TABLE_ROW = re.compile(r"^\s*\|(?:[^|\n]*\|){2,}\s*$")  # "| Tom Blake | Conservative | Hollow Green |": two cells or more
TABLE_ROWS = 3  # rows in a row, of one number of cells, that make a table


def _keep_tables(lines: list[Line]) -> None:
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


def _key(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return WS.sub(" ", s).strip().lower()


def _mark_duplicates(lines: list[Line]) -> None:
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



def _mark_blocks(lines: list[Line]) -> None:
    """Context rules: the list under a read-also heading, a server error's stack trace, video titles, caption alt
    text."""
    i = 0
    while i < len(lines):
        ln = lines[i]
        s = ln.text.strip()
        if ln.reason == "read-also" and not (READ_ALSO.match(s).group("rest") or "").strip():
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


def _mark_read_also_list(lines: list[Line], i: int) -> int:
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


def _mark_stack_trace(lines: list[Line], i: int) -> int:
    """Drop the stack trace under a server's error, blank lines within it passed over; return the index after it.
    Only there is "Stack trace:" clutter: a sentence about one, or such a line anywhere else, stays."""
    while i < len(lines):
        s = WS.sub(" ", lines[i].text).strip()
        if s and not TRACE_LINE.match(s):
            break
        if s:
            lines[i].reason = "server-message"
        i += 1
    return i


def _prev_nonblank(lines: list[Line], i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if lines[j].text.strip():
            return j
    return None


def _next_nonblank(lines: list[Line], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if lines[j].text.strip():
            return j
    return None


def _is_paragraph(ln: Line) -> bool:
    s = ln.text.strip()
    return ln.kept and not _BULLET.match(s) and is_sentence(s) and len(s.split()) >= 8


def _mark_title(lines: list[Line], title: str | None) -> None:
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


def _mark_masthead(lines: list[Line]) -> None:
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


def _headline_follows(lines: list[Line], start: int) -> bool:
    for ln in lines[start:]:
        if _is_paragraph(ln):
            return False
        if ln.kept and headline_like(ln.text.strip(), 30) and len(ln.text.split()) >= 3:
            return True
    return False


def _mark_bare_byline(lines: list[Line]) -> None:
    """A bare name ("Jane Doe") right above a date header, before the first paragraph, is the byline."""
    for i, ln in enumerate(lines):
        if _is_paragraph(ln):
            return
        s = ln.text.strip()
        j = _next_nonblank(lines, i)
        if ln.kept and j is not None and lines[j].reason == "dateline-header" and \
                re.fullmatch(rf"{UPPER}[\w'’-]+(?: {UPPER}[\w.'’-]*){{1,3}}", s):
            ln.reason = "byline"


def _peel_inline_byline(lines: list[Line]) -> None:
    """A byline opening the first paragraph ("By Jane Doe. The council voted ...") is peeled off as the byline,
    as one on a line of its own is: the paragraph keeps its sentences, and the writer is no one in the story."""
    for ln in lines:
        if not ln.kept:
            continue
        m = INLINE_BYLINE.match(ln.text.strip())
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


def _mark_summaries(lines: list[Line]) -> None:
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


def _mark_edges(lines: list[Line]) -> None:
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


def _keep_gallery_if_alone(lines: list[Line]) -> None:
    """A page that is only a photo gallery tells its story in the captions: when nothing else is left, each
    distinct caption of the gallery is kept (once; a caption the gallery prints twice in a row, once)."""
    if any(ln.kept for ln in lines):
        return
    seen = set()
    for ln in lines:
        if not ln.gallery:
            continue
        ln.text = _undouble(ln.text.strip())
        if _key(ln.text) not in seen and len(ln.text.split()) >= GALLERY_WORDS:
            seen.add(_key(ln.text))
            ln.reason = None
        else:
            ln.reason = "caption"


def _undouble(s: str) -> str:
    """"A teen died. A teen died." -> "A teen died.": a text written twice in a row, once."""
    words = s.split()
    half = len(words) // 2
    return " ".join(words[:half]) if len(words) % 2 == 0 and words[:half] == words[half:] else s


def _split_tail_signoff(lines: list[Line]) -> Removed | None:
    """A last paragraph ending "… he said. — AFP" keeps its sentence and loses the credit."""
    kept = [i for i, ln in enumerate(lines) if ln.kept]
    captions = [i for i, ln in enumerate(lines) if ln.text.strip() and ln.reason == "caption"]
    if not captions or (kept and captions[-1] < kept[-1]):
        return None
    ln = lines[captions[-1]]
    m = TAIL_CREDIT.search(ln.text)
    head = ln.text[: m.start()] if m else ""
    if m and is_sentence(head) and len(head.split()) >= 8 and not not_a_credit(ln.text.strip()):
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
