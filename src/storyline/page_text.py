"""An HTML page's main text and title: trafilatura, with a cookie or consent banner taken out first.

:func:`html_text` is what :mod:`storyline.cleaning` starts from for a page; the blocks it leaves out are put
back as removed pieces by :mod:`storyline.page_clutter`.
"""

from __future__ import annotations

import re

from .reading import PAGE_PARSING, html_tree

__all__ = ["html_text"]


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
