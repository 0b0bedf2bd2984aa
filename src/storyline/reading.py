"""Reading: turn paths into articles (the first pipeline stage).

Needs: paths (files, folders, or ``-`` for JSONL on standard input) and the
settings (``max_bytes``). Adds: one :class:`~storyline.models.Article` per
document, holding ``id``, ``source``, ``raw`` (the input exactly as given,
decoded), ``format``, ``url`` and the caller's ``hints`` (title, date, outlet).

Every input that cannot be read becomes an :class:`~storyline.errors.InputError`
*yielded* in its place, never raised and never dropped, so one bad file does
not stop the others:

* binary files (NUL bytes) and bytes that decode to nothing sensible;
* empty files, and JSONL lines whose ``text``/``html`` is empty;
* documents over ``settings.max_bytes`` (a whole .txt/.html file, or one JSONL
  line: a JSONL file of many articles may be as large as it likes);
* malformed JSONL lines, named by file and line; the file's other lines are
  still read;
* missing paths, permission denied, unreadable gzip.

Files with an unknown extension inside a folder are skipped and reported through
``on_skip(path, why)``; a file named explicitly with an unknown extension is an
error. Blank lines in JSONL carry no document and are passed over.

JSONL is streamed line by line, so a file of any size needs only one line's
worth of memory.

Later stages read the document through here as well: :func:`document_body` (the
page or text itself), :func:`page_tree` (the HTML page parsed once),
:func:`shown_text` (an element's words as a reader sees them) and
:func:`original_url` (the page a Wayback Machine capture was taken of).
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import re
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote

from .decoding import decode_bytes, looks_binary, wide_encoding
from .errors import EmptyInput, InputError, InputTooLarge, MalformedLine, UnreadableInput
from .models import Article

__all__ = ["FORMATS", "count_documents", "count_inputs", "decode", "document_body", "iter_files", "open_input", "read_paths",
           "safe_id", "stem"]

# file suffix -> reader kind
FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
HINT_FIELDS = ("title", "date", "outlet")
UNKNOWN_TYPE = "unknown file type; storyline reads .txt, .html, .htm and .jsonl (optionally .gz)"
STDIN = "-"

SkipCallback = Callable[[str, str], None]


def read_paths(
    paths: Iterable[str], settings: Any, on_skip: SkipCallback | None = None
) -> Iterator[Article | InputError]:
    """Yield an Article for every document under ``paths``, or an InputError in its place.

    Folders are walked recursively in sorted order; ``-`` reads JSONL from stdin.
    """
    max_bytes = int(settings.max_bytes)
    for item in iter_files(paths, on_skip):
        if isinstance(item, InputError):
            yield item
        elif item == STDIN:
            yield from read_jsonl(sys.stdin.buffer, "<stdin>", "stdin", max_bytes)
        else:
            yield from _read_file(item, max_bytes)


def iter_files(paths: Iterable[str], on_skip: SkipCallback | None = None) -> Iterator[str | InputError]:
    """Yield each readable file path (or ``-``) in order, and an InputError for each bad path."""
    for path in paths:
        if path == STDIN:
            yield STDIN
            continue
        p = Path(path)
        if p.is_dir():
            yield from _walk(p, on_skip)
        elif not p.exists():
            yield UnreadableInput(shown_path(path), "no such file or folder", "Check the path and try again")
        elif not _regular(path):
            yield UnreadableInput(shown_path(path), "not a regular file (a pipe, device or socket)",
                                  "Give files or folders; to read JSONL from a pipe, use - for standard input")
        elif _kind(p) is None:
            yield UnreadableInput(
                shown_path(path),
                f"unknown file type {''.join(p.suffixes) or '(no extension)'}",
                "Give .txt, .html, .htm or .jsonl files, optionally gzipped (.gz)",
            )
        else:
            yield path


def count_inputs(paths: Iterable[str]) -> int:
    """Number of files (and stdin streams) :func:`read_paths` will open, for a progress bar.

    Cheap: walks folders but opens nothing, so JSONL files count once however many lines they hold.
    """
    return sum(1 for item in iter_files(paths) if not isinstance(item, InputError))


def count_documents(paths: Iterable[str]) -> int | None:
    """Number of documents :func:`read_paths` will yield, or ``None`` when a JSONL input makes it unknown without reading."""
    total = 0
    for item in iter_files(paths):
        if isinstance(item, InputError):
            continue
        if item == "-" or _kind(Path(item)) == "jsonl":
            return None
        total += 1
    return total


PAGE_PARSING = {"collect_ids": False, "default_doctype": False, "remove_comments": True, "remove_pis": True}  # lxml
# a Wayback Machine capture: the archive, the capture's time stamp (and a mode such as "id_"), the page's own address
_ARCHIVED = re.compile(r"^(?:https?://)?(?:web\.|wayback\.)?archive\.org/web/\d{1,14}(?:[a-z]{2}_)?/+(?P<url>\S+)$", re.I)


def original_url(url: str | None) -> str | None:
    """The address a Wayback Machine capture was taken of, ``url`` itself when it is not one:
    ``web.archive.org/web/20151030223013/http://www.wral.com/...`` is a page of wral.com. The capture's own
    address names the archive and the day of the capture, neither the article's outlet nor its date."""
    if not url or not (m := _ARCHIVED.match(url.strip())):
        return url
    inner = m.group("url")
    if re.match(r"https?%3A", inner, re.I):  # the page's address percent-encoded
        inner = unquote(inner)
    inner = re.sub(r"^(https?):/+", r"\1://", inner, flags=re.I)  # the archive may fold "//" into "/"
    return inner if "://" in inner else f"http://{inner}"


