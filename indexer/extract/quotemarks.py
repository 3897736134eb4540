"""Direct quotes found from quote marks in the raw text, before any parsing.

Pairs marks paragraph by paragraph: a quote left open at the end of a paragraph goes on only when the
next paragraph opens with a quote mark (the multi-paragraph convention); otherwise it ends with its
paragraph, so an unbalanced mark never swallows the rest of the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OPENING = "“„«"
CLOSING = "”»"
STRAIGHT = '"'
ALL_MARKS = OPENING + CLOSING + STRAIGHT

_PARAGRAPH = re.compile(r"[^\r\n]+")
_MISSING_CLOSE = re.compile(r"(?<=\w)[,!?](?=\s+(?:said|says|added|asked|wrote|told)\s+[A-Z])")
_WORD = re.compile(r"\w+")


@dataclass
class QuoteSpan:
    """Quoted content (marks excluded); `fragments` are the per-paragraph pieces."""

    start: int
    end: int
    fragments: list[tuple[int, int]] = field(default_factory=list)
    closed: bool = True

    @property
    def outer(self) -> tuple[int, int]:
        """Span including the marks (as far as they exist)."""
        return self.fragments[0][0] - 1, self.end + (1 if self.closed else 0)

    def words(self, text: str) -> int:
        return len(_WORD.findall(text[self.start : self.end]))


def _is_opening_straight(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace() or before in "([{—–-/:":  # Ruiz:"We ...: a colon opens a quote
        return not after.isspace()
    return False


_DOUBLE_APOSTROPHE = re.compile(r"''|‘‘|’’")


def _normalise_marks(text: str) -> str:
    """Two apostrophes used as a double quote ('' in some archives) become one mark, offsets unchanged."""

    def swap(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() > 0 else " "
        return '" ' if not before.isspace() and before not in "([" else ' "'

    return _DOUBLE_APOSTROPHE.sub(swap, text) if "''" in text or "‘‘" in text or "’’" in text else text


def find_quotes(text: str) -> list[QuoteSpan]:
    """All top-level quotes in `text`, in order."""
    text = _normalise_marks(text)
    quotes: list[QuoteSpan] = []
    pending: QuoteSpan | None = None  # a quote left open at the end of the previous paragraph
    pending_kind = ""
    for para in _PARAGRAPH.finditer(text):
        p_start, p_end = para.start(), para.end()
        stripped = p_start + (len(para.group()) - len(para.group().lstrip()))
        if pending is not None:
            first = text[stripped] if stripped < p_end else ""
            if first in OPENING or first == STRAIGHT:
                # multi-paragraph quote: the open mark repeats at the start of each paragraph
                pos = stripped + 1
                open_at = pos
                kind = pending_kind
                current = pending
                pending = None
                close = _find_close(text, pos, p_end, kind)
                if close is None:
                    current.fragments.append((open_at, _trim_end(text, open_at, p_end)))
                    current.end = current.fragments[-1][1]
                    pending = current
                    continue
                current.fragments.append((open_at, close))
                current.end = close
                current.closed = True
                quotes.append(current)
                scan_from = close + 1
            else:
                pending.closed = False
                quotes.append(pending)
                pending = None
                scan_from = p_start
        else:
            scan_from = p_start
        pending, pending_kind = _scan_paragraph(text, scan_from, p_end, quotes)
    if pending is not None:
        pending.closed = False
        quotes.append(pending)
    return [q for q in quotes if q.end > q.start]


def _scan_paragraph(text: str, pos: int, p_end: int, quotes: list[QuoteSpan]) -> tuple[QuoteSpan | None, str]:
    while pos < p_end:
        ch = text[pos]
        misused = (
            ch in CLOSING and (pos == 0 or text[pos - 1] in "\n\r") and not text[pos + 1 : pos + 2].isspace()
        )
        if ch in OPENING or misused or (ch == STRAIGHT and _is_opening_straight(text, pos)):
            kind = STRAIGHT if ch == STRAIGHT else "curly"
            close = _find_close(text, pos + 1, p_end, kind)
            if close is None:
                cue = _MISSING_CLOSE.search(text, pos + 1, p_end)
                if cue is not None:
                    # '"Fuel has doubled, said Ruth Ambrose': the closing mark was forgotten before the cue
                    quotes.append(QuoteSpan(pos + 1, cue.start(), [(pos + 1, cue.start())], closed=False))
                    pos = cue.start() + 1
                    continue
                end = _trim_end(text, pos + 1, p_end)
                return QuoteSpan(pos + 1, end, [(pos + 1, end)], closed=False), kind
            quotes.append(QuoteSpan(pos + 1, close, [(pos + 1, close)]))
            pos = close + 1
        else:
            pos += 1
    return None, ""


def _find_close(text: str, pos: int, p_end: int, kind: str) -> int | None:
    """Index of the mark closing a quote opened just before `pos`, within the paragraph."""
    depth = 0
    first = pos
    while pos < p_end:
        ch = text[pos]
        if kind == STRAIGHT:
            if ch == STRAIGHT:
                return pos
            if ch in OPENING and pos > first and not _used_as_closing(text, pos, p_end):
                depth += 1  # "a straight quote about “a title” inside it"; '"“' is one mark typed twice
            elif ch in CLOSING and not text[pos - 1].isspace():
                if depth == 0:
                    return pos  # mixed marks: "straight open, curly close”
                depth -= 1
        elif ch == STRAIGHT and not text[pos - 1].isspace():
            return pos
        elif ch in OPENING and _used_as_closing(text, pos, p_end):
            if depth == 0:
                return pos  # "an “expedited review“ of": an opening mark typed to close
            depth -= 1
        elif ch in OPENING:
            depth += 1  # a nested double quote inside a curly quote
        elif ch in CLOSING:
            if depth == 0:
                return pos
            depth -= 1
        pos += 1
    return None


def _used_as_closing(text: str, pos: int, p_end: int) -> bool:
    """An opening mark right after a word or a full stop and before a space or a comma closes."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < p_end else " "
    return not before.isspace() and before not in "([{—–-/“" and (after.isspace() or after in ",.;:!?)")


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
