"""Read article collections (files, folders, standard input) into `Article`s, robustly.

`iter_articles` is a generator: it yields one `Article` per article read and one `ReadFailure`
per thing that could not be read, and carries on. Nothing is ever printed; callers decide how to
report failures.

Input formats, chosen by file extension (case-insensitive). Inside folders, files of other types
(``.xml``, ``.pdf``, ``.md``, no extension: a folder's README is not an article) are not read: each
is yielded as an `Unsupported`, so callers count and name them.

* ``.txt`` and ``.text`` (and any file named explicitly, whatever its extension, e.g. ``.md`` or
  none): the whole file is the text.
* ``.json``: one article object, or a list of article objects.
* ``.jsonl`` / ``.ndjson``: one article object per line, streamed line by line.
* ``.html`` / ``.htm``: the article body and metadata are extracted with trafilatura (offline).
* ``-``: standard input; JSON Lines if its first non-space character is ``{``, otherwise one
  plain-text article with id ``stdin``.

Text fidelity: files are decoded as UTF-8 (a leading byte-order mark is removed by the decoding,
everything else is kept exactly: CRLF line ends, NBSP and other Unicode spaces). Character offsets
computed on `Article.text` therefore point into the text exactly as read.

Ids are a function of the article, never of the run (which folder was named, what was read first):

1. the record's ``id`` field (JSON);
2. else its URL (the ``url`` field of JSON, the canonical URL trafilatura finds in HTML);
3. else the file's path below the id root (``--id-root``, default: the current folder), without
   extension and with ``/`` separators: ``coll/a/story.txt`` is ``coll/a/story`` run from the
   folder above ``coll``, whether ``coll``, ``coll/a`` or the file itself was named. A file outside
   the id root takes its path below the folder named on the command line (a file named by itself,
   its name). JSON records in a file without id or URL get ``<path id>-<N>`` (N = line number for
   JSON Lines, list index for a JSON list);
4. else (standard input) ``text-`` and a hash of the text.

Two different articles that get one id in a run are an error (a `ReadFailure` naming both
origins), never a silent overwrite. The same file reached twice (e.g. named and also inside a named
folder) is read once.

Origins (`Article.origin`, `ReadFailure.origin`): the file path as given/walked, ``path:LINE`` for
a JSON line, ``path[INDEX]`` for an element of a JSON list, ``stdin`` for standard input.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, BinaryIO, TextIO

from indexer.model import Article
from indexer.reading.formats import (
    EMPTY,
    HEAD_BYTES,
    NotUtf8,
    ReadFailure,
    binary_reason,
    content_id,
    decode,
    html_article,
    iter_json,
    iter_jsonl,
    iter_text_jsonl,
    scalar,
    split_authors,
)

__all__ = [
    "KNOWN_EXTENSIONS",
    "ReadFailure",
    "Unsupported",
    "content_id",
    "iter_articles",
    "scalar",
    "split_authors",
]

TEXT_EXTENSIONS = frozenset({".txt", ".text"})
JSON_EXTENSIONS = frozenset({".json"})
JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
KNOWN_EXTENSIONS = TEXT_EXTENSIONS | JSON_EXTENSIONS | JSONL_EXTENSIONS | HTML_EXTENSIONS

STDIN_ID = "stdin"
_MISSING = "no such file or folder"


@dataclass
class Unsupported:
    """A file inside a folder that is not of a type read (``story.xml``): skipped, not failed."""

    origin: str

    def __str__(self) -> str:
        return self.origin


# --------------------------------------------------------------------------- ids


class _Ids:
    """Refuses a second, different article under an id already given in this run."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, bytes]] = {}  # id -> (origin, digest of the text)

    def clash(self, article: Article) -> ReadFailure | None:
        digest = hashlib.sha1(article.text.encode("utf-8", "surrogatepass")).digest()[:12]
        first = self._seen.setdefault(article.id, (article.origin, digest))
        if first[1] == digest:
            return None  # the same article again: its documents overwrite themselves
        same_folder = os.path.dirname(first[0]) == os.path.dirname(article.origin)
        fix = "rename one of the files" if same_folder else "set --id-root to a folder above both"
        return ReadFailure(
            article.origin,
            f"id {article.id!r} is also the id of {first[0]}, a different article; give the articles "
            f"an 'id' or 'url' field, or {fix}",
        )


