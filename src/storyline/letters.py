"""Letters of any alphabet, for the regular expressions that look for names.

Python's ``re`` has no class for a capital letter, and ``[A-Z]`` knows only the English ones: "By Émile Zola."
was no byline and "Fire Chief Ólafur Ragnarsson" kept his title. :data:`UPPER` and :data:`LOWER` are character
classes of every capital (upper- and title-case, as "ǅ") and every small letter Unicode has, to put in a pattern
where ``[A-Z]`` and ``[a-z]`` stood (outside a case-insensitive group: under ``re.I`` a class of capitals takes
small letters too).
"""

from __future__ import annotations

import unicodedata

__all__ = ["LOWER", "UPPER"]

# No cased letter lies beyond the first two planes (the rest are CJK ideographs, which have no case, and unassigned).
_CODE_POINTS = range(0x20000)


def _char_class(letters: list[str]) -> str:
    """A regular-expression character class of the given characters (in code point order), as ranges."""
    ranges: list[list[int]] = []
    for cp in map(ord, letters):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "[" + "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges) + "]"


# str.isupper and str.islower pick the candidates (asking every code point its category costs 40 ms); the category
# keeps the letters among them (not "Ⓐ", which is upper case but a symbol).
UPPER = _char_class([c for c in map(chr, _CODE_POINTS) if (c.isupper() or c.istitle())
                     and unicodedata.category(c) in ("Lu", "Lt")])
LOWER = _char_class([c for c in map(chr, _CODE_POINTS) if c.islower() and unicodedata.category(c) == "Ll"])
