"""The Soleimani funeral article: every attribution a careful reader marks is found, rightly sourced.

The article is copyrighted and stays in ../shared/samples; the gold (tests/gold/soleimani.json) was
written by reading it, not from the extractor's output, and holds only a short anchor inside each
attribution's content. A gold attribution is found when a predicted one's content overlaps its anchor
(the largest overlap wins, then the tightest content); its speaker must then match the gold fields.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from indexer.extract.engine import ArticleResult, Extractor
from indexer.model import Article, Attribution, Speaker

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "soleimani-funeral.txt"
GOLD: dict[str, Any] = json.loads((Path(__file__).parent / "gold" / "soleimani.json").read_text("utf-8"))
ITEMS: list[dict[str, Any]] = GOLD["attributions"]


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
        f"predicted {a.type} {a.text[:50]!r}... cue={a.cue.text if a.cue else None!r} speaker: "
        f"mention={s.mention!r} name={s.name!r} kind={s.kind} anonymous={s.anonymous} title={s.title!r} "
        f"affiliation={s.affiliation!r} count={s.count} reason={s.anonymity_reason!r}"
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


@pytest.fixture(scope="module")
def article_text() -> str:
    if not ARTICLE.is_file():
        pytest.fail(
            f"{ARTICLE} is missing: these tests need the shared samples folder beside the clone "
            "(../shared/samples/soleimani-funeral.txt)",
            pytrace=False,
        )
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result(article_text: str) -> ArticleResult:
    return Extractor().extract_one(Article("soleimani-funeral", article_text))


@pytest.mark.parametrize("gold", ITEMS, ids=[g["anchor"] for g in ITEMS])
def test_attribution_is_found_with_its_speaker(
    gold: dict[str, Any], article_text: str, result: ArticleResult
) -> None:
    start, end = locate(article_text, gold["anchor"])
    found = best_match(result.attributions, start, end)
    assert found is not None, f"no attribution covers {gold['anchor']!r}"
    problems = mismatches(found, gold["speaker"])
    assert not problems, f"{describe(found)}\n  " + "\n  ".join(problems)


def _speakers_named_more_than_once() -> list[str]:
    names = [g["speaker"]["name"] for g in ITEMS if isinstance(g["speaker"]["name"], str)]
    return sorted({n for n in names if names.count(n) > 1})


@pytest.mark.parametrize("name", _speakers_named_more_than_once())
def test_every_mention_of_one_speaker_shares_one_name_and_id(
    name: str, article_text: str, result: ArticleResult
) -> None:
    found = []
    for gold in ITEMS:
        if gold["speaker"]["name"] == name:
            match = best_match(result.attributions, *locate(article_text, gold["anchor"]))
            assert match is not None, f"no attribution covers {gold['anchor']!r}"
            found.append(match)
    assert len({(a.speaker.name, a.speaker.id) for a in found}) == 1, "\n".join(describe(a) for a in found)


def test_credit_line_gives_the_reporters(result: ArticleResult) -> None:
    assert result.reporters == GOLD["reporters"]


def test_credit_line_yields_no_source(article_text: str, result: ArticleResult) -> None:
    credits_start = article_text.index(GOLD["credit_line"])
    reporters = {fold(r) for r in GOLD["reporters"]}
    for a in result.attributions:
        spans = [(a.start, a.end), (a.speaker.start or 0, a.speaker.end or 0)]
        assert all(end <= credits_start for _, end in spans), describe(a)
        assert fold(a.speaker.name or "") not in reporters, describe(a)


def test_offsets_are_exact(article_text: str, result: ArticleResult) -> None:
    for a in result.attributions:
        assert a.text == article_text[a.start : a.end]
        assert all(a.start <= s < e <= a.end for s, e in a.fragments), a.fragments
        if a.cue is not None:
            assert article_text[a.cue.start : a.cue.end] == a.cue.text
        s = a.speaker
        if s.mention is not None and s.start is not None and s.end is not None:
            assert article_text[s.start : s.end] == s.mention


def test_content_excludes_its_cue_and_speaker(result: ArticleResult) -> None:
    wrong = []
    for a in result.attributions:
        pieces = a.fragments or [(a.start, a.end)]
        spans = [(a.cue.start, a.cue.end) if a.cue else (None, None), (a.speaker.start, a.speaker.end)]
        if any(
            s is not None and e is not None and min(e, fe) > max(s, fs) for s, e in spans for fs, fe in pieces
        ):
            wrong.append(describe(a))
    assert not wrong, "\n".join(wrong)


def test_dateline_is_not_content(article_text: str, result: ArticleResult) -> None:
    dateline_end = locate(article_text, GOLD["dateline"])[1]
    for a in result.attributions:
        assert a.start > dateline_end, describe(a)
