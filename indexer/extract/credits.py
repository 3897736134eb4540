"""Bylines, datelines and credit lines: article metadata, never sources."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Word boundaries throughout: "discredited by" is no credit; "contributed" only ends one, it does not
# start "contributed to raising ..."
_CREDIT = re.compile(
    r"(\bcontributed(?: reporting| to this (?:report|story|article)|\.?\s*$)"
    r"|\breported from\b|\breporting by\b|\badditional reporting|\bedited by\b|\bwriting by\b"
    r"|\bis an? (?:\w+ )?(?:reporter|correspondent|writer|editor|columnist) (?:for|at|with)\b)",
    re.IGNORECASE,
)
# "By Jane Doe and John Roe": names are capitalised, so this is case-sensitive ("By contrast, ...")
_BYLINE = re.compile(r"^\s*[Bb][Yy]\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\s*(?:,|and\b|$)")
_NAME = re.compile(r"[A-Z][\w'’-]+(?:\s+(?:[A-Z][\w'’-]+|de|van|von|al|bin|el|la|le)){0,3}")
_NOT_NAMES = frozenset(
    [
        "By",
        "In",
        "And",
        "The",
        "Reporting",
        "This",
        "Additional",
        "Staff",
        "Writer",
        "Contributed",
        "Edited",
        "Editing",
        "Writing",
        "From",
        "With",
        "For",
        "At",
    ]
)
_DATELINE = re.compile(r"\A\s*([A-Z][A-Z .,'’-]{1,40}?)(?:\s*\([^)]{1,40}\))?\s*[—–-]{1,2}\s")
_MAX_CREDIT_CHARS = 400


@dataclass
class Credits:
    """Reporters and places named in an article's credit lines, and where those lines are."""

    reporters: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    dateline: str | None = None
    dateline_end: int = 0  # where the article proper starts after "BEIRUT — "
    spans: list[tuple[int, int]] = field(default_factory=list)

    def covers(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.spans)


def find_credits(text: str) -> Credits:
    """Credit paragraphs are short, hold a credit phrase and no quote mark."""
    credits = Credits()
    m = _DATELINE.match(text)
    if m:
        credits.dateline = m.group(1).strip().rstrip(",").title()
        credits.dateline_end = m.end()
    for para in re.finditer(r"[^\r\n]+", text):
        body = para.group()
        if len(body) > _MAX_CREDIT_CHARS or any(q in body for q in '“”"'):
            continue
        if not (_CREDIT.search(body) or _BYLINE.search(body)):
            continue
        credits.spans.append((para.start(), para.end()))
        for sentence in re.split(r"(?<=[.;])\s+", body):
            _names_and_places(sentence, credits)
    return credits


def _names_and_places(sentence: str, credits: Credits) -> None:
    for m in re.finditer(r"\b(?:reported|reporting) from ([A-Z][\w'’ -]+?)(?:[.,;]|$)", sentence):
        credits.places.append(m.group(1).strip())
    for m in re.finditer(r"\bin ([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)", sentence):
        credits.places.append(m.group(1))
    places = set(credits.places)
    for m in _NAME.finditer(sentence):
        name = m.group().strip()
        words = name.split()
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        name = " ".join(words)
        if not name or name in places or name in credits.reporters:
            continue
        before = sentence[: m.start()].rstrip()
        if before.endswith((" in", " from")) or before == "in":
            continue
        credits.reporters.append(name)
