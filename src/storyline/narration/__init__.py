"""Narration: what an analyst reads — cited event summaries, source comparisons, story timelines, reports.

Every sentence shown is taken verbatim from a source and carries its article id,
outlet and character span. The steps, for one story::

    load        sources.load_sources      events -> their full articles, wire-copy groups
    summarise   summary.summarise         3–6 central, non-repeating sentences, each cited
                summary.key_quotes        quotes merged across outlets, with all their sources
                summary.key_figures       figures merged on value and unit said of one thing
    compare     compare.compare           agreements, differences, unique facts, wire copies
    place       timeline.background       earlier happenings mentioned, later ones expected
    report      report.build_report       the JSON-ready report; report.render -> json / md / html

The web pages and the CLI call :func:`event_summary`, :func:`story_timeline`,
:func:`build_report`, :func:`render` and :func:`write_all`.
"""

from .compare import compare, story_agreements
from .report import FORMATS, build_report, event_summary, render, write_all
from .sources import Sources, load_sources
from .summary import key_figures, key_quotes, summarise
from .timeline import background, story_timeline

__all__ = [
    "FORMATS",
    "Sources",
    "background",
    "build_report",
    "compare",
    "event_summary",
    "key_figures",
    "key_quotes",
    "load_sources",
    "render",
    "story_agreements",
    "story_timeline",
    "summarise",
    "write_all",
]
