"""The Elasticsearch queries of a search, built without sending anything: the filter (`QuoteFilter`),
the user's query text, speaker names, dates.

The query text goes through ``simple_query_string``, which never fails on user syntax (an
unbalanced quote or parenthesis is taken literally), after AND, OR and NOT are turned into its
``+``, ``|`` and ``-`` (`user_query`). Speaker names are matched on
``speaker.name_folded`` (lower-case, no diacritics, see `fold_name`), word by word, each word as
the start of a word of the name: "salami" finds "Hossein Salami", "jose" finds "José Ñúñez".
Only core Elasticsearch features are used (no analysis plugins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from indexer.names import fold_name

__all__ = ["QuoteFilter", "SearchError", "build_query", "check_date", "speaker_query", "user_query"]

QUOTE_TYPES = ("direct", "indirect", "mixed")
ANONYMOUS_TYPES = ("official", "insider", "associate", "expert", "public", "other")
_WILDCARD_SPECIAL = re.compile(r"([*?\\])")


class SearchError(Exception):
    """A search that could not run (bad date, missing index, server down); the message is one line."""


def check_date(option: str, value: str) -> str:
    """`value` if it is an ISO 8601 date or date-time (2026-03-14, 2026-03-14T10:00:00Z), else a
    one-line SearchError naming the option."""
    import datetime as dt

    text = value.strip()
    try:
        if len(text) <= 10:
            dt.date.fromisoformat(text)
        else:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SearchError(f"--{option} {value!r} is not a date; use YYYY-MM-DD (e.g. 2026-03-14)") from None
    return text


_BOOLEAN = {"AND": "+", "OR": "|", "NOT": "-"}
_TOKEN = re.compile(r'"[^"]*"?|\S+')


def user_query(text: str) -> str:
    """The words a user types, in ``simple_query_string`` syntax: AND, OR and NOT (upper case, as
    in most search boxes) become ``+``, ``|`` and ``-``; "phrases" and everything else pass as they
    are. ``simple_query_string`` never fails on what is left (an unbalanced quote is literal)."""
    out: list[str] = []
    negate = False
    for token in _TOKEN.findall(text):
        op = _BOOLEAN.get(token)
        if op == "-":
            negate = True
            continue
        if op is not None:
            if out and out[-1] not in ("+", "|"):
                out.append(op)
            continue
        out.append(("-" if negate else "") + token)
        negate = False
    while out and out[-1] in ("+", "|"):
        out.pop()
    return " ".join(out)


def speaker_query(name: str) -> dict[str, Any] | None:
    """Every word of `name` (folded; hyphens split words) must start a word of the speaker's folded
    name or mention, or a part of a hyphenated one: "whitaker" finds "Helen Marsh-Whitaker". The
    names of a joint statement count too: "brandt" finds what "Ana Ruiz and Tom Brandt said"."""
    words = fold_name(name).replace("-", " ").split()
    if not words:
        return None
    clauses = []
    for word in words:
        escaped = _WILDCARD_SPECIAL.sub(r"\\\1", word)
        clauses.append(
            {
                "bool": {
                    "should": [
                        clause
                        for field in ("speaker.name_folded", "speaker.names_folded")
                        for clause in (
                            {"prefix": {field: {"value": word}}},
                            {"wildcard": {field: {"value": f"* {escaped}*"}}},
                            {"wildcard": {field: {"value": f"*-{escaped}*"}}},
                        )
                    ],
                    "minimum_should_match": 1,
                }
            }
        )
    return clauses[0] if len(clauses) == 1 else {"bool": {"filter": clauses}}


@dataclass(frozen=True)
class QuoteFilter:
    """What to search for: words of the quote (``simple_query_string`` syntax) and filters."""

    query: str = ""
    speaker: str | None = None  # any case, accents optional, partial words ("salami")
    anonymous: bool | None = None  # only anonymous (True) or only named (False) sources
    type: str | None = None  # direct, indirect or mixed
    outlet: str | None = None
    since: str | None = None  # published on or after (YYYY-MM-DD)
    until: str | None = None  # published on or before
    anonymous_type: str | None = None  # official, insider, associate, expert, public or other

    @property
    def has_text(self) -> bool:
        return bool(self.query and self.query.strip())


def build_query(where: QuoteFilter) -> dict[str, Any]:
    """The Elasticsearch query for a filter (pure; `search_quotes` sends it)."""
    quote_type = where.type.strip().lower() if where.type is not None else None
    if quote_type is not None and quote_type not in QUOTE_TYPES:
        raise SearchError(f"unknown quote type {where.type!r}; use one of {', '.join(QUOTE_TYPES)}")
    filters: list[dict[str, Any]] = []
    if where.speaker and where.speaker.strip():
        clause = speaker_query(where.speaker)
        if clause is None:  # nothing left after folding (only punctuation): match no speaker
            clause = {"bool": {"must_not": {"match_all": {}}}}
        filters.append(clause)
    if where.anonymous is not None:
        filters.append({"term": {"speaker.anonymous": where.anonymous}})
    if quote_type is not None:
        filters.append({"term": {"type": quote_type}})
    if where.outlet:
        filters.append({"term": {"article.outlet": where.outlet}})
    if where.anonymous_type:
        kind = where.anonymous_type.strip().lower()
        if kind not in ANONYMOUS_TYPES:
            known = ", ".join(ANONYMOUS_TYPES)
            raise SearchError(f"unknown anonymous source type {where.anonymous_type!r}; use one of {known}")
        filters.append({"term": {"speaker.anonymous_type": kind}})
    if where.since or where.until:
        bounds: dict[str, str] = {}
        if where.since:
            bounds["gte"] = check_date("since", where.since)
        if where.until:
            bounds["lte"] = check_date("until", where.until)
        filters.append({"range": {"article.published_at": bounds}})
    must: dict[str, Any]
    if where.has_text:
        must = {
            "simple_query_string": {
                "query": user_query(where.query),
                "fields": ["quote"],
                "default_operator": "and",
                "lenient": True,
            }
        }
    else:
        must = {"match_all": {}}
    return {"bool": {"must": [must], "filter": filters}}
