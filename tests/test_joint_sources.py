"""A statement made jointly by people named together ("Ana Ruiz and Tom Brandt said"): the quote is by
all of them. The first name is its speaker, the others its `co_speakers`, the mention runs over the
whole list; a speaker search finds the quote by any of them and the speaker ranking counts it for each.

The sentences and records are invented.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import drop_aliases, load_records, make_record

from indexer.es.canonical import merge_speakers
from indexer.es.documents import quote_document
from indexer.es.search import QuoteFilter, search_quotes, top_speakers
from indexer.extract.engine import Extractor
from indexer.model import Article


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _only(extractor: Extractor, text: str) -> Any:
    found = extractor.extract_one(Article("t", text)).attributions
    assert len(found) == 1, [(a.text, a.speaker.mention) for a in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "mention", "name", "others"),
    [
        (
            'Mayor Ana Ruiz and Gov. Tom Brandt said in a joint statement that the bridge "will reopen."',
            "Mayor Ana Ruiz and Gov. Tom Brandt",
            "Ana Ruiz",
            ["Tom Brandt"],
        ),
        (
            '"We will not back down," Ruiz and Brandt wrote in a letter to the council.',
            "Ruiz and Brandt",
            "Ruiz",
            ["Brandt"],
        ),
        (
            '"It is over," said Ana Ruiz and Tom Brandt.',
            "Ana Ruiz and Tom Brandt",
            "Ana Ruiz",
            ["Tom Brandt"],
        ),
        (
            'The mayor, Ana Ruiz, and the governor, Tom Brandt, said the bridge "will reopen."',
            "The mayor, Ana Ruiz, and the governor, Tom Brandt",
            "Ana Ruiz",
            ["Tom Brandt"],
        ),
        (
            "Two objectors, Lena Abrams and Piet Vos, said the vote was unfair.",
            "Lena Abrams and Piet Vos",
            "Lena Abrams",
            ["Piet Vos"],
        ),
        (
            "According to Acme Corp. and the Port Authority, the pier will close.",
            "Acme Corp. and the Port Authority",
            "Acme Corp.",
            ["Port Authority"],
        ),
    ],
)
def test_names_said_together_are_one_joint_source(
    extractor: Extractor, text: str, mention: str, name: str, others: list[str]
) -> None:
    a = _only(extractor, text)
    assert (a.speaker.mention, a.speaker.name, a.speaker.co_speakers) == (mention, name, others)
    assert text[a.speaker.start : a.speaker.end] == mention


def test_a_later_mention_of_a_joint_speaker_gets_the_full_name(extractor: Extractor) -> None:
    text = (
        'Ana Ruiz and Tom Brandt said the pier "is safe."\n\n"We checked every beam," Brandt said on Friday.'
    )
    found = extractor.extract_one(Article("t", text)).attributions
    assert [(a.speaker.name, a.speaker.co_speakers) for a in found] == [
        ("Ana Ruiz", ["Tom Brandt"]),
        ("Tom Brandt", []),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Ana Ruiz or Tom Brandt said the pier was safe.",  # either one, not both
        "The candidates, including Ana Ruiz and Tom Brandt, said the pier was safe.",  # and others
        "Democrats and Republicans said the pier was safe.",  # groups, not names
        "Fox News Vice President and Managing Editor Tom Brandt wrote that the pier was safe.",
    ],
)
def test_lists_that_are_no_joint_statement(extractor: Extractor, text: str) -> None:
    a = _only(extractor, text)
    assert a.speaker.co_speakers == []


def test_the_document_lists_every_speaker() -> None:
    record = make_record(1, 0, name="Ana Ruiz")
    record["speaker"]["co_speakers"] = ["Tomás Brandt"]
    doc = quote_document(record)
    assert doc["speaker"]["names"] == ["Ana Ruiz", "Tomás Brandt"]
    assert doc["speaker"]["names_folded"] == ["ana ruiz", "tomas brandt"]
    assert doc["speaker"]["name_folded"] == "ana ruiz"
    alone = quote_document(make_record(1, 1, name=None, mention="a senior official", anonymous=True))
    assert alone["speaker"]["names"] == [] and alone["speaker"]["names_folded"] == []


def _corpus() -> Iterator[dict[str, Any]]:
    joint = make_record(1, 0, name="Ana Ruiz", text="The bridge will reopen in May.")
    joint["speaker"]["co_speakers"] = ["Tomás Brandt"]
    yield joint
    yield make_record(1, 1, name="Ana Ruiz", text="The pier is safe.")
    yield make_record(2, 0, name="Tomás Brandt", text="We checked every beam.")
    yield make_record(3, 1, name="Brandt", text="The ferry runs on Sundays.")
    yield make_record(3, 0, name="Lena Abrams", text="Nobody asked the drivers.")


@pytest.fixture(scope="module")
def corpus(es_client: Any) -> Iterator[str]:
    alias = f"j-{uuid.uuid4().hex[:10]}"
    report = load_records(es_client, alias, _corpus())
    assert (report.indexed, report.articles_indexed) == (5, 3)
    yield alias
    drop_aliases(es_client, alias, f"{alias}-articles")


@pytest.mark.es
def test_speaker_search_and_ranking_count_every_joint_speaker(es_client: Any, corpus: str) -> None:
    found = search_quotes(es_client, QuoteFilter(speaker="brandt"), index=corpus)
    assert sorted(h["text"] for h in found) == [
        "The bridge will reopen in May.",
        "The ferry runs on Sundays.",
        "We checked every beam.",
    ]
    found = search_quotes(es_client, QuoteFilter(speaker="ruiz"), index=corpus)
    assert len(found) == 2
    top = {r["speaker"]: (r["quotes"], r["articles"]) for r in top_speakers(es_client, index=corpus)}
    assert top == {"Ana Ruiz": (2, 1), "Tomás Brandt": (2, 2), "Brandt": (1, 1), "Lena Abrams": (1, 1)}
    article = es_client.get(index=f"{corpus}-articles", id="art-1").body["_source"]
    assert article["speakers"] == ["Ana Ruiz", "Tomás Brandt"]


@pytest.mark.es
def test_the_name_merge_keeps_the_joint_speakers(es_client: Any, corpus: str) -> None:
    merge_speakers(es_client, corpus, f"{corpus}-articles")
    es_client.indices.refresh(index=corpus)
    top = {r["speaker"]: r["quotes"] for r in top_speakers(es_client, index=corpus)}
    # the lone "Brandt" of article 3 is the collection's one Tomás Brandt
    assert top == {"Tomás Brandt": 3, "Ana Ruiz": 2, "Lena Abrams": 1}
    hits = search_quotes(es_client, QuoteFilter(speaker="tomas"), index=corpus)
    assert len(hits) == 3
    joint = next(h for h in hits if h["text"] == "The bridge will reopen in May.")
    assert joint["speaker"]["names"] == ["Ana Ruiz", "Tomás Brandt"]


@pytest.mark.es
def test_the_cli_shows_everyone_of_a_joint_statement(es: Any, tmp_path: Path) -> None:
    from tests.clihelp import invoke, jsonl, on

    story = 'Mayor Ana Ruiz and Gov. Tom Brandt said on Friday that the bridge "will reopen in May."\n'
    (tmp_path / "bridge.txt").write_text(story, encoding="utf-8")
    extracted = tmp_path / "q.jsonl"
    assert invoke("extract", tmp_path / "bridge.txt", "-o", extracted).exit_code == 0
    assert invoke("load", extracted, *on(es)).exit_code == 0
    listed = invoke("search", "--speaker", "brandt", *on(es), env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "Ana Ruiz and Tom Brandt" in listed.stdout
    (hit,) = jsonl(invoke("search", "--speaker", "brandt", "--json", *on(es)).stdout)
    assert hit["speaker"]["names"] == ["Ana Ruiz", "Tom Brandt"]
    shown = invoke("show", hit["quote_id"], *on(es), env={"COLUMNS": "200"})
    assert "together with  Tom Brandt" in shown.stdout
    table = invoke("search", "--speaker", "brandt", "--format", "csv", *on(es)).stdout.splitlines()
    assert table[0].startswith("quote_id,speaker,co_speakers,") and ",Ana Ruiz,Tom Brandt," in table[1]
    top = invoke("speakers", *on(es), env={"COLUMNS": "200"})
    assert "Ana Ruiz" in top.stdout and "Tom Brandt" in top.stdout


def test_they_after_a_joint_statement_is_the_same_speakers(extractor: Extractor) -> None:
    text = (
        'Ana Ruiz and Tom Brandt said the pier "is safe."\n\n'
        "They added that the ferry would run on Sundays.\n\n"
        'The union said the strike would go on. They added that the talks "are over."'
    )
    found = extractor.extract_one(Article("t", text)).attributions
    assert [(a.speaker.mention, a.speaker.name, a.speaker.co_speakers) for a in found] == [
        ("Ana Ruiz and Tom Brandt", "Ana Ruiz", ["Tom Brandt"]),
        ("They", "Ana Ruiz", ["Tom Brandt"]),
        ("The union", "union", []),
        ("They", "union", []),  # the nearer group
    ]