def path_id(path: str, id_root: str | None = None, folder: str | None = None) -> str:
    """A file's id: its path below `id_root` (default: the current folder) without extension, with
    ``/`` separators. A file outside the root takes its path below the `folder` it was found in
    (the folder named on the command line), and a file named by itself outside the root its name."""
    absolute = os.path.abspath(path)
    try:
        root = id_root or os.getcwd()
    except OSError:  # the current folder was deleted: ids fall back to the folder named
        root = None
    for base in (root, folder):
        if base is None:
            continue
        rel = os.path.relpath(absolute, os.path.abspath(base))
        if rel != os.curdir and not rel.startswith(os.pardir + os.sep) and rel != os.pardir:
            return (
                PurePath(rel).with_suffix("").as_posix() if PurePath(rel).suffix else PurePath(rel).as_posix()
            )
    return _stem(path)


def _stem(path: str) -> str:
    return PurePath(path).stem or PurePath(path).name


def _oserror_reason(e: OSError) -> str:
    if isinstance(e, FileNotFoundError):
        return _MISSING
    if isinstance(e, IsADirectoryError):
        return "is a folder"
    return f"cannot read: {e.strerror or e}"


# --------------------------------------------------------------------------- files


def _lines_after(head: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    """Byte lines (with their ``\\n``) of `head` followed by the rest of `stream`, streamed."""
    pieces = head.split(b"\n")
    for piece in pieces[:-1]:
        yield piece + b"\n"
    tail = pieces[-1] + stream.readline()
    if tail:
        yield tail
    yield from stream


def _read_file(path: str, id_base: str) -> Iterator[Article | ReadFailure]:
    ext = os.path.splitext(path)[1].lower()
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
            if not head:
                yield ReadFailure(path, EMPTY)
                return
            binary = binary_reason(head)
            if binary is not None:
                yield ReadFailure(path, binary)
                return
            if ext in JSONL_EXTENSIONS:
                yield from iter_jsonl(_lines_after(head, f), path, id_base)
                return
            data = head + f.read()
    except OSError as e:
        yield ReadFailure(path, _oserror_reason(e))
        return

    if ext in HTML_EXTENSIONS:
        if not data.strip():
            yield ReadFailure(path, EMPTY)
        else:
            yield html_article(data, path, id_base)
        return

    try:
        text = decode(data)
    except NotUtf8 as e:
        yield ReadFailure(path, e.reason)
        return
    if not text.strip():
        yield ReadFailure(path, EMPTY)
    elif ext in JSON_EXTENSIONS:
        yield from iter_json(text, path, id_base)
    else:
        yield Article(id=id_base, text=text, origin=path)


def _walk(root: str) -> Iterator[str | ReadFailure | Unsupported]:
    """Files below `root`, sorted by name at each level, hidden entries skipped, symlinked folders
    followed once (loops are cut); those of a type not read as `Unsupported`."""
    visited: set[tuple[int, int]] = set()

    def walk(folder: str) -> Iterator[str | ReadFailure | Unsupported]:
        try:
            st = os.stat(folder)
            key = (st.st_dev, st.st_ino)
            if key in visited:
                return
            visited.add(key)
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            yield ReadFailure(folder, f"cannot read folder: {e.strerror or e}")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if is_dir:
                yield from walk(entry.path)
            elif is_file and os.path.splitext(entry.name)[1].lower() in KNOWN_EXTENSIONS:
                yield entry.path
            elif is_file:
                yield Unsupported(entry.path)

    yield from walk(root)


# --------------------------------------------------------------------------- stdin


def _read_stdin(stream: TextIO | BinaryIO | IO[Any]) -> Iterator[Article | ReadFailure]:
    """Standard input has no path: articles without an id or URL are named by a hash of their text."""
    # Prefer the underlying bytes (sys.stdin): text mode would translate CRLF and guess the encoding.
    binary_stream: IO[bytes] | None = getattr(stream, "buffer", None)
    source: IO[Any] = binary_stream if binary_stream is not None else stream
    # Read up to the first non-blank line to choose the format, keeping what was read.
    buffered: list[Any] = []
    first_char = ""
    for line in source:
        buffered.append(line)
        probe = line if isinstance(line, str) else line.decode("utf-8", "replace")
        probe = probe.lstrip().lstrip("\ufeff").lstrip()
        if probe:
            first_char = probe[0]
            break

    def all_lines() -> Iterator[Any]:
        yield from buffered
        yield from source

    is_bytes = bool(buffered) and isinstance(buffered[0], bytes)
    if is_bytes:
        binary = binary_reason(b"".join(buffered)[:HEAD_BYTES])
        if binary is not None:
            yield ReadFailure(STDIN_ID, binary)
            return
    if not first_char:
        yield ReadFailure(STDIN_ID, EMPTY)
    elif first_char == "{":
        if is_bytes:
            yield from iter_jsonl(all_lines(), STDIN_ID, None)
        else:
            yield from iter_text_jsonl(all_lines(), STDIN_ID, None)
    else:
        if is_bytes:
            try:
                text = decode(b"".join(all_lines()))
            except NotUtf8 as e:
                yield ReadFailure(STDIN_ID, e.reason)
                return
        else:
            text = "".join(all_lines()).removeprefix("\ufeff")
        yield Article(id=content_id(text), text=text, origin=STDIN_ID)


# --------------------------------------------------------------------------- entry point


def iter_articles(
    paths: Sequence[str],
    stdin: TextIO | BinaryIO | None = None,
    id_root: str | None = None,
    ignore: Iterable[str] = (),
) -> Iterator[Article | ReadFailure | Unsupported]:
    """Yield every article (or read failure) found in `paths`, in order.

    Each path is a file, a folder (walked recursively in sorted order; hidden entries skipped;
    files of other types yielded as `Unsupported`), or ``-`` for `stdin` (``sys.stdin`` when
    None). Memory use does not grow with the corpus: folders are walked lazily and JSON Lines
    are streamed; only one file (or one .json document) is held at a time (and a digest per id).
    Ids follow the module docstring; a second, different article with an id already given is a
    `ReadFailure` naming the first.
    """
    ids = _Ids()
    seen_files: set[tuple[int, int]] = set()
    for path in ignore:  # e.g. the run's own output file, when it lies inside an input folder
        try:
            st = os.stat(path)
        except OSError:
            continue
        seen_files.add((st.st_dev, st.st_ino))

    def read(path: str, root: str | None) -> Iterator[Article | ReadFailure | Unsupported]:
        try:
            st = os.stat(path)
        except OSError as e:
            yield ReadFailure(path, _oserror_reason(e))
            return
        if stat.S_ISREG(st.st_mode):  # pipes/devices can't be identified reliably; always read
            key = (st.st_dev, st.st_ino)
            if key in seen_files:
                return
            seen_files.add(key)
        yield from _read_file(path, path_id(path, id_root, root))

    def checked(
        items: Iterable[Article | ReadFailure | Unsupported],
    ) -> Iterator[Article | ReadFailure | Unsupported]:
        for item in items:
            clash = ids.clash(item) if isinstance(item, Article) else None
            yield clash if clash is not None else item

    for path in paths:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin
            yield from checked(_read_stdin(stream))
            continue
        if os.path.isdir(path):
            for found in _walk(path):
                if isinstance(found, (ReadFailure, Unsupported)):
                    yield found
                else:
                    yield from checked(read(found, path))
        else:
            yield from checked(read(path, None))
