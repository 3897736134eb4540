"""The loader against a real Elasticsearch node: counts, reruns, dead letters, rejections, restarts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EsTarget, LocalNode, drop_aliases, make_record

from indexer import store
from indexer.es.documents import BulkAction, record_actions
from indexer.extract.engine import ArticleResult
from indexer.model import Article
from indexer.reading.articles import ReadFailure

pytestmark = pytest.mark.es


def _load(es: EsTarget, recs: Any, **kw: Any) -> store.LoadReport:
    names = store.ensure_indices(es.client, es.alias, es.articles_alias)
    return store.load(
        es.client,
        record_actions(recs, names.quotes_alias, names.articles_alias),
        indices=[names.quotes_alias, names.articles_alias],
        **kw,
    )


def _count(client: Any, index: str) -> int:
    client.indices.refresh(index=index)
    return int(client.count(index=index)["count"])


# --------------------------------------------------------------------------- connection


def test_redact_url_removes_credentials() -> None:
    assert store.redact_url("https://elastic:s3cret@es.example.org:9243/x") == "https://es.example.org:9243/x"
    assert store.redact_url("http://localhost:9200") == "http://localhost:9200"


def test_connect_keeps_secrets_out_of_repr_and_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ELASTICSEARCH_URL", raising=False)
    client = store.connect("http://elastic:s3cret@127.0.0.1:1")
    assert "s3cret" not in repr(client)
    assert "s3cret" not in store.client_url(client)
    with pytest.raises(store.StoreUnavailable) as err:
        store.check_connection(client)
    assert "s3cret" not in str(err.value)
    assert "127.0.0.1:1" in str(err.value)
    assert "\n" not in str(err.value)


def test_connect_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELASTICSEARCH_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("ELASTICSEARCH_API_KEY", "topsecretkey")
    client = store.connect()
    assert store.client_url(client) == "http://127.0.0.1:1"
    assert "topsecretkey" not in repr(client)


def test_connect_rejects_a_bad_url() -> None:
    with pytest.raises(store.StoreError, match="invalid Elasticsearch URL"):
        store.connect("localhost:9200")


# --------------------------------------------------------------------------- indices


def test_ensure_indices_creates_versioned_indices_behind_aliases(es: EsTarget) -> None:
    names = store.ensure_indices(es.client, es.alias, es.articles_alias)
    assert names.quotes_index == f"{es.alias}-v1"
    assert names.articles_index == f"{es.articles_alias}-v1"
    assert list(es.client.indices.get_alias(name=es.alias).body) == [f"{es.alias}-v1"]
    again = store.ensure_indices(es.client, es.alias, es.articles_alias)
    assert again == names
    settings = es.client.indices.get_settings(index=names.quotes_index, flat_settings=True).body
    assert settings[names.quotes_index]["settings"]["index.number_of_shards"] == "1"
    assert settings[names.quotes_index]["settings"]["index.number_of_replicas"] == "0"


def test_strict_mapping_refuses_an_unknown_field(es: EsTarget) -> None:
    from elasticsearch import BadRequestError

    store.ensure_indices(es.client, es.alias, es.articles_alias)
    with pytest.raises(BadRequestError, match="strict"):
        es.client.index(index=es.alias, id="x", document={"quote_id": "x", "sentiment": "happy"})
    with pytest.raises(BadRequestError, match="strict"):
        es.client.index(index=es.articles_alias, id="x", document={"article_id": "x", "mood": 1})


def test_ensure_indices_refuses_an_index_named_like_the_alias(es: EsTarget) -> None:
    es.client.indices.create(index=es.alias)
    try:
        with pytest.raises(store.StoreError, match="is an index, not an alias"):
            store.ensure_indices(es.client, es.alias, es.articles_alias)
    finally:
        es.client.indices.delete(index=es.alias)


# --------------------------------------------------------------------------- load


def test_load_counts_are_exact_and_a_rerun_adds_no_duplicates(es: EsTarget, records: Any) -> None:
    first = _load(es, records(40, 7))
    assert (first.quotes, first.indexed, first.failed) == (280, 280, 0)
    assert (first.articles_indexed, first.articles_done) == (40, 40)
    assert _count(es.client, es.alias) == 280
    assert _count(es.client, es.articles_alias) == 40

    second = _load(es, records(40, 7))
    assert second.indexed == 280
    assert _count(es.client, es.alias) == 280
    assert _count(es.client, es.articles_alias) == 40
    doc = es.client.get(index=es.alias, id=make_record(3, 2)["quote_id"])
    assert doc["_version"] == 2  # overwritten in place, not added
    assert doc["_source"]["speaker"]["name_folded"] == "hossein salami"
    assert doc["_source"]["indexed_at"]


def test_refused_document_goes_to_dead_letter_with_reason(es: EsTarget, records: Any, tmp_path: Path) -> None:
    def mixed() -> Iterator[dict[str, Any]]:
        yield from records(5, 4)
        # a field of the wrong type (dates are no longer refused: they are read, or kept as text)
        yield from ({**make_record(99, q), "confidence": "very high"} for q in range(3))
        yield from (make_record(a, q) for a in range(5, 10) for q in range(4))

    dead = tmp_path / "dead.ndjson"
    ck = store.Checkpoint(tmp_path / "ck.ndjson", es.alias)
    report = _load(es, mixed(), dead_letter=dead, checkpoint=ck)
    assert (report.quotes, report.indexed, report.failed) == (43, 40, 3)
    assert report.articles_dead == 0  # the article document has no confidence: it is indexed
    assert _count(es.client, es.alias) == 40
    lines = [json.loads(line) for line in dead.read_text().splitlines()]
    assert len(lines) == 3
    assert {entry["article_id"] for entry in lines} == {"art-99"}
    for entry in lines:
        assert entry["status"] == 400
        assert "confidence" in entry["reason"] and "very high" in entry["reason"]
        assert entry["document"]  # the refused document itself, to fix and resend
    assert "art-99" not in store.Checkpoint(tmp_path / "ck.ndjson", es.alias).done
    assert len(store.Checkpoint(tmp_path / "ck.ndjson", es.alias).done) == 10
    assert not report.ok


def test_stream_bulk_yields_one_outcome_per_document(es: EsTarget, records: Any) -> None:
    from indexer.es.bulk import SendStats, stream_bulk

    names = store.ensure_indices(es.client, es.alias, es.articles_alias)

    def mixed() -> Iterator[dict[str, Any]]:
        yield from records(4, 3)
        yield {**make_record(50, 0), "confidence": "very high"}  # refused by the mapping

    actions = list(record_actions(mixed(), names.quotes_alias, names.articles_alias))
    stats = SendStats()
    sent = list(stream_bulk(es.client, iter(actions), chunk_size=4, concurrency=2, stats=stats))
    assert sorted(s.action.id for s in sent) == sorted(a.id for a in actions)  # each once
    refused = [s for s in sent if not s.ok]
    assert [(s.action.article_id, s.status) for s in refused] == [("art-50", 400)]
    assert "very high" in json.dumps(refused[0].error)
    assert stats.rejections == {400: 1} and stats.retried == 0
    assert _count(es.client, es.alias) == 12


def test_stream_bulk_reports_what_was_sent_before_the_input_fails(es: EsTarget, records: Any) -> None:
    from indexer.es.bulk import stream_bulk

    names = store.ensure_indices(es.client, es.alias, es.articles_alias)

    def broken() -> Iterator[BulkAction]:
        yield from record_actions(records(3, 2), names.quotes_alias, names.articles_alias)
        raise RuntimeError("input went away")

    seen = []
    with pytest.raises(RuntimeError, match="input went away"):
        for outcome in stream_bulk(es.client, broken(), chunk_size=2, concurrency=2):
            seen.append(outcome)
    # 9 actions (6 quotes, 3 articles): the four full chunks were sent and acknowledged; the last
    # action, still in a chunk being filled when the input failed, was not sent
    assert len(seen) == 8 and all(s.ok for s in seen)


def test_refresh_interval_is_paused_during_load_and_restored(es: EsTarget, records: Any) -> None:
    names = store.ensure_indices(es.client, es.alias, es.articles_alias)
    es.client.indices.put_settings(index=names.quotes_index, settings={"index": {"refresh_interval": "7s"}})
    seen: list[Any] = []

    def watch(report: store.LoadReport) -> None:
        body = es.client.indices.get_settings(index=names.quotes_index, flat_settings=True).body
        seen.append(body[names.quotes_index]["settings"].get("index.refresh_interval"))

    _load(es, records(10, 3), chunk_size=10, progress=watch)
    assert seen and set(seen) == {"-1"}
    both = f"{names.quotes_index},{names.articles_index}"
    after = es.client.indices.get_settings(index=both, flat_settings=True)
    assert after[names.quotes_index]["settings"]["index.refresh_interval"] == "7s"
    assert "index.refresh_interval" not in after[names.articles_index]["settings"]  # back to the default
    # one refresh at the end: the documents are searchable without waiting 7s
    assert int(es.client.count(index=es.alias)["count"]) == 30


def test_refresh_interval_is_restored_when_the_load_fails(es: EsTarget, records: Any) -> None:
    names = store.ensure_indices(es.client, es.alias, es.articles_alias)

    def broken() -> Iterator[dict[str, Any]]:
        yield from records(3, 3)
        raise RuntimeError("input went away")

    seen: list[store.LoadReport] = []
    with pytest.raises(RuntimeError, match="input went away"):
        _load(es, broken(), chunk_size=2, progress=seen.append)
    body = es.client.indices.get_settings(index=names.quotes_index, flat_settings=True).body
    assert "index.refresh_interval" not in body[names.quotes_index]["settings"]
    # the chunks sent before the failure are acknowledged and visible (refreshed on the way out)
    assert seen[-1].indexed == 5
    assert _count(es.client, es.alias) == 5


def test_dry_run_writes_the_bulk_body_and_sends_nothing(es: EsTarget, records: Any, tmp_path: Path) -> None:
    out = tmp_path / "bulk.ndjson"
    report = store.load(None, record_actions(records(2, 3), "quotes", "articles"), dry_run=out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 * (6 + 2) and report.written == 8 and report.quotes == 6
    header, source = json.loads(lines[0]), json.loads(lines[1])
    assert header == {"index": {"_index": "quotes", "_id": source["quote_id"]}}
    assert "indexed_at" not in source  # the dry run is reproducible byte for byte
    store.ensure_indices(es.client, es.alias, es.articles_alias)
    # the written body is a valid _bulk request for the mapping
    body = out.read_text(encoding="utf-8").replace('"_index":"quotes"', f'"_index":"{es.alias}"')
    body = body.replace('"_index":"articles"', f'"_index":"{es.articles_alias}"')
    resp = es.client.bulk(operations=body, refresh=True)
    assert resp["errors"] is False


def test_tiny_write_queue_rejections_are_retried_until_every_document_lands(
    start_node: Any, records: Any
) -> None:
    node: LocalNode = start_node({"thread_pool.write.queue_size": 1, "thread_pool.write.size": 1})
    client = store.connect(node.url)
    target = EsTarget(client, node.url, "tiny", "tiny-articles")
    report = _load(
        target,
        records(300, 10),
        chunk_size=25,
        concurrency=8,
        policy=store.RetryPolicy(max_retries=30, initial_backoff=0.05, max_backoff=1.0),
    )
    print(f"\ntiny queue: {report.rejections} retried={report.retried} chunk_retries={report.chunk_retries}")
    assert report.rejections.get(429, 0) > 0, "the tiny queue should have rejected something"
    assert report.retried >= report.rejections.get(429, 0) - report.failed
    assert (report.quotes, report.indexed, report.failed) == (3000, 3000, 0)
    assert report.articles_done == 300
    assert _count(client, "tiny") == 3000
    assert _count(client, "tiny-articles") == 300


def test_node_stopped_mid_load_then_rerun_with_checkpoint_ends_exact(
    start_node: Any, records: Any, tmp_path: Path
) -> None:
    node: LocalNode = start_node()
    client = store.connect(node.url)
    target = EsTarget(client, node.url, "restart", "restart-articles")
    ck_path = tmp_path / "checkpoint.ndjson"

    def stream() -> Iterator[dict[str, Any]]:
        for i, rec in enumerate(records(200, 5)):
            if i == 400:  # article 80: stop the node while chunks are in flight
                node.stop()
            yield rec

    policy = store.RetryPolicy(initial_backoff=0.1, max_backoff=0.5, max_retry_seconds=3)
    with pytest.raises(store.LoadInterrupted) as err:
        _load(target, stream(), chunk_size=20, checkpoint=store.Checkpoint(ck_path, "restart"), policy=policy)
    first = err.value.report
    assert "\n" not in str(err.value) and "checkpoint" in str(err.value)
    done = store.Checkpoint(ck_path, "restart").done
    assert 0 < len(done) < 200

    node.start()
    ck = store.Checkpoint(ck_path, "restart")

    def skip_done() -> Iterator[dict[str, Any]]:
        for rec in records(200, 5):
            if rec["article_id"] not in ck:
                yield rec

    second = _load(target, skip_done(), chunk_size=20, checkpoint=ck)
    print(
        f"\nstop/start: first run indexed {first.indexed}, checkpointed {len(done)} articles; "
        f"rerun indexed {second.indexed}; total {_count(client, 'restart')}"
    )
    assert second.quotes == 5 * (200 - len(done))
    assert _count(client, "restart") == 1000
    assert _count(client, "restart-articles") == 200
    assert len(store.Checkpoint(ck_path, "restart").done) == 200


def _start_later(node: LocalNode, delay: float) -> None:
    time.sleep(delay)
    node.start()


def test_node_restarted_within_the_retry_window_loses_nothing(start_node: Any, records: Any) -> None:
    node: LocalNode = start_node()
    client = store.connect(node.url)
    target = EsTarget(client, node.url, "blip", "blip-articles")
    restarter: list[threading.Thread] = []

    def stream() -> Iterator[dict[str, Any]]:
        for i, rec in enumerate(records(100, 5)):
            if i == 200:
                node.stop()
                t = threading.Thread(target=_start_later, args=(node, 1.0))
                t.start()
                restarter.append(t)
            yield rec

    policy = store.RetryPolicy(initial_backoff=0.2, max_backoff=2.0, max_retry_seconds=120)
    report = _load(target, stream(), chunk_size=20, policy=policy)
    for t in restarter:
        t.join()
    print(f"\nblip: chunk_retries={report.chunk_retries} indexed={report.indexed}")
    assert report.chunk_retries > 0
    assert (report.indexed, report.failed) == (500, 0)
    assert _count(client, "blip") == 500


def test_checkpoint_for_another_alias_is_refused(tmp_path: Path) -> None:
    ck = store.Checkpoint(tmp_path / "ck", "quotes")
    ck.mark("a1")
    ck.close()
    with pytest.raises(store.StoreError, match="made for index 'quotes'"):
        store.Checkpoint(tmp_path / "ck", "other")
    (tmp_path / "ck").write_text((tmp_path / "ck").read_text() + '{"article_id": "a2"')  # torn last line
    assert store.Checkpoint(tmp_path / "ck", "quotes").done == {"a1"}


# --------------------------------------------------------------------------- articles -> index


def _fake_results(articles: Any, seen: list[str]) -> Iterator[ArticleResult]:
    """A stand-in extractor (no spaCy): each article gets two attributions built from its text."""
    from indexer.model import Attribution, Speaker

    for article in articles:
        seen.append(article.id)
        if "FAIL" in article.text:
            yield ArticleResult(article, error="extraction failed: test")
            continue
        text = article.text
        attributions = [
            Attribution(article.id, "direct", text[:10], 0, 10, None, Speaker(name="Ana Díaz"), 0.9),
            Attribution(article.id, "indirect", text[10:20], 10, 20, None, Speaker(name="Bo Li"), 0.8),
        ]
        yield ArticleResult(article, attributions=attributions)


def test_index_articles_resumes_without_re_extracting(es: EsTarget, tmp_path: Path) -> None:
    names = store.ensure_indices(es.client, es.alias, es.articles_alias)
    items: list[Article | ReadFailure] = [
        Article(id=f"n{i}", text=f"Invented text number {i:03d} for the test.", outlet="Gazette")
        for i in range(30)
    ]
    items.insert(5, ReadFailure("bad.json", "invalid JSON"))
    items.append(Article(id="boom", text="FAIL this one please, it is invented."))
    ck_path = tmp_path / "ck.ndjson"
    seen: list[str] = []
    report = store.index_articles(
        es.client,
        items,
        lambda arts: _fake_results(arts, seen),
        checkpoint=store.Checkpoint(ck_path, es.alias),
        names=names,
        chunk_size=7,
    )
    assert (report.articles_read, report.articles_failed, report.quotes, report.indexed) == (31, 2, 60, 60)
    assert len(seen) == 31

    seen.clear()
    again = store.index_articles(
        es.client,
        items,
        lambda arts: _fake_results(arts, seen),
        checkpoint=store.Checkpoint(ck_path, es.alias),
        names=names,
    )
    assert seen == ["boom"]  # only the article that failed is extracted again
    assert again.articles_skipped == 30 and again.indexed == 0
    assert _count(es.client, es.alias) == 60
    assert _count(es.client, es.articles_alias) == 30


def test_load_records_reads_extract_output_and_reports_bad_lines(
    es: EsTarget, records: Any, tmp_path: Path
) -> None:
    names = store.ensure_indices(es.client, es.alias, es.articles_alias)
    path = tmp_path / "quotes.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records(6, 3)]
    lines.insert(4, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = store.load_records(es.client, [str(path), str(tmp_path / "missing.jsonl")], names=names)
    assert (report.articles_read, report.quotes, report.indexed, report.articles_failed) == (6, 18, 18, 2)
    assert any("quotes.jsonl:5" in p for p in report.problems)
    assert _count(es.client, es.alias) == 18


# --------------------------------------------------------------------------- reindex


def test_reindex_swaps_the_alias_in_one_step_and_counts_match(es: EsTarget, records: Any) -> None:
    _load(es, records(50, 4))
    counts: list[int] = []
    stop = threading.Event()

    def reader() -> None:  # searches through the alias all along: never sees 0 or 2x
        while not stop.is_set():
            counts.append(int(es.client.count(index=es.alias)["count"]))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        result = store.reindex(es.client, es.alias)
    finally:
        stop.set()
        thread.join()
    assert (result.source, result.dest) == (f"{es.alias}-v1", f"{es.alias}-v2")
    assert result.source_count == result.dest_count == 200
    assert list(es.client.indices.get_alias(name=es.alias).body) == [f"{es.alias}-v2"]
    assert counts and set(counts) == {200}
    assert _count(es.client, es.alias) == 200
    # writes now go to v2
    _load(es, records(51, 4))
    assert _count(es.client, f"{es.alias}-v2") == 204
    assert _count(es.client, f"{es.alias}-v1") == 200


def test_reindex_of_a_missing_alias_is_a_clear_error(es: EsTarget) -> None:
    with pytest.raises(store.StoreError, match="does not exist"):
        store.reindex(es.client, es.alias)
    drop_aliases(es.client, es.alias)


def test_bulk_action_header() -> None:
    action = BulkAction("quotes", "id1", {"a": 1}, "art", "quote")
    assert action.header() == {"index": {"_index": "quotes", "_id": "id1"}}
