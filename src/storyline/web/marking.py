"""Article text as HTML with its entities and quotes marked, every character escaped.

Marks come from the stored spans (mentions and quotes) into the clean text.
Quotes are the outer layer and entity mentions sit inside them; a span that
overlaps an earlier one, runs past the text, or crosses a quote's edge is
left unmarked rather than producing broken HTML.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ..models import Article, Mention, Quote


def _clean_spans(spans: list, length: int) -> list:
    """Spans inside the text, sorted, with overlapping later spans dropped."""
    out, end = [], 0
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if 0 <= s.start < s.end <= length and s.start >= end:
            out.append(s)
            end = s.end
    return out


def _mention_html(text: str, m: Mention) -> Markup:
    inner = escape(text[m.start : m.end])
    title = escape(f"{m.name} ({m.label})")
    kind = escape(m.label.lower())
    if m.entity_id is not None:
        return Markup(f'<a class="ent ent-{kind}" href="/entities/{int(m.entity_id)}" title="{title}">{inner}</a>')
    return Markup(f'<span class="ent ent-{kind}" title="{title}">{inner}</span>')


def _with_mentions(text: str, start: int, end: int, mentions: list[Mention]) -> Markup:
    """``text[start:end]`` escaped, with the mentions inside it marked."""
    parts, pos = [], start
    for m in mentions:
        if m.start < start or m.end > end:
            continue
        parts.append(escape(text[pos : m.start]))
        parts.append(_mention_html(text, m))
        pos = m.end
    parts.append(escape(text[pos:end]))
    return Markup("").join(parts)


def _quote_open(q: Quote) -> Markup:
    who = q.speaker or "unknown speaker"
    title = escape(f"{q.kind} quote · {who}" + (f" ({q.cue})" if q.cue else ""))
    return Markup(f'<span class="quote quote-{escape(q.kind)}" title="{title}">')


def _paragraph_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line or paragraph of the text."""
    ranges, pos = [], 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            ranges.append((pos, end))
        pos = end + 1
    return ranges


def _mark_range(text: str, start: int, end: int, quotes: list[Quote], mentions: list[Mention]) -> Markup:
    parts, pos = [], start
    for q in quotes:
        if q.start < start or q.end > end:
            continue
        parts.append(_with_mentions(text, pos, q.start, mentions))
        parts.append(_quote_open(q) + _with_mentions(text, q.start, q.end, mentions) + Markup("</span>"))
        pos = q.end
    parts.append(_with_mentions(text, pos, end, mentions))
    return Markup("").join(parts)


def mark_paragraphs(article: Article, cited: tuple[int, int] | None = None) -> list[Markup]:
    """The article's clean text as safe HTML paragraphs, quotes and entity mentions marked.

    ``cited`` (start, end) is a span a citation points at, wrapped in ``<mark id="cited">``.
    A span that crosses a paragraph break, a mention that crosses a quote's edge, or a
    mark that crosses the cited span's edge cannot be nested cleanly and is left unmarked.
    """
    text = article.text or ""
    quotes = _clean_spans(article.quotes, len(text))
    mentions = [m for m in _clean_spans(article.mentions, len(text))
                if not any(q.start < m.end and m.start < q.end and not (q.start <= m.start and m.end <= q.end)
                           for q in quotes)]  # fmt: skip
    out, anchored = [], False
    for s, e in _paragraph_ranges(text):
        if cited is None or cited[1] <= s or cited[0] >= e:
            out.append(_mark_range(text, s, e, quotes, mentions))
            continue
        cs, ce = max(s, cited[0]), min(e, cited[1])
        inner = _mark_range(text, cs, ce, quotes, mentions)
        anchor = "" if anchored else ' id="cited"'
        anchored = True
        out.append(_mark_range(text, s, cs, quotes, mentions) + Markup(f'<mark class="cited"{anchor}>') + inner
                   + Markup("</mark>") + _mark_range(text, ce, e, quotes, mentions))  # fmt: skip
    return out
