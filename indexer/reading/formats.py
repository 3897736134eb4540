"""Article records in the formats read: a JSON object, a JSON list, JSON Lines, an HTML page; and the
byte checks every file passes first (binary formats, UTF-16, UTF-8 decoding that names the byte).

`indexer.reading.articles` finds the files and calls these; each function returns an `Article` or a
`ReadFailure` with a one-line reason, never raises for bad input.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from indexer.dates import normalize_date
from indexer.model import Article

HEAD_BYTES = 8192
_BOM = b"\xef\xbb\xbf"

# Leading bytes of common binary formats (checked in addition to NUL bytes in the head).
_BINARY_SIGNATURES: tuple[bytes, ...] = (
    b"%PDF-",
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"PK\x03\x04",  # zip, docx, xlsx, epub, odt
    b"PK\x05\x06",  # empty zip
    b"\x1f\x8b",  # gzip
    b"BZh91AY&SY",  # bzip2
    b"\xfd7zXZ\x00",  # xz
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # MS Office (doc, xls)
    b"\x7fELF",
    b"MZ\x90\x00",  # Windows executable
    b"SQLite format 3\x00",
    b"\x00\x00\x00",  # mp4/mov and most other container formats
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

EMPTY = "empty article"
BINARY = "binary file, not text"
_NO_TEXT = "no 'text' field"
_NO_HTML_TEXT = "no article text found in HTML"

_TEXT_KEYS = ("text", "body", "content")
_OUTLET_KEYS = ("outlet", "source", "publisher")
_DATE_KEYS = ("published_at", "date", "published")
_AUTHOR_KEYS = ("authors", "author", "byline")
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;]|\band\b|&)\s*", re.IGNORECASE)
_BYLINE_PREFIX = re.compile(r"^\s*by\s+", re.IGNORECASE)


@dataclass
class ReadFailure:
    """Something that could not be read: where (`origin`) and why (`reason`, one line)."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


def content_id(text: str) -> str:
    """The last-resort id: a hash of the text (standard input without ids or URLs)."""
    return "text-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# --------------------------------------------------------------------------- byte checks


def binary_reason(head: bytes) -> str | None:
    if head.startswith(_UTF16_BOMS):
        return "UTF-16 text, not UTF-8; re-encode the file as UTF-8"
    if b"\x00" in head[:HEAD_BYTES] or head.startswith(_BINARY_SIGNATURES):
        return BINARY
    return None


class NotUtf8(Exception):
    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.reason = f"not valid UTF-8 at byte {offset}; re-encode the file as UTF-8"


def decode(data: bytes, base_offset: int = 0) -> str:
    """Decode UTF-8, removing a leading BOM; raises `NotUtf8` naming the file byte offset."""
    skip = len(_BOM) if data.startswith(_BOM) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as e:
        raise NotUtf8(base_offset + skip + e.start) from None


# --------------------------------------------------------------------------- JSON records


