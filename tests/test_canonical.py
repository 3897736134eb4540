"""One name per person across articles: the plan (pure) and the pass over a real Elasticsearch node."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EsTarget, make_record

from indexer import store
from indexer.es.canonical import merge_speakers, plan
from indexer.es.documents import record_actions
from indexer.model import speaker_id
from indexer.names import fold_name

# --------------------------------------------------------------------------- plan


def test_a_lone_surname_takes_the_one_full_name_with_it() -> None:
    assert plan({"Trump": 5, "Donald Trump": 3}) == {"Trump": "Donald Trump"}


def test_forms_of_one_first_and_last_name_become_the_most_used() -> None:
    assert plan({"Donald Trump": 3, "Donald J. Trump": 1, "Trump": 2}) == {
        "Donald J. Trump": "Donald Trump",
        "Trump": "Donald Trump",
    }


def test_a_surname_two_people_share_stays_as_it_is() -> None:
    mapping = plan({"Clinton": 4, "Hillary Clinton": 9, "Bill Clinton": 2})
    assert "Clinton" not in mapping
    assert mapping == {}


def test_names_are_matched_without_case_or_accents_and_suffixes_are_ignored() -> None:
    assert plan({"Nunez": 1, "José Núñez": 2}) == {"Nunez": "José Núñez"}
    assert plan({"King": 1, "Martin Luther King Jr.": 2}) == {"King": "Martin Luther King Jr."}


def test_an_initial_alone_does_not_make_a_person() -> None:
    assert plan({"Smith": 1, "J. Smith": 1}) == {}


def test_nothing_to_merge_gives_an_empty_plan() -> None:
    assert plan({}) == {}
    assert plan({"Ines Caldwell": 2, "Arthur Penn": 1}) == {}


# --------------------------------------------------------------------------- the pass on a real node


def _rec(article: int, quote: int, name: str) -> dict[str, Any]:
    """A record whose speaker id is derived from its name, as extraction derives it."""
    record = make_record(article, quote, name=name)
    record["speaker"]["id"] = speaker_id(fold_name(name))
    return record


def _names(es: EsTarget) -> dict[str, int]:
    es.client.indices.refresh(index=es.alias)
    resp = es.client.search(
        index=es.alias, size=0, aggregations={"n": {"terms": {"field": "speaker.name.keyword", "size": 50}}}
    )
    return {b["key"]: b["doc_count"] for b in resp["aggregations"]["n"]["buckets"]}


def _load(es: EsTarget, recs: list[dict[str, Any]]) -> None:
    names = store.ensure_indices(es.client, es.alias, es.articles_alias)
    report = store.load(
        es.client,
        record_actions(recs, names.quotes_alias, names.articles_alias),
        indices=[names.quotes_alias, names.articles_alias],
    )
    assert report.ok, report.problems


def _article(es: EsTarget, article_id: str) -> dict[str, Any]:
    return dict(es.client.get(index=es.articles_alias, id=article_id)["_source"])


@pytest.mark.es
def test_merge_gives_one_name_per_person_and_can_undo_it(es: EsTarget) -> None:
    _load(
        es,
        [_rec(1, q, "Trump") for q in range(3)]
        + [_rec(2, q, "Donald Trump") for q in range(2)]
        + [_rec(3, 0, "Donald J. Trump"), _rec(3, 1, "Ines Caldwell")],
    )
    assert _names(es) == {"Trump": 3, "Donald Trump": 2, "Donald J. Trump": 1, "Ines Caldwell": 1}

    done = merge_speakers(es.client, es.alias, es.articles_alias)
    assert (done.names, done.quotes_changed, done.articles_changed) == (2, 4, 2)
    assert done.load.ok and done.load.indexed == 4 and done.load.articles_indexed == 2
    assert _names(es) == {"Donald Trump": 6, "Ines Caldwell": 1}

    hit = es.client.search(index=es.alias, query={"term": {"article_id": "art-1"}}, size=1)["hits"]["hits"][0]
    speaker = hit["_source"]["speaker"]
    assert speaker["name_in_article"] == "Trump" and speaker["merged"] is True
    assert speaker["name_folded"] == "donald trump"
    untouched = es.client.search(index=es.alias, query={"term": {"article_id": "art-2"}}, size=1)
    assert untouched["hits"]["hits"][0]["_source"]["speaker"]["merged"] is False
    ids = {
        h["_source"]["speaker"]["id"]
        for h in es.client.search(
            index=es.alias, query={"term": {"speaker.name.keyword": "Donald Trump"}}, size=10
        )["hits"]["hits"]
    }
    assert len(ids) == 1  # one speaker id, so aggregations by id agree with those by name
    assert _article(es, "art-1")["speakers"] == ["Donald Trump"]
    assert sorted(_article(es, "art-3")["speakers"]) == ["Donald Trump", "Ines Caldwell"]

    again = merge_speakers(es.client, es.alias, es.articles_alias)
    assert (again.quotes_changed, again.articles_changed) == (0, 0)  # a second pass changes nothing

    # a second Trump named in full makes "Trump" ambiguous: those quotes go back to the article's name
    _load(es, [_rec(4, 0, "Melania Trump")])
    merge_speakers(es.client, es.alias, es.articles_alias)
    assert _names(es) == {"Trump": 3, "Donald Trump": 3, "Melania Trump": 1, "Ines Caldwell": 1}
    assert _article(es, "art-1")["speakers"] == ["Trump"]


@pytest.mark.es
def test_a_surname_its_article_kept_apart_from_a_full_name_stays_apart(es: EsTarget) -> None:
    """ "Mr. Kowalski" and "Anna Kowalski" in one article are two people; in another article
    "Kowalski" alone may still be her."""
    _load(
        es,
        [
            _rec(1, 0, "Kowalski"),
            _rec(1, 1, "Anna Kowalski"),
            _rec(2, 0, "Kowalski"),
            _rec(3, 0, "Anna Kowalski"),
        ],
    )
    done = merge_speakers(es.client, es.alias, es.articles_alias)
    assert done.quotes_changed == 1
    assert _names(es) == {"Anna Kowalski": 3, "Kowalski": 1}
    kept = es.client.search(index=es.alias, query={"term": {"speaker.name.keyword": "Kowalski"}}, size=5)[
        "hits"
    ]["hits"]
    assert [h["_source"]["article_id"] for h in kept] == ["art-1"]
    assert sorted(_article(es, "art-1")["speakers"]) == ["Anna Kowalski", "Kowalski"]
    again = merge_speakers(es.client, es.alias, es.articles_alias)
    assert again.quotes_changed == 0


@pytest.mark.es
def test_reloading_an_article_keeps_the_merged_name_after_the_pass(es: EsTarget) -> None:
    recs = [_rec(1, 0, "Trump"), _rec(2, 0, "Donald Trump")]
    _load(es, recs)
    merge_speakers(es.client, es.alias, es.articles_alias)
    _load(es, recs)  # the same records again: documents are overwritten with the article's own name
    assert _names(es) == {"Trump": 1, "Donald Trump": 1}
    merge_speakers(es.client, es.alias, es.articles_alias)
    assert _names(es) == {"Donald Trump": 2}
    assert es.client.count(index=es.alias)["count"] == 2


@pytest.mark.es
def test_indexing_the_samples_merges_a_surname_across_articles(es: EsTarget) -> None:
    from pathlib import Path

    from indexer.extract.engine import Extractor
    from indexer.reading.articles import iter_articles

    samples = Path(__file__).resolve().parents[1] / "samples"
    names = store.ensure_indices(es.client, es.alias, es.articles_alias)
    with Extractor(workers=1) as extractor:
        report = store.index_articles(
            es.client, iter_articles([str(samples)], id_root=str(samples)), extractor.extract, names=names
        )
    assert report.ok
    before = _names(es)
    assert before.get("Okafor", 0) >= 1 and before.get("Miriam Okafor", 0) >= 1  # as each article names her
    merge_speakers(es.client, es.alias, es.articles_alias)
    after = _names(es)
    assert "Okafor" not in after
    assert after["Miriam Okafor"] == before["Miriam Okafor"] + before["Okafor"]
    assert "Miriam Okafor" in _article(es, "harbor-talks")["speakers"]


@pytest.mark.es
def test_an_organisation_sharing_a_surname_keeps_its_name(es: EsTarget) -> None:
    company = _rec(3, 0, "Trump")
    company["speaker"]["kind"] = "organization"
    _load(es, [_rec(1, 0, "Trump"), _rec(2, 0, "Donald Trump"), company])
    merge_speakers(es.client, es.alias, es.articles_alias)
    hit = es.client.search(index=es.alias, query={"term": {"article_id": "art-3"}})["hits"]["hits"][0]
    assert hit["_source"]["speaker"]["name"] == "Trump" and hit["_source"]["speaker"]["merged"] is False
    assert _article(es, "art-1")["speakers"] == ["Donald Trump"]
