"""Unnamed sources, typed: identification, kind of source, current or former, kind of reason.
Every sentence here is made up for the tests."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from indexer.extract.engine import Extractor
from indexer.model import Article

CASES = [
    # (sentence, the mention's start, identification, anonymous_type, status, anonymity_reason_type)
    (
        "Two State Department officials, speaking on the condition of anonymity because they were not "
        "authorized to discuss the talks, said the deal was close.",
        "Two State",
        "unnamed",
        "official",
        None,
        "not_authorized",
    ),
    (
        "A person familiar with the negotiations said the talks would resume.",
        "A person",
        "unnamed",
        "insider",
        None,
        None,
    ),
    (
        "People briefed on the planning said the march would go ahead.",
        "People",
        "unnamed",
        "insider",
        None,
        None,
    ),
    (
        "A longtime friend of the senator said he had been unhappy for months.",
        "A longtime",
        "unnamed",
        "associate",
        None,
        None,
    ),
    (
        "A former aide to the governor said the plan was dead.",
        "A former aide",
        "unnamed",
        "associate",
        "former",
        None,
    ),
    (
        "A Wall Street economist said rates would rise in the spring.",
        "A Wall",
        "unnamed",
        "expert",
        None,
        None,
    ),
    (
        "A resident who watched the fire said the flames reached the roof.",
        "A resident",
        "unnamed",
        "public",
        None,
        None,
    ),
    (
        "Current and former officials said the program had failed.",
        "Current and",
        "unnamed",
        "official",
        "current_and_former",
        None,
    ),
    (
        "Narges, who spoke on the condition that her full name not be used for fear of reprisal, "
        "said the police had come twice.",
        "Narges",
        "partial",
        "other",
        None,
        "safety",
    ),
    (
        "An official, who spoke on the condition of anonymity to protect the family's privacy, "
        "said the boy was safe.",
        "An official",
        "unnamed",
        "official",
        None,
        "privacy",
    ),
    (
        "A police spokesman, speaking on the condition of anonymity in keeping with department "
        "policy, said two men were held.",
        "A police",
        "unnamed",
        "official",
        None,
        "policy",
    ),
    (
        "A diplomat, speaking on the condition of anonymity because the negotiations were "
        "sensitive, said a deal was near.",
        "A diplomat",
        "unnamed",
        "official",
        None,
        "sensitive",
    ),
    ("The mayor said the budget would pass next week.", "The mayor", "named", None, None, None),
    ("Mayor Ann Lee said the budget would pass next week.", "Mayor Ann", "named", None, None, None),
]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(workers=1)


@pytest.mark.parametrize("case", CASES, ids=[c[1] for c in CASES])
def test_unnamed_sources_are_typed(extractor: Extractor, case: tuple[Any, ...]) -> None:
    text, start, identification, kind, status, reason = case
    found = [
        a
        for a in extractor.extract_one(Article("t", text)).attributions
        if (a.speaker.mention or "").startswith(start)
    ]
    assert found, [
        (a.speaker.mention, a.text) for a in extractor.extract_one(Article("t", text)).attributions
    ]
    sp = found[0].speaker
    assert (sp.identification, sp.anonymous_type, sp.status, sp.anonymity_reason_type) == (
        identification,
        kind,
        status,
        reason,
    ), sp
    assert sp.anonymous == (identification in ("unnamed", "partial"))


NEAR_A_NAME = [
    # an unnamed source described by the person it is close to: not that person
    "A source close to Mayor Ann Lee said the budget would pass next week.",
    "A person familiar with Ann Lee's thinking said the budget would pass next week.",
    "A spokeswoman for Ann Lee said the budget would pass next week.",
]


@pytest.mark.parametrize("text", NEAR_A_NAME, ids=["close to", "familiar with", "spokeswoman for"])
def test_a_source_described_by_a_named_person_is_unnamed_and_affiliated(
    extractor: Extractor, text: str
) -> None:
    (said,) = extractor.extract_one(Article("t", text)).attributions
    sp = said.speaker
    assert sp.kind == "unnamed_person" and sp.anonymous, sp
    assert sp.name is not None and sp.name.split()[0] in ("source", "person", "spokeswoman"), sp
    assert sp.affiliation is not None and "Ann Lee" in sp.affiliation, sp


ELSEWHERE = [
    # (article, the mention's start, the reason type): the reason is not in the source's sentence
    (
        "An airline employee said the flights were cancelled because of a staff shortage. She spoke on "
        "condition of anonymity because she feared reprisals from her managers.",
        "An airline",
        "safety",
    ),
    (
        "Two city officials said the plan had been shelved. The mayor said he had not decided. The "
        "officials spoke on condition of anonymity because they were not authorized to speak publicly.",
        "Two city",
        "not_authorized",
    ),
    (
        "Two city officials said the plan had been shelved.\n\nThe decision came after weeks of debate at "
        "City Hall.\n\nThe officials, who were not authorized to discuss internal deliberations, said the "
        "mayor was told on Monday.",
        "Two city",
        "not_authorized",
    ),
    (
        "A senior diplomat said the talks had stalled.\n\nThe ministry declined to comment.\n\nThe "
        "diplomat, like others interviewed for this article, spoke on the condition of anonymity in "
        "keeping with the ministry's rules.",
        "A senior",
        "policy",
    ),
]


@pytest.mark.parametrize(
    "case", ELSEWHERE, ids=["next sentence", "two sentences on", "paragraphs later", "misparse"]
)
def test_a_reason_given_after_the_quote_reaches_its_source(
    extractor: Extractor, case: tuple[str, ...]
) -> None:
    text, start, reason_type = case
    attributions = extractor.extract_one(Article("t", text)).attributions
    (sp,) = [a.speaker for a in attributions if (a.speaker.mention or "").startswith(start)]
    assert sp.anonymity_reason and sp.anonymity_reason_type == reason_type, sp


def test_a_reason_elsewhere_is_not_given_to_a_named_source_or_another_anonymous_one(
    extractor: Extractor,
) -> None:
    text = (
        "Mayor Ann Lee said the budget would pass. A council aide said the vote was close. Two residents "
        "said they would protest. They spoke on condition of anonymity because they feared their landlord."
    )
    speakers = {a.speaker.mention: a.speaker for a in extractor.extract_one(Article("t", text)).attributions}
    assert speakers["Two residents"].anonymity_reason_type == "safety"
    assert speakers["A council aide"].anonymity_reason is None  # "they" is the residents, not the aide
    assert speakers["Mayor Ann Lee"].anonymity_reason is None


def test_anonymity_with_no_reason_stated_has_no_reason_type(extractor: Extractor) -> None:
    text = "A senior official, speaking on the condition of anonymity, said the sanctions would stay."
    (sp,) = [a.speaker for a in extractor.extract_one(Article("t", text)).attributions]
    assert sp.anonymous and sp.anonymity_reason and sp.anonymity_reason_type is None


@pytest.mark.es
def test_search_by_anonymous_type(es: Any, tmp_path: Path) -> None:
    articles = tmp_path / "a.jsonl"
    outlets = ("Coastal Wire", "Vellan Daily")
    lines = [{"id": f"a{i}", "text": case[0], "outlet": outlets[i % 2]} for i, case in enumerate(CASES)]
    articles.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["index", str(articles), "--es-url", es.url, "--index", es.alias])
    assert result.exit_code == 0, result.output
    es.client.indices.refresh(index=es.alias)
    result = runner.invoke(
        app, ["search", "--anonymous-type", "Insider", "--json", "--es-url", es.url, "--index", es.alias]
    )
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert {h["article_id"] for h in hits} == {"a1", "a2"}
    bad = runner.invoke(app, ["search", "--anonymous-type", "spy", "--es-url", "http://127.0.0.1:9"])
    assert bad.exit_code == 1 and "unknown anonymous source type 'spy'" in bad.stderr

    # quotes speakers --anonymous: counts by type, reason type and outlet, as the documents say
    result = runner.invoke(
        app, ["speakers", "--anonymous", "--json", "--es-url", es.url, "--index", es.alias]
    )
    assert result.exit_code == 0, result.output
    *sources, last = [json.loads(line) for line in result.stdout.splitlines()]
    summary = last["summary"]
    docs = [
        h["_source"]
        for h in es.client.search(index=es.alias, size=500, query={"term": {"speaker.anonymous": True}}).body[
            "hits"
        ]["hits"]
    ]
    for key, get in (
        ("type", lambda d: d["speaker"]["anonymous_type"]),
        ("reason_type", lambda d: d["speaker"]["anonymity_reason_type"]),
        ("outlet", lambda d: d["article"]["outlet"].lower()),
    ):
        expected = Counter(get(d) for d in docs)
        assert {b["key"]: b["quotes"] for b in summary[key]} == expected, key
    assert {b["key"] for b in summary["type"]} >= {"official", "insider", "associate"}
    assert any(b["key"] is None for b in summary["reason_type"])  # most give no reason
    assert sum(b["sources"] for b in summary["outlet"]) == len({d["speaker"]["id"] for d in docs})
    assert sources and all(row["anonymous"] for row in sources)
    table = runner.invoke(
        app, ["speakers", "--anonymous", "--es-url", es.url, "--index", es.alias], env={"COLUMNS": "200"}
    )
    assert "anonymous sources by source type" in table.stdout and "none stated" in table.stdout


@pytest.mark.parametrize(
    ("sentence", "mention", "kind"),
    [
        (
            "Sixty-seven percent of Americans said the plan was bad.",
            "Sixty-seven percent of Americans",
            "unnamed_group",
        ),
        ("In the poll, 47% say the economy is weak.", "47%", "unnamed_group"),
        ("A majority of voters said the race was close.", "A majority of voters", "unnamed_group"),
        ("Almost half of respondents said they were unsure.", "Almost half of respondents", "unnamed_group"),
        (
            "Most hypotheses suggest that the link is weak.",
            "Most hypotheses",
            "unknown",
        ),  # things, not people
    ],
)
def test_a_share_of_people_polled_is_an_unnamed_group(
    extractor: Extractor, sentence: str, mention: str, kind: str
) -> None:
    (said,) = extractor.extract_one(Article("share", sentence)).attributions
    assert (said.speaker.mention, said.speaker.kind, said.speaker.count) == (mention, kind, None), (
        said.speaker
    )
    assert not said.speaker.anonymous