def scalar(value: Any) -> str | None:
    """A JSON value as a non-empty string, or None (for null, empty, objects and lists)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _first(obj: dict[str, Any], keys: Iterable[str]) -> Any:
    for key in keys:
        value = obj.get(key)
        if value is not None and value != "":
            return value
    return None


def split_authors(value: Any) -> list[str]:
    """Normalise an author field: a list, or a byline string like ``"By A, B and C"``."""
    if value is None:
        return []
    items: list[Any] = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        if not isinstance(item, str):
            continue
        # A list is taken as given ("Holt, Mira" is one name); a string is a byline to split.
        parts = [item] if isinstance(value, list) else _AUTHOR_SPLIT.split(_BYLINE_PREFIX.sub("", item))
        out.extend(p.strip() for p in parts if p.strip())
    return out


def _record(obj: Any, origin: str, default_id: str | None) -> Article | ReadFailure:
    """An article from a JSON object; with no id, url or `default_id`, its id is a hash of its text."""
    if not isinstance(obj, dict):
        return ReadFailure(origin, f"not a JSON object (got {type(obj).__name__})")
    text = _first(obj, _TEXT_KEYS)
    if text is None:
        return ReadFailure(origin, _NO_TEXT)
    if not isinstance(text, str):
        return ReadFailure(origin, f"'text' field is not a string (got {type(text).__name__})")
    if not text.strip():
        return ReadFailure(origin, EMPTY)
    published_at, published_text = normalize_date(scalar(_first(obj, _DATE_KEYS)))
    url = scalar(obj.get("url"))
    return Article(
        id=scalar(obj.get("id"))
        or (url.strip() if url and url.strip() else None)
        or default_id
        or content_id(text),
        text=text,
        title=scalar(obj.get("title")),
        url=scalar(obj.get("url")),
        outlet=scalar(_first(obj, _OUTLET_KEYS)),
        published_at=published_at,
        authors=split_authors(_first(obj, _AUTHOR_KEYS)),
        origin=origin,
        published_text=published_text,
    )


def _json_line(line: str, origin: str, default_id: str | None) -> Article | ReadFailure:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return ReadFailure(origin, f"invalid JSON: {e.msg} at column {e.colno}")
    except RecursionError:
        return ReadFailure(origin, "invalid JSON: nested too deeply")
    return _record(obj, origin, default_id)


def iter_jsonl(lines: Iterable[bytes], origin: str, id_base: str | None) -> Iterator[Article | ReadFailure]:
    """One article per non-blank line; `lines` are raw byte lines, decoded one at a time."""
    offset = 0
    seen_any = False
    for lineno, raw in enumerate(lines, start=1):
        line_origin = f"{origin}:{lineno}"
        try:
            decoded = decode(raw, offset)
        except NotUtf8 as e:
            seen_any = True
            yield ReadFailure(line_origin, e.reason)
            continue
        finally:
            offset += len(raw)
        if not decoded.strip():
            continue
        seen_any = True
        yield _json_line(decoded, line_origin, f"{id_base}-{lineno}" if id_base else None)
    if not seen_any:
        yield ReadFailure(origin, EMPTY)


def iter_text_jsonl(
    lines: Iterable[str], origin: str, id_base: str | None
) -> Iterator[Article | ReadFailure]:
    seen_any = False
    for lineno, line in enumerate(lines, start=1):
        if lineno == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        seen_any = True
        yield _json_line(line, f"{origin}:{lineno}", f"{id_base}-{lineno}" if id_base else None)
    if not seen_any:
        yield ReadFailure(origin, EMPTY)


def iter_json(text: str, origin: str, id_base: str) -> Iterator[Article | ReadFailure]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        yield ReadFailure(origin, f"invalid JSON: {e.msg} (line {e.lineno}, column {e.colno})")
        return
    except RecursionError:
        yield ReadFailure(origin, "invalid JSON: nested too deeply")
        return
    if isinstance(obj, list):
        if not obj:
            yield ReadFailure(origin, "no articles in JSON list")
        for i, item in enumerate(obj):
            yield _record(item, f"{origin}[{i}]", f"{id_base}-{i}")
    else:
        yield _record(obj, origin, id_base)


# --------------------------------------------------------------------------- HTML


def html_article(data: bytes, origin: str, article_id: str) -> Article | ReadFailure:
    import trafilatura  # imported lazily: it is slow to import and only HTML input needs it

    try:
        doc = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            favor_precision=False,
        )
    except Exception as e:  # trafilatura/lxml can raise many things on hostile HTML
        return ReadFailure(origin, f"could not parse HTML: {type(e).__name__}: {e}".splitlines()[0])
    if doc is None:
        return ReadFailure(origin, _NO_HTML_TEXT)
    fields: dict[str, Any] = doc if isinstance(doc, dict) else doc.as_dict()
    text = fields.get("text")
    if not isinstance(text, str) or not text.strip():
        return ReadFailure(origin, _NO_HTML_TEXT)
    published_at, published_text = normalize_date(scalar(fields.get("date")))
    url = scalar(fields.get("url"))
    return Article(
        id=url.strip() if url and url.strip() else article_id,
        text=text,
        title=scalar(fields.get("title")),
        url=url,
        outlet=scalar(fields.get("sitename")),
        published_at=published_at,
        authors=split_authors(fields.get("author")),
        origin=origin,
        published_text=published_text,
    )