def page_tree(article: Article):
    """The article's HTML page parsed by lxml (deeper than its default limit too), ``None`` when it does not parse."""
    return html_tree(document_body(article))


def html_tree(html: str, parser=None):
    """``html`` parsed by lxml with ``parser`` (by default one without lxml's depth limit), or ``None`` when it
    does not parse."""
    from lxml.etree import LxmlError
    from lxml.html import HTMLParser, fromstring

    parser = parser or HTMLParser(huge_tree=True, **PAGE_PARSING)
    try:
        try:
            return fromstring(html, parser=parser)
        except ValueError:  # a string with an encoding declaration: lxml wants bytes
            return fromstring(html.encode("utf-8"), parser=parser)
    except (ValueError, LxmlError):
        return None


def shown_text(element) -> str:
    """The words of a parsed element as a reader sees them: a line break (``<br>``) between two words is a space
    ("open<br>after"), inline markup is not ("THW<span>:</span>")."""
    parts: list[str] = []

    def walk(el) -> None:
        if el.tag == "br":
            parts.append(" ")
        elif isinstance(el.tag, str) and el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return " ".join("".join(parts).split())


def document_body(article: Article) -> str:
    """The document itself: the file's text, or the ``text``/``html`` field of a JSONL line."""
    if article.format == "jsonl" or (article.format == "html" and article.raw.lstrip().startswith("{")):
        try:
            obj = json.loads(article.raw)
        except (ValueError, RecursionError):
            return article.raw
        if isinstance(obj, dict):
            body = obj.get("html") if article.format == "html" else obj.get("text")
            if isinstance(body, str):
                return _no_surrogates(body)
    return article.raw


def _walk(folder: Path, on_skip: SkipCallback | None) -> Iterator[str | InputError]:
    def report(err: OSError) -> None:
        failures.append(UnreadableInput(shown_path(str(err.filename or folder)), f"cannot list the folder ({err.strerror})",
                                        "Check its permissions"))

    failures: list[InputError] = []
    for root, dirs, files in os.walk(folder, onerror=report):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # hidden: a tool's own (.git), never articles
        yield from failures
        failures.clear()
        for name in sorted(f for f in files if not f.startswith(".")):  # hidden: a copying tool's ("._a.txt")
            path = os.path.join(root, name)
            if not _regular(path):
                if on_skip is not None:
                    on_skip(shown_path(path), "not a regular file (a pipe, device, socket or broken link); only files are read")
            elif _kind(Path(path)) is not None:
                yield path
            elif on_skip is not None:
                on_skip(shown_path(path), UNKNOWN_TYPE)
    yield from failures


