"""Shared output for every listing: a readable table by default, or JSON, JSON lines, CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

FORMATS = ("table", "json", "jsonl", "csv")
WHOLE_CELL = 24  # characters up to which a one-word cell (an id, a date) is kept on one line in a table ...
LEAST_CELL = 8  # ... while each other column keeps this many characters (or all of its widest cell)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """``1 event``, ``2 events``; ``nouns`` for a plural not made with "s" (``1 copy``, ``2 copies``)."""
    return f"{n} {noun}" if n == 1 else f"{n} {nouns or noun + 's'}"


def printable(value: object) -> str:
    """``value`` as text with control characters written out (ESC -> ``\\x1b``), safe to print to a terminal.

    Newlines and tabs are kept; everything else below U+0020, DEL and the C1 controls (which terminals read
    as commands) are escaped.
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def render(rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str] | None = None, title: str | None = None,
           fields: Sequence[str] | None = None) -> str | Table:
    """Rows as text in ``fmt``, or a Rich table for ``table``; ``columns`` picks and orders the table's columns,
    ``fields`` (every field of the listing's rows, :func:`~storyline.storage.fields_of`) a CSV's, so that a CSV
    has the same header with rows or none."""
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str)
    if fmt == "jsonl":
        return "\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in rows)
    cols = list(columns or (rows[0].keys() if rows else []))
    if fmt == "csv":
        buf = io.StringIO()
        header = list(fields or (rows[0].keys() if rows else cols))
        writer = csv.DictWriter(buf, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: _cell(v) for k, v in r.items()})
        return buf.getvalue().rstrip("\n")
    table = _Listing(title=title, show_lines=False)
    cells = [[_cell(r.get(c)) for c in cols] for r in rows]
    for i, c in enumerate(cols):  # a column of single short words (ids, dates, counts) is kept on one line
        whole = all(len(row[i]) <= WHOLE_CELL and not any(ch.isspace() for ch in row[i]) for row in cells)
        table.add_column(c, overflow="fold", no_wrap=whole)
        table.widths.append(max(cell_len(text) for text in [c, *(row[i] for row in cells)]))
    for row in cells:
        table.add_row(*row)
    return table


class _Listing(Table):
    """A table whose columns of one short word a cell (ids, dates, counts) are kept on one line as far as the
    width leaves each other column :data:`LEAST_CELL` characters; the widest of them folds first where it does
    not. (Rich crops a column that may not wrap when the row is too wide: an id cut short that looked whole,
    and the title column squeezed out altogether, as ``storyline articles`` in 80 columns.)"""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.widths: list[int] = []  # per column: its widest cell, the header's included

    def __rich_console__(self, console, options):
        whole = [column.no_wrap for column in self.columns]

        def needed() -> int:  # a cell's padding of 1 on each side, and a border before each column and after the last
            return sum((width if column.no_wrap else min(width, LEAST_CELL)) + 3
                       for column, width in zip(self.columns, self.widths, strict=True)) + 1  # fmt: skip

        for i in sorted((i for i, kept in enumerate(whole) if kept), key=lambda i: -self.widths[i]):
            if needed() <= options.max_width:
                break
            self.columns[i].no_wrap = False
        yield from super().__rich_console__(console, options)
        for column, kept in zip(self.columns, whole, strict=True):
            column.no_wrap = kept


def _cell(value: Any) -> str:
    """A value as one cell: a list of plain values joined by ", "; a record, or a list holding records or lists
    (an article's ``removed`` spans, a hit's ``highlights``), as JSON, which a reader of the CSV can parse."""
    if value is None:
        return ""
    if isinstance(value, dict) or (isinstance(value, list | tuple) and any(isinstance(v, dict | list | tuple) for v in value)):
        return printable(json.dumps(value, ensure_ascii=False, default=str))
    if isinstance(value, list | tuple):
        return printable(", ".join(str(v) for v in value))
    if isinstance(value, float):
        return f"{value:g}"
    return printable(value)


def emit(console: Console, rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str] | None = None,
         title: str | None = None, fields: Sequence[str] | None = None) -> None:
    out = render(rows, fmt, columns, title, fields)
    if isinstance(out, str):
        if out:  # no rows in JSON lines is no line at all, not one blank line (which no JSON parser reads)
            console.print(out, markup=False, highlight=False, soft_wrap=True)
    else:
        console.print(out)
