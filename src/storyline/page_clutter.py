"""What a page's extraction left out: the blocks of an HTML page that are not in its article text, each with why.

trafilatura (:func:`storyline.page_text.html_text`) returns a page's main text and drops the rest: menus, headers
and footers, sidebars, forms, comments, related links. An article keeps what was removed from its input
(``removed``, each piece with a reason), so the page's own clutter is listed too, in page order among the
pieces the line rules removed from the main text.

A page is read as *blocks*: the text of each block element (paragraph, heading, list item, cell, ``div`` ...)
with its inline children, a ``<br>`` ending one. A block whose text (its words, case aside) is not in the
extracted text was dropped. Its reason is the page region it sits in, nearest first:

- ``page-menu``: a ``nav`` element, or ``role="navigation"``;
- ``page-header`` / ``page-footer`` / ``page-sidebar``: ``header`` / ``footer`` / ``aside`` (or the matching
  ``role``: ``banner``, ``contentinfo``, ``complementary``);
- ``page-form``: a form (search boxes, comment forms, newsletter sign-ups);
- ``page``: anything else outside the article (related links, comments, widgets).

Runs of dropped blocks with one reason make one piece, so a menu of forty links is one piece of forty lines.
Metadata reads none of these pieces (:mod:`storyline.metadata` takes its evidence from what the line rules
removed); they are there for the reader, who can see everything the page held and why it is not the article. Only
a credit block beside the headline is read from the page's blocks, as the byline (:mod:`storyline.bylines`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .models import Removed

PAGE_REASONS = ("page-menu", "page-header", "page-footer", "page-sidebar", "page-form", "page")
# elements whose text is never shown as the page's text
_UNSEEN = frozenset({"head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object",
                     "canvas", "video", "audio", "map"})
# elements that start a block of text of their own
_BLOCKS = frozenset({"p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "h1", "h2", "h3",
                     "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr",
                     "td", "th", "caption", "blockquote", "pre", "figure", "figcaption", "form", "fieldset", "legend",
                     "address", "hr", "body", "html", "details", "summary", "select", "option", "textarea", "label",
                     "center", "menu"})
_REGIONS = {"nav": "page-menu", "header": "page-header", "footer": "page-footer", "aside": "page-sidebar",
            "form": "page-form"}
_ROLES = {"navigation": "page-menu", "banner": "page-header", "contentinfo": "page-footer",
          "complementary": "page-sidebar", "search": "page-form", "form": "page-form"}
_TEXT = re.compile(r"\w")
_WORD = re.compile(r"\w+")
_GRAM = 3  # words of a block looked up before its text is searched for (see _Text)
_PART = 20  # the least characters a block needs to be taken for part of a longer removed piece


def _plain(text: str) -> str:
    """``text``'s words, case-folded, each between spaces (" home news "): one text is in another only word for
    word ("Home" is not in "homes along the river"), whatever the spacing and punctuation."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    return f" {' '.join(words)} " if words else ""


def _blocks(root, region: str) -> Iterator[tuple[str, str]]:
    """(text, region) of each block under ``root``, in page order. A walk with a stack of its own, not recursion:
    a page may nest thousands of elements deep."""

    def region_of(element, outer: str) -> str:
        return _REGIONS.get(element.tag) or _ROLES.get((element.get("role") or "").strip().lower()) or outer

    holding = _holding_blocks(root)

    def opens_block(child) -> bool:
        return child.tag in _BLOCKS or child.tag == "br" or child in holding

    stack = [(root, region_of(root, region), iter(root), [root.text or ""])]
    while stack:
        element, where, children, run = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            yield " ".join(run), where
            if stack:
                stack[-1][3].append(element.tail or "")
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag and tag not in _UNSEEN and opens_block(child):
            yield " ".join(run), where
            run.clear()
            if tag == "br":
                run.append(child.tail or "")
            else:
                stack.append((child, region_of(child, where), iter(child), [child.text or ""]))
            continue
        if tag and tag not in _UNSEEN:
            run.append(child.text_content())
        run.append(child.tail or "")


def _holding_blocks(root) -> set:
    """The elements under ``root`` that hold a block or a ``<br>`` somewhere within, found in one pass (asking
    each inline element for its descendants costs the square of a page's depth: 3.5 s for 2,000 nested tags)."""
    holding: set = set()
    for element in root.iter():
        if isinstance(element.tag, str) and (element.tag in _BLOCKS or element.tag == "br"):
            for outer in element.iterancestors():
                if outer in holding:
                    break  # and so are all of its ancestors
                holding.add(outer)
    return holding


def page_blocks(tree, kept: str) -> list[tuple[str, str | None]]:
    """(text, reason) of each block of the parsed page ``tree`` that holds a letter or digit, in page order; the
    reason is ``None`` for a block whose text is in ``kept`` (the extracted text, word for word, case aside)."""
    if tree is None:
        return []
    body = tree.find(".//body")
    kept = _Text(kept)
    out: list[tuple[str, str | None]] = []
    for text, region in _blocks(body if body is not None else tree, "page"):
        text = " ".join(text.split())
        if _TEXT.search(text):
            out.append((text, None if _plain(text) in kept else region))
    return out


class _Text:
    """A text asked, many times, whether it holds another word for word (both :func:`_plain`). Its runs of up
    to :data:`_GRAM` words are kept in a set, so a block whose first words it lacks is answered without a search
    (a page of 5,000 menu links searched a long article once per link)."""

    def __init__(self, text: str):
        self.plain = _plain(text)
        words = self.plain.split()
        self.runs = {tuple(words[i : i + n]) for n in range(1, _GRAM + 1) for i in range(len(words) - n + 1)}

    def __contains__(self, plain: str) -> bool:
        return tuple(plain.split()[:_GRAM]) in self.runs and plain in self.plain


def in_page_order(blocks: list[tuple[str, str | None]], removed: list[Removed]) -> list[Removed]:
    """The page's dropped blocks (each run of one reason joined into one piece, a line per block) and
    ``removed`` (what the line rules took from the extracted text, in its order), merged in page order. A
    piece of ``removed`` goes where the first block at or after the previous piece's holds its text (where
    the previous piece went when none does)."""
    texts = [_plain(t) for t, _ in blocks]
    order: list[tuple[int, int, Removed]] = []
    at = 0
    for r in removed:
        want = _plain(r.text)
        at = next((n for n in range(at, len(texts)) if want and (want in texts[n] or len(texts[n]) >= _PART and texts[n] in want)), at)
        order.append((at, 1, r))
    run: Removed | None = None
    for n, (text, reason) in enumerate(blocks):
        if reason is None:
            run = None
        elif run is not None and run.reason == reason:
            run.text += "\n" + text
        else:
            run = Removed(text, reason)
            order.append((n, 0, run))
    order.sort(key=lambda item: item[:2])  # stable: pieces placed at one block keep their order
    return [r for _, _, r in order]