def _regular(path: str) -> bool:
    """True for a regular file (following links): a FIFO would block the reader forever."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _kind(path: Path) -> str | None:
    """Reader kind of a path from its suffix (``.gz`` looked through), or None when unknown."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return FORMATS.get(suffixes[-1]) if suffixes else None


def stem(path: str) -> str:
    """File name without its extensions: ``a/b/story.html.gz`` -> ``story``."""
    name = Path(path).name
    for _ in range(2):
        base, ext = os.path.splitext(name)
        if ext.lower() in (*FORMATS, ".gz"):
            name = base
    return safe_id(name)


def open_input(path: str) -> IO[bytes]:
    """The bytes of the file ``path``, gunzipped when its name ends in .gz."""
    return gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")


def _read_file(path: str, max_bytes: int) -> Iterator[Article | InputError]:
    kind = _kind(Path(path))
    name = shown_path(path)  # what the file is called in its articles and errors
    try:
        if kind == "jsonl":
            with open_input(path) as stream:
                yield from read_jsonl(stream, name, stem(name), max_bytes)
            return
        with open_input(path) as stream:
            data = stream.read(max_bytes + 1)
    except PermissionError:
        yield UnreadableInput(name, "permission denied", "Make the file readable (chmod +r) or run as its owner")
        return
    except (OSError, EOFError, zlib.error) as exc:
        yield UnreadableInput(name, f"cannot read the file ({exc})", "Check that it is not truncated or corrupt")
        return
    if len(data) > max_bytes:
        yield InputTooLarge(name, f"larger than the limit of {max_bytes:,} bytes",
                            "Split the file, or raise the max_bytes setting (STORYLINE_MAX_BYTES)")
        return
    decoded = decode_bytes(data, name)
    if isinstance(decoded, InputError):
        yield decoded
    elif not decoded.text.strip():
        yield EmptyInput(name, "the file is empty", "Remove it or give it some text")
    else:
        exact = decoded.encoding == "utf-8" and not decoded.warning
        yield Article(id=stem(name), source=name, raw=decoded.text, format=kind or "txt", encoding=decoded.encoding,
                      raw_bytes=None if exact else data, warnings=[decoded.warning] if decoded.warning else [])


def decode(data: bytes, where: str) -> str | InputError:
    """The text of ``data`` (see :func:`storyline.decoding.decode_bytes`), or an UnreadableInput."""
    decoded = decode_bytes(data, where)
    return decoded if isinstance(decoded, InputError) else decoded.text


