"""The Soleimani funeral article: every attribution a careful reader marks is found, rightly sourced.

The article is copyrighted and stays in ../shared/samples; the gold (tests/gold/soleimani.json) was
written by reading it, not from the extractor's output, and holds only a short anchor inside each
attribution's content. A gold attribution is found when a predicted one's content overlaps its anchor
(the largest overlap wins, then the tightest content); its speaker must then match the gold fields.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from goldcheck import best_match, content_overlapping_cue_or_speaker, describe, fold, locate, mismatches

from indexer.extract.engine import ArticleResult, Extractor
from indexer.model import Article

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "soleimani-funeral.txt"
GOLD: dict[str, Any] = json.loads((Path(__file__).parent / "gold" / "soleimani.json").read_text("utf-8"))
ITEMS: list[dict[str, Any]] = GOLD["attributions"]


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
    wrong = content_overlapping_cue_or_speaker(result.attributions)
    assert not wrong, "\n".join(wrong)


def test_dateline_is_not_content(article_text: str, result: ArticleResult) -> None:
    dateline_end = locate(article_text, GOLD["dateline"])[1]
    for a in result.attributions:
        assert a.start > dateline_end, describe(a)
