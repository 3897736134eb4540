"""Comparing extractor output with hand-written gold: loose name forms, anchors and speaker fields."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from indexer.model import Attribution, Speaker


def fold(value: str) -> str:
    """Forms compared loosely: NBSP as space, curly apostrophe as straight, case and a leading article."""
    value = unicodedata.normalize("NFKC", value).replace("’", "'").casefold()
    return re.sub(r"^(the|a|an) ", "", " ".join(value.split()))


def accepted(expected: str | list[str]) -> set[str]:
    return {fold(v) for v in ([expected] if isinstance(expected, str) else expected)}


def locate(text: str, anchor: str) -> tuple[int, int]:
    assert text.count(anchor) == 1, f"gold anchor {anchor!r} must occur exactly once in the article"
    start = text.index(anchor)
    return start, start + len(anchor)


def best_match(attributions: list[Attribution], start: int, end: int) -> Attribution | None:
    overlapping = [a for a in attributions if min(a.end, end) > max(a.start, start)]
    if not overlapping:
        return None
    return min(overlapping, key=lambda a: (-(min(a.end, end) - max(a.start, start)), a.end - a.start))


def describe(a: Attribution) -> str:
    s = a.speaker
    return (
        f"predicted {a.type} {a.text[:50]!r}... fragments={a.fragments} "
        f"cue={a.cue.text if a.cue else None!r} speaker: mention={s.mention!r} name={s.name!r} "
        f"kind={s.kind} anonymous={s.anonymous} "
        f"title={s.title!r} affiliation={s.affiliation!r} count={s.count} reason={s.anonymity_reason!r}"
    )


def speaker_mismatches(speaker: Speaker, gold: dict[str, Any]) -> list[str]:
    problems = []
    if fold(speaker.name or "") not in accepted(gold["name"]):
        problems.append(f"name {speaker.name!r}, expected {gold['name']!r}")
    if speaker.kind != gold["kind"]:
        problems.append(f"kind {speaker.kind!r}, expected {gold['kind']!r}")
    if speaker.anonymous != gold["anonymous"]:
        problems.append(f"anonymous {speaker.anonymous}, expected {gold['anonymous']}")
    if "title" in gold and fold(speaker.title or "") not in accepted(gold["title"]):
        problems.append(f"title {speaker.title!r}, expected {gold['title']!r}")
    if "affiliation" in gold and fold(speaker.affiliation or "") not in accepted(gold["affiliation"]):
        problems.append(f"affiliation {speaker.affiliation!r}, expected {gold['affiliation']!r}")
    if "count" in gold and speaker.count != gold["count"]:
        problems.append(f"count {speaker.count}, expected {gold['count']}")
    reason = gold.get("anonymity_reason_contains")
    if reason and fold(reason) not in fold(speaker.anonymity_reason or ""):
        problems.append(f"anonymity_reason {speaker.anonymity_reason!r}, expected it to mention {reason!r}")
    return problems


def mismatches(attribution: Attribution, gold: dict[str, Any]) -> list[str]:
    """The speaker's wrong fields, and an anonymity reason that runs on into the content."""
    problems = speaker_mismatches(attribution.speaker, gold)
    reason = attribution.speaker.anonymity_reason or ""
    if fold(attribution.text[:20]) in fold(reason):
        problems.append(f"anonymity_reason {reason!r} runs on into the content")
    return problems


def content_overlapping_cue_or_speaker(attributions: list[Attribution]) -> list[str]:
    """The attributions whose content pieces overlap their own cue or speaker mention, described."""
    wrong = []
    for a in attributions:
        pieces = a.fragments or [(a.start, a.end)]
        spans = [(a.cue.start, a.cue.end) if a.cue else (None, None), (a.speaker.start, a.speaker.end)]
        if any(
            s is not None and e is not None and min(e, fe) > max(s, fs) for s, e in spans for fs, fe in pieces
        ):
            wrong.append(describe(a))
    return wrong