def read_jsonl(stream: IO[bytes], name: str, stem: str, max_bytes: int) -> Iterator[Article | InputError]:
    """Yield one Article per JSONL line; each bad line becomes an InputError naming ``name:line``.

    Blank lines are skipped in bulk; a run of more than ``max_bytes`` of them is an InputTooLarge that
    ends the file (a flood of newlines costs no more than one oversized line).
    """
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)  # type: ignore[arg-type]
    if codec := wide_encoding(stream.peek(1 << 13)[: 1 << 13]):  # UTF-16 or -32: its lines read as UTF-8 (split
        stream = io.BufferedReader(_AsUtf8(stream, codec))  # on b"\n", they were cut through the middle of characters)
    elif stream.peek(3)[:3] == codecs.BOM_UTF8:  # a UTF-8 mark: not part of the first line (nor a line of its own)
        stream.read(3)
    if looks_binary(stream.peek(1 << 13)[: 1 << 13]):  # binary: one error, not one for each "line" of it
        yield UnreadableInput(name, "binary content (NUL bytes), not JSON lines",
                              "Give one JSON object per line, with a text or html field")
        return
    lineno = 0
    found = False
    blank = 0  # bytes of blank lines in a row
    while True:
        try:
            chunk = stream.readline(max_bytes + 1)
        except (OSError, EOFError, zlib.error, UnicodeError) as exc:  # a truncated .gz: the lines before are read
            yield UnreadableInput(f"{name}:{lineno + 1}", f"cannot read on from this line ({exc}); the lines before "
                                  "it are read", "Check that the file is not truncated or corrupt")  # fmt: skip
            return
        if not chunk:
            break
        lineno += 1
        where = f"{name}:{lineno}"
        if len(chunk) > max_bytes and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # skip the rest of the oversized line
                chunk = stream.readline(1 << 20)
            found = True
            yield InputTooLarge(where, f"line larger than the limit of {max_bytes:,} bytes",
                                "Shorten the document, or raise the max_bytes setting (STORYLINE_MAX_BYTES)")
            continue
        if chunk.strip():
            blank = 0
            found = True
            yield _parse_line(chunk, where, stem, lineno)
            continue
        skipped, newlines = _skip_blank_lines(stream, max_bytes - blank)  # type: ignore[arg-type]
        blank += len(chunk) + skipped
        lineno += newlines
        if blank > max_bytes:
            yield InputTooLarge(where, f"more than {max_bytes:,} bytes of blank lines from here; the rest of the input "
                                "is not read", "Remove the blank lines, or raise the max_bytes setting (STORYLINE_MAX_BYTES)")
            return
    if not found:
        yield EmptyInput(name, "no JSONL lines", "Give one JSON object per line, with a text or html field")


class _AsUtf8(io.RawIOBase):
    """A UTF-16 or UTF-32 byte stream (``codec`` reads its byte-order mark) as a stream of UTF-8 bytes, decoded as it
    is read; a malformed sequence becomes U+FFFD."""

    def __init__(self, stream: IO[bytes], codec: str):
        self._text = codecs.getreader(codec)(stream, errors="replace")
        self._ready = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._ready:
            text = self._text.read(1 << 16)
            if not text:
                if not self._text.bytebuffer:  # type: ignore[attr-defined]
                    return 0
                self._text.bytebuffer, text = b"", "\ufffd"  # type: ignore[attr-defined]  # a cut character at the end
            self._ready = text.encode("utf-8", "replace")
        n = min(len(buffer), len(self._ready))
        buffer[:n] = self._ready[:n]
        self._ready = self._ready[n:]
        return n


def _skip_blank_lines(stream: io.BufferedReader, limit: int) -> tuple[int, int]:
    """Skip whole blank lines ahead in ``stream`` in bulk, up to just over ``limit`` bytes: (bytes, lines) skipped."""
    skipped = newlines = 0
    while skipped <= limit:
        data = stream.peek(1 << 16)
        if not data:
            break
        rest = data.lstrip(b" \t\r\n\f\v")
        end = data.rfind(b"\n", 0, len(data) - len(rest)) + 1  # keep the indentation of the next line
        if end == 0:
            break
        newlines += data.count(b"\n", 0, end)
        skipped += len(stream.read(end))
        if rest:
            break
    return skipped, newlines


_JSON_TYPES = {"NoneType": "null", "list": "array", "str": "string", "int": "number", "float": "number",
               "bool": "true/false value"}
MAX_ID = 500  # characters in an article id
_QUOTED = {"date": '"2024-03-05"'}  # how a hint that is not a string is given in quotes, when its value cannot show it


