"""Quote reuse across articles (`indexer.es.clusters`): the comparison (pure) and the pass on a real node
(`wire` in conftest.py; `quotes reused` and `search --collapse` are in tests/test_cli_search.py).

tests/wire/ is a self-written wire story carried by three invented outlets: one trims the end of a
quote and changes the last word of another, one re-punctuates. Its speaker is quoted three times
with different words.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pytest

from indexer.es import kibana
from indexer.es.clusters import _Quote, cluster_quotes, plan_clusters, same_quote, words
from tests.clihelp import WIRE, invoke
from tests.conftest import FIRST_RUN

# --------------------------------------------------------------------------- comparing quotes

LONG = (
    "We have asked for the same thing for three years, and every time the answer is to wait one more season"
)


def test_words_ignore_case_quote_marks_punctuation_and_spacing() -> None:
    assert words("“We  have asked,” she said — ‘AGAIN’!") == ["we", "have", "asked", "she", "said", "again"]


def test_a_trimmed_repunctuated_or_end_changed_quote_is_the_same_quote() -> None:
    a = words(LONG)
    assert same_quote(a, words(LONG.replace(" one more season", "")))  # an outlet trims the end
    assert same_quote(a, words(LONG.replace("years, and every time the", "years; and every time, the")))
    assert same_quote(a, words(LONG.replace("season", "year")))  # one word changed at the end
    assert same_quote(a, words("have asked for the same thing for three years, and every time the answer is"))


def test_different_words_or_a_short_fragment_are_not_the_same_quote() -> None:
    a = words(LONG)
    assert not same_quote(a, words("We have asked the council for a meeting every week since the spring"))
    assert not same_quote(a, words("the same thing for three years"))  # six words out of twenty
    assert not same_quote(words("Nobody on my crew wants to leave a ship at anchor"), a)


def _q(qid: str, text: str, speaker: str = "sp-1", published: str | None = None) -> _Quote:
    return _Quote(
        qid,
        words(text),
        speaker,
        qid.split(":")[0],
        "outlet-" + qid[0],
        published,
        (published is None, published or "", qid),
        {},
    )


def test_short_quotes_group_only_with_the_same_speaker() -> None:
    planned = plan_clusters(
        [_q("a:1", "No comment.", "sp-1"), _q("b:1", "No comment", "sp-2"), _q("c:1", "no COMMENT!", "sp-1")]
    )
    assert planned["a:1"]["quote_cluster"] == planned["c:1"]["quote_cluster"]
    assert planned["b:1"]["quote_cluster"] != planned["a:1"]["quote_cluster"]
    assert planned["b:1"]["cluster_size"] == 1


def test_the_plan_does_not_depend_on_the_order_quotes_are_read() -> None:
    quotes = [
        _q("a:1", LONG, published="2026-05-05T08:00:00+00:00"),
        _q("b:1", LONG.replace(" one more season", ""), published="2026-05-06T00:00:00+00:00"),
        _q("c:1", "Something else entirely was said about the harbour fees today", published=None),
        _q("d:1", LONG.replace("season", "year")),
    ]
    forward, backward = plan_clusters(quotes), plan_clusters(quotes[::-1])
    assert forward == backward
    assert forward["a:1"]["cluster_size"] == 3 and forward["c:1"]["cluster_size"] == 1
    assert [q for q in ("a:1", "b:1", "d:1") if forward[q]["is_first"]] == ["a:1"]  # dated before undated
    assert forward["d:1"]["first_seen"] == "2026-05-05T08:00:00+00:00"


# --------------------------------------------------------------------------- the pass on the real node


@pytest.mark.es
def test_a_wire_quote_carried_by_three_outlets_is_one_cluster_first_seen_on_the_wire(
    wire: tuple[str, list[dict[str, Any]]],
) -> None:
    _, docs = wire
    by_cluster: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        by_cluster[doc["quote_cluster"]].append(doc)
    asked = [d for d in docs if "asked for the same thing" in d["quote"]]
    assert len(asked) == 3 and len({d["article_id"] for d in asked}) == 3  # full, trimmed, re-punctuated
    (cluster,) = {d["quote_cluster"] for d in asked}
    assert sorted(d["_id"] for d in by_cluster[cluster]) == sorted(d["_id"] for d in asked)
    for doc in asked:
        assert (doc["cluster_size"], doc["cluster_articles"], doc["cluster_outlets"]) == (3, 3, 3)
        assert doc["first_seen"] == FIRST_RUN
        assert doc["is_first"] is (doc["article_id"] == "wire-coastal")
    # "before the end of the week" in one pickup: still the director's quote
    door = [d for d in docs if d["quote"].startswith("Our door stays open")]
    assert len(door) == 3 and len({d["quote_cluster"] for d in door}) == 1


@pytest.mark.es
def test_different_quotes_of_one_speaker_are_different_clusters(
    wire: tuple[str, list[dict[str, Any]]],
) -> None:
    _, docs = wire
    hers = [d for d in docs if d["speaker"].get("name") == "Marta Oyelaran" and d["type"] == "direct"]
    clusters = Counter(d["quote_cluster"] for d in hers)
    assert len(clusters) == 2 and set(clusters.values()) == {3}
    assert sum(1 for d in docs if d["is_first"]) == len({d["quote_cluster"] for d in docs})


@pytest.mark.es
def test_a_second_pass_changes_nothing_and_a_rerun_gives_the_same_clusters(
    wire: tuple[str, list[dict[str, Any]]], es_client: Any, es_url: str
) -> None:
    alias, docs = wire
    again = cluster_quotes(es_client, alias)
    assert again.changed == 0 and again.quotes == len(docs)
    assert again.reused == 4 and again.largest == 3
    result = invoke("index", WIRE, "--es-url", es_url, "--index", alias)
    assert result.exit_code == 0, result.output
    hits = es_client.search(index=alias, size=100, query={"match_all": {}}).body["hits"]["hits"]
    assert {h["_id"]: h["_source"]["quote_cluster"] for h in hits} == {
        d["_id"]: d["quote_cluster"] for d in docs
    }


@pytest.mark.es
def test_the_kibana_panel_of_repeated_quotes_answers_from_the_clusters(
    wire: tuple[str, list[dict[str, Any]]], es_client: Any
) -> None:
    alias, docs = wire
    (query,) = [q for q in kibana.panel_queries() if q.id == "quotes-lens-repeated-quotes"]
    body = query.body(kibana.dashboard_time_range())
    rows = query.rows(es_client.search(index=alias, **body).body)
    firsts = {d["quote"] for d in docs if d["is_first"] and d["cluster_size"] > 1}
    assert {quote for quote, _ in rows} == firsts and len(rows) == 4
    for _, values in rows:
        assert (values["articles-col"], values["outlets-col"]) == (3, 3)
