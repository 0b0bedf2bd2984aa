"""Decoding: which encoding turns an input's bytes into the text its author wrote.

Used by :mod:`storyline.reading` for every file and JSONL line. The order, most
likely first, so that a plausible reading is never passed over for an exotic one:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) settles it;
2. UTF-16 without a BOM, recognised by its pattern of NUL bytes (ASCII text
   in UTF-16 has a NUL in every other byte); any other NUL bytes are binary;
3. UTF-8. A file that is UTF-8 but for a few bad bytes (no more bad sequences
   than good multi-byte characters) stays UTF-8: each bad byte is replaced by
   U+FFFD and named in a warning, so "Tomás" is never read as "TomГЎs";
4. Windows-1252, then Latin-1, the legacy encodings of the Western European
   languages, when the result reads as such text: most letters ASCII, the
   accented ones among them (Cyrillic or Greek read as Windows-1252 is nearly
   all accented letters, so it falls through to step 5);
5. charset detection (charset-normalizer) for everything else (cp1251, cp1253,
   Shift-JIS, ...).

The result names the encoding used (kept with the article and shown by
``storyline show``); the caller keeps the raw bytes whenever they are not
exactly the UTF-8 of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InputError, UnreadableInput

__all__ = ["Decoded", "decode_bytes", "looks_binary", "wide_encoding"]

# A valid UTF-8 multi-byte character, and any byte that cannot start or continue one.
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_LATIN_LETTER = re.compile(r"[^\W\d_]")
LATIN_SHARE = 0.3  # at most this share of the letters may be non-ASCII for a Western European reading
BAD_BYTES_SHOWN = 3


@dataclass
class Decoded:
    """Text decoded from bytes, the encoding used, and a warning when bytes had to be replaced."""

    text: str
    encoding: str
    warning: str | None = None


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def wide_encoding(start: bytes) -> str | None:
    """The codec of a UTF-16 or UTF-32 input by its byte-order mark, or of UTF-16 without one by its NUL bytes
    (``start``: the first kilobytes of it), else None."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):  # fmt: skip
        if start.startswith(bom):
            return codec
    even = len(start) // 2 * 2
    for cut in (even, even - 2):  # the sample may end inside a character of two units (an emoji)
        found = _utf16_without_bom(start[:cut]) if b"\x00" in start else None
        if found is not None:
            return found.encoding
    return None


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` (the start of an input) holds NUL bytes that are not UTF-16 or UTF-32 text."""
    if b"\x00" not in data or data.startswith(_BOMS):
        return False
    return _utf16_without_bom(data[: len(data) // 2 * 2]) is None


def decode_bytes(data: bytes, where: str) -> Decoded | InputError:
    """Decode ``data`` (see the module docstring for the order); an UnreadableInput when it is not text."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):  # fmt: skip
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec)
            except UnicodeDecodeError as exc:
                if exc.start < len(data) - 4:  # not only a stray byte or a cut character at the end
                    break
                n, name = len(data) - exc.start, codec.upper()
                return Decoded(data[: exc.start].decode(codec) + "\ufffd", codec,
                               f"{where}: the last {n} byte{'s' if n > 1 else ''} (a cut character, or bytes added) "
                               f"not {name} replaced with U+FFFD; the rest read as {name}")  # fmt: skip
    if b"\x00" in data:
        found = _utf16_without_bom(data)
        if found is not None:
            return found
        return UnreadableInput(where, "binary content (NUL bytes)",
                               "Give text, HTML or JSONL; convert documents such as PDF or Word to text first")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    nearly = _nearly_utf8(data, where)
    if nearly is not None:
        return nearly
    for codec in ("cp1252", "latin-1"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _western(text):
            return Decoded(text, codec)
    return _detected(data, where)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a byte-order mark: NULs in (nearly) every even or every odd byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for codec, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros.count(0) >= 0.6 * len(zeros):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            return None if _garbled(text) else Decoded(text, codec)
    return None


def _nearly_utf8(data: bytes, where: str) -> Decoded | None:
    """UTF-8 with its few bad bytes replaced, when the good multi-byte characters outnumber them."""
    bad: list[tuple[int, int]] = []
    pos = 0
    while True:
        try:
            data[pos:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            bad.append((pos + exc.start, data[pos + exc.start]))
            pos += exc.end
            if len(bad) > 64:
                return None
    good = len(_UTF8_MULTI.findall(data))
    if good == 0 or len(bad) > good:
        return None
    shown = ", ".join(f"0x{byte:02X} at byte {offset:,}" for offset, byte in bad[:BAD_BYTES_SHOWN])
    more = f" and {len(bad) - BAD_BYTES_SHOWN} more" if len(bad) > BAD_BYTES_SHOWN else ""
    warning = (f"{where}: {len(bad)} byte{'s' if len(bad) > 1 else ''} that {'are' if len(bad) > 1 else 'is'} not "
               f"UTF-8 ({shown}{more}) replaced with U+FFFD; the rest read as UTF-8")  # fmt: skip
    return Decoded(data.decode("utf-8", errors="replace"), "utf-8", warning)


def _western(text: str) -> bool:
    """True when ``text`` reads as a Western European language: no control characters, most letters ASCII."""
    if _garbled(text) or any("\x80" <= c <= "\x9f" for c in text):
        return False
    letters = _LATIN_LETTER.findall(text)
    if not letters:
        return True
    foreign = sum(1 for c in letters if ord(c) > 127)
    return foreign <= LATIN_SHARE * len(letters)


def _detected(data: bytes, where: str) -> Decoded | InputError:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    text = str(best) if best is not None else None
    if text is None or _garbled(text):
        return UnreadableInput(where, "the bytes are not text in any encoding storyline can recognise",
                               "Convert the file to UTF-8 (for example with iconv) and try again")
    return Decoded(text, best.encoding)


def _garbled(text: str) -> bool:
    """True when decoded text is mostly control characters: binary that happened to decode."""
    control = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    return control > max(2, len(text) // 100)