def _parse_line(chunk: bytes, where: str, stem: str, lineno: int) -> Article | InputError:
    decoded = decode_bytes(chunk, where)
    if isinstance(decoded, InputError):
        return decoded
    line = decoded.text.rstrip("\r\n")
    todo = 'Give one JSON object per line, such as {"id": "a1", "text": "..."}'
    try:
        obj = json.loads(line)
    except ValueError as exc:
        message = f"not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else \
            f"not valid JSON ({exc})"
        return MalformedLine(where, message, todo)
    except RecursionError:
        return MalformedLine(where, "JSON nested too deeply to read", todo)
    if not isinstance(obj, dict):
        return MalformedLine(where, f"a JSON {_JSON_TYPES.get(type(obj).__name__, type(obj).__name__)}, not an object", todo)
    obj = {k: _no_surrogates(v) for k, v in obj.items() if k in ("id", "url", "text", "html", *HINT_FIELDS)}
    given = [k for k in ("text", "html") if isinstance(obj.get(k), str)]  # the text first, unless only the html
    body_field = next((k for k in given if obj[k].strip()), given[0] if given else "text")  # holds something
    body = obj.get(body_field)
    if not isinstance(body, str):
        return MalformedLine(where, "no text or html field holding a string", todo)
    if not body.strip():
        return EmptyInput(where, f"the {body_field} field is empty", "Remove the line or give it some text")
    ident = obj.get("id")
    if ident not in (None, "") and (problem := _bad_id(ident)):
        return MalformedLine(where, f"the id {problem}", 'Give each line a short id of letters, digits and punctuation, such as "a1"')
    url = obj.get("url")
    hints = {k: obj[k] for k in HINT_FIELDS if isinstance(obj.get(k), str) and obj[k].strip()}
    ignored = [k for k in HINT_FIELDS if obj.get(k) is not None and not isinstance(obj[k], str)]
    warnings = [decoded.warning] if decoded.warning else []
    warnings += [f"{where}: the {k} {json.dumps(obj[k])[:40]} is not a string and is ignored (give it in quotes, "
                 f"such as {_QUOTED.get(k, json.dumps(str(obj[k]))[:40])})" for k in ignored]  # fmt: skip
    return Article(
        id=str(ident) if ident not in (None, "") else f"{stem}-{lineno}",
        source=where,
        raw=line,
        format="html" if body_field == "html" else "jsonl",
        url=url if isinstance(url, str) and url.strip() else None,
        hints=hints,
        encoding=decoded.encoding,
        raw_bytes=None if decoded.encoding == "utf-8" and not decoded.warning else chunk.rstrip(b"\r\n"),
        warnings=warnings,
    )


def _no_surrogates(value: Any) -> Any:
    """A JSON string with lone surrogates (``"\\ud800"``, which no encoding can store) has them replaced by U+FFFD."""
    if isinstance(value, str) and _SURROGATE.search(value):
        return _SURROGATE.sub("\ufffd", value)
    return value


def _bad_id(ident: Any) -> str | None:
    """What is wrong with a caller's id, or None: it must be a string or whole number, short, without control characters."""
    if isinstance(ident, float):
        return f"{json.dumps(ident)} is not a whole number; give it as a string"
    if isinstance(ident, bool) or not isinstance(ident, str | int):
        return f"is a JSON {_JSON_TYPES.get(type(ident).__name__, type(ident).__name__)}, not a string"
    text = str(ident)
    if len(text) > MAX_ID:
        return f"is {len(text):,} characters long, more than {MAX_ID}"
    if text != text.strip():
        return f"{text!r} starts or ends with white space"
    if CONTROL.search(text):
        return f"{text!r} holds a control character"
    return None


def safe_id(text: str) -> str:
    """``text`` with control characters written out (ESC -> ``\\x1b``), so an id from a file name is printable, and
    the bytes of a name that is not UTF-8 too (:func:`shown_path`)."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", shown_path(text))


def shown_path(path: str) -> str:
    """``path`` as it is named in sources, ids and messages: the bytes of a file name that is not UTF-8 (which
    Python reads as lone surrogates, and no store or terminal can take) written out, ``caf\\xe9.txt``. The file is
    still opened by ``path`` itself."""
    if not _SURROGATE.search(path):
        return path
    return _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}" if 0xDC80 <= ord(m.group()) <= 0xDCFF
                          else f"\\u{ord(m.group()):04x}", path)  # fmt: skip


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # what one line of text never holds: controls, line breaks
_SURROGATE = re.compile(r"[\ud800-\udfff]")
