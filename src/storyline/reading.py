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
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from charset_normalizer import from_bytes

from .errors import EmptyInput, InputError, InputTooLarge, MalformedLine, UnreadableInput
from .models import Article

__all__ = ["FORMATS", "count_documents", "count_inputs", "decode", "document_body", "iter_files", "read_paths"]

# file suffix -> reader kind
FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
HINT_FIELDS = ("title", "date", "outlet")
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
            yield UnreadableInput(path, "no such file or folder", "Check the path and try again")
        elif _kind(p) is None:
            yield UnreadableInput(
                path,
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


def document_body(article: Article) -> str:
    """The document itself: the file's text, or the ``text``/``html`` field of a JSONL line."""
    if article.format == "jsonl" or (article.format == "html" and article.raw.lstrip().startswith("{")):
        try:
            obj = json.loads(article.raw)
        except ValueError:
            return article.raw
        if isinstance(obj, dict):
            body = obj.get("html") if article.format == "html" else obj.get("text")
            if isinstance(body, str):
                return body
    return article.raw


def _walk(folder: Path, on_skip: SkipCallback | None) -> Iterator[str | InputError]:
    def report(err: OSError) -> None:
        failures.append(UnreadableInput(str(err.filename or folder), f"cannot list the folder ({err.strerror})",
                                        "Check its permissions"))

    failures: list[InputError] = []
    for root, dirs, files in os.walk(folder, onerror=report):
        dirs.sort()
        yield from failures
        failures.clear()
        for name in sorted(files):
            path = os.path.join(root, name)
            if _kind(Path(path)) is not None:
                yield path
            elif on_skip is not None:
                on_skip(path, "unknown file type; storyline reads .txt, .html, .htm and .jsonl (optionally .gz)")
    yield from failures


def _kind(path: Path) -> str | None:
    """Reader kind of a path from its suffix (``.gz`` looked through), or None when unknown."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return FORMATS.get(suffixes[-1]) if suffixes else None


def _stem(path: str) -> str:
    """File name without its extensions: ``a/b/story.html.gz`` -> ``story``."""
    name = Path(path).name
    for _ in range(2):
        base, ext = os.path.splitext(name)
        if ext.lower() in (*FORMATS, ".gz"):
            name = base
    return name


def _open(path: str) -> IO[bytes]:
    return gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")


def _read_file(path: str, max_bytes: int) -> Iterator[Article | InputError]:
    kind = _kind(Path(path))
    try:
        if kind == "jsonl":
            with _open(path) as stream:
                yield from read_jsonl(stream, path, _stem(path), max_bytes)
            return
        with _open(path) as stream:
            data = stream.read(max_bytes + 1)
    except PermissionError:
        yield UnreadableInput(path, "permission denied", "Make the file readable (chmod +r) or run as its owner")
        return
    except (OSError, EOFError, zlib.error) as exc:
        yield UnreadableInput(path, f"cannot read the file ({exc})", "Check that it is not truncated or corrupt")
        return
    if len(data) > max_bytes:
        yield InputTooLarge(path, f"larger than the limit of {max_bytes:,} bytes",
                            "Split the file, or raise the max_bytes setting (STORYLINE_MAX_BYTES)")
        return
    text = decode(data, path)
    if isinstance(text, InputError):
        yield text
    elif not text.strip():
        yield EmptyInput(path, "the file is empty", "Remove it or give it some text")
    else:
        yield Article(id=_stem(path), source=path, raw=text, format=kind or "txt")


def decode(data: bytes, where: str) -> str | InputError:
    """Decode bytes: UTF-8 (with or without BOM) first, then charset detection.

    Returns an UnreadableInput when the bytes are binary (NUL bytes outside UTF-16/32)
    or decode to nothing sensible.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        return UnreadableInput(where, "binary content (NUL bytes)",
                               "Give text, HTML or JSONL; convert documents such as PDF or Word to text first")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    text = str(best) if best is not None else None
    if text is None or _garbled(text):
        return UnreadableInput(where, "the bytes are not text in any encoding storyline can recognise",
                               "Convert the file to UTF-8 (for example with iconv) and try again")
    return text


def _garbled(text: str) -> bool:
    """True when decoded text is mostly control characters: binary that happened to decode."""
    control = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    return control > max(2, len(text) // 100)


def read_jsonl(stream: IO[bytes], name: str, stem: str, max_bytes: int) -> Iterator[Article | InputError]:
    """Yield one Article per JSONL line; each bad line becomes an InputError naming ``name:line``."""
    lineno = 0
    found = False
    while True:
        chunk = stream.readline(max_bytes + 1)
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
        if not chunk.strip():
            continue
        found = True
        yield _parse_line(chunk, where, stem, lineno)
    if not found:
        yield EmptyInput(name, "no JSONL lines", "Give one JSON object per line, with a text or html field")


def _parse_line(chunk: bytes, where: str, stem: str, lineno: int) -> Article | InputError:
    line = decode(chunk, where)
    if isinstance(line, InputError):
        return line
    line = line.rstrip("\r\n")
    todo = 'Give one JSON object per line, such as {"id": "a1", "text": "..."}'
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return MalformedLine(where, f"not valid JSON ({exc.msg} at column {exc.colno})", todo)
    if not isinstance(obj, dict):
        return MalformedLine(where, f"a JSON {type(obj).__name__}, not an object", todo)
    body_field = "html" if isinstance(obj.get("html"), str) and not isinstance(obj.get("text"), str) else "text"
    body = obj.get(body_field)
    if not isinstance(body, str):
        return MalformedLine(where, "no text or html field holding a string", todo)
    if not body.strip():
        return EmptyInput(where, f"the {body_field} field is empty", "Remove the line or give it some text")
    ident = obj.get("id")
    url = obj.get("url")
    hints = {k: obj[k] for k in HINT_FIELDS if isinstance(obj.get(k), str) and obj[k].strip()}
    return Article(
        id=str(ident) if ident not in (None, "") else f"{stem}-{lineno}",
        source=where,
        raw=line,
        format="html" if body_field == "html" else "jsonl",
        url=url if isinstance(url, str) and url.strip() else None,
        hints=hints,
    )
