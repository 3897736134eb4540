"""Publication dates as read from feeds, HTML and JSON, normalised to ISO 8601 for Elasticsearch.

`normalize_date` reads:

* ISO 8601 dates and date-times (``2026-03-14``, ``2026-03-14T10:00:00Z``), kept as written;
* RFC 2822 dates of RSS and e-mail (``Sat, 14 Mar 2026 10:00:00 GMT``), with the standard library;
* everything python-dateutil reads without guessing words: ``March 14, 2026``, ``14 March 2026``,
  ``14/03/2026``, ``2026/03/14 10:00``. A numeric date that could be either (``03/04/2026``) is read
  month first, as in US news; one that can only be day first (``14/03/2026``) is read day first.

Epoch milliseconds (13 digits) pass as they are. A date with no time gives ``YYYY-MM-DD``; one
with a time gives a date-time (with its offset when it has one). A text without a year, or one
that is not a date at all ("yesterday"), is not guessed: it comes back as unparsed, for the caller
to keep as text.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re

__all__ = ["normalize_date"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_DEFAULTS = (dt.datetime(2000, 1, 1, 0, 0, 0), dt.datetime(2001, 2, 2, 1, 1, 1))
_RFC2822 = re.compile(r"^\s*([A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")


def _iso(value: dt.datetime, with_time: bool) -> str:
    if not with_time:
        return value.date().isoformat()
    return value.isoformat()


def normalize_date(value: str | None) -> tuple[str | None, str | None]:
    """``(iso, None)`` for a date read, ``(None, text)`` for one that is not, ``(None, None)`` for none."""
    if value is None or not value.strip():
        return None, None
    text = value.strip()
    if text.isdigit():  # epoch milliseconds pass (Elasticsearch reads them); other numbers are not dates
        return (text, None) if len(text) >= 12 else (None, text)
    if _ISO_DATE.match(text):
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return None, text
        return text, None
    if _ISO_DATETIME.match(text):
        try:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None, text
        return text.replace(" ", "T", 1), None
    if _RFC2822.match(text):
        try:
            return _iso(email.utils.parsedate_to_datetime(text), True), None
        except (TypeError, ValueError, IndexError):
            pass
    from dateutil import parser

    try:
        first, second = (parser.parse(text, default=d) for d in _DEFAULTS)
    except (ValueError, OverflowError, parser.ParserError):
        return None, text
    if first.year != second.year:  # no year in the text: not guessed
        return None, text
    with_time = (first.hour, first.minute) == (second.hour, second.minute)
    return _iso(first, with_time), None
