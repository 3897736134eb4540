"""Kibana saved objects: the file's structure, its fields against the quotes mapping, the aggregations
behind each panel run on the real local Elasticsearch node over samples/, and the import request.

Kibana itself cannot run here. The import tests talk to a stand-in (`stand_in` in conftest.py): a
tiny HTTP server started in the test on 127.0.0.1 that records what it receives and answers like
Kibana's import API. They prove what we send (endpoint, headers, multipart body, retries), not that
Kibana accepts it. `quotes kibana export|import` themselves are in tests/test_cli_kibana.py.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import drop_aliases, free_port

from indexer import store
from indexer.es import kibana
from indexer.es.documents import joint_names
from indexer.es.kibana import KibanaError

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
AGGREGATABLE = {"keyword", "boolean", "date", "long", "integer", "short", "byte", "double", "float"}


def _mapping_types() -> dict[str, str]:
    """``{"speaker.name.keyword": "keyword", ...}`` for every field of the quotes template."""
    template = json.loads((ROOT / "mappings" / "quotes-template.json").read_text(encoding="utf-8"))
    out: dict[str, str] = {}

    def walk(props: dict[str, Any], prefix: str) -> None:
        for name, spec in props.items():
            path = f"{prefix}{name}"
            if "properties" in spec:
                walk(spec["properties"], f"{path}.")
                continue
            out[path] = spec.get("type", "object")
            for sub, subspec in spec.get("fields", {}).items():
                out[f"{path}.{sub}"] = subspec["type"]

    walk(template["template"]["mappings"]["properties"], "")
    return out


def _by_type(kind: str) -> list[dict[str, Any]]:
    return [o for o in kibana.saved_objects() if o["type"] == kind]


# --------------------------------------------------------------------------- the file


def test_every_line_is_a_saved_object_in_export_format() -> None:
    lines = kibana.SAVED_OBJECTS_FILE.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 11
    for line in lines:
        obj = json.loads(line)
        assert set(obj) >= {"id", "type", "attributes", "references", "coreMigrationVersion"}
        assert obj["typeMigrationVersion"]
        assert obj["coreMigrationVersion"].startswith("8.")
    kinds = Counter(json.loads(line)["type"] for line in lines)
    assert kinds == {"index-pattern": 1, "lens": 8, "search": 1, "dashboard": 1}


def test_ids_are_unique() -> None:
    ids = [(o["type"], o["id"]) for o in kibana.saved_objects()]
    assert len(ids) == len(set(ids))
    assert len({i for _, i in ids}) == len(ids)


def test_every_reference_resolves_to_an_object_in_the_file() -> None:
    objects = kibana.saved_objects()
    present = {(o["type"], o["id"]) for o in objects}
    refs = [(o["id"], r) for o in objects for r in o["references"]]
    # one per lens layer, one per lens filter, the search's data view, nine dashboard panels
    assert len(refs) == 8 + 5 + 1 + 9
    for owner, ref in refs:
        assert (ref["type"], ref["id"]) in present, f"{owner}: reference {ref} has no object"


def test_references_are_named_the_way_kibana_looks_them_up() -> None:
    for lens in _by_type("lens"):
        names = {r["name"] for r in lens["references"]}
        layers = lens["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]
        filters = lens["attributes"]["state"]["filters"]
        assert names == {f"indexpattern-datasource-layer-{layer}" for layer in layers} | {
            f["meta"]["indexRefName"] for f in filters
        }
        # Lens names a filter's data view reference by the filter's position
        assert [f["meta"]["indexRefName"] for f in filters] == [
            f"filter-index-pattern-{i}" for i in range(len(filters))
        ]
        visualization = lens["attributes"]["state"]["visualization"]
        # an XY chart lists its layers; a table or a pie is one layer, named in the state itself
        for layer in visualization.get("layers") or [visualization]:
            assert layer["layerId"] in layers
    (search,) = _by_type("search")
    source = json.loads(search["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
    assert source["indexRefName"] in {r["name"] for r in search["references"]}
    (dashboard,) = _by_type("dashboard")
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    ref_names = {r["name"]: r for r in dashboard["references"]}
    for panel in panels:
        ref = ref_names[f"{panel['panelIndex']}:{panel['panelRefName']}"]
        assert ref["type"] == panel["type"]
    assert {r["id"] for r in dashboard["references"]} == {o["id"] for o in [*_by_type("lens"), search]}


def test_data_view_is_on_the_quotes_alias_with_a_time_field_every_quote_has() -> None:
    (view,) = _by_type("index-pattern")
    assert view["attributes"]["title"] == "quotes"
    assert view["attributes"]["timeFieldName"] == "timestamp"  # published_at, else indexed_at
    assert _mapping_types()["timestamp"] == "date"


def test_the_dashboard_opens_on_a_stored_range_of_years_not_the_last_15_minutes() -> None:
    (dashboard,) = _by_type("dashboard")
    attributes = dashboard["attributes"]
    assert attributes["timeRestore"] is True
    assert attributes["timeTo"] == "now"
    years = re.fullmatch(r"now-(\d+)y", attributes["timeFrom"])
    assert years is not None and int(years[1]) >= 10
    assert kibana.dashboard_time_range() == kibana.TimeRange("timestamp", attributes["timeFrom"], "now")


# The newest migration version Kibana 8.19 knows for each type: a newer one fails the whole import.
NEWEST_KNOWN = {"index-pattern": "8.0.0", "lens": "8.9.0", "dashboard": "8.9.0", "search": "8.0.0"}
NEWEST_CORE = "8.8.0"


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_versions_are_within_what_kibana_8_19_knows() -> None:
    for obj in kibana.saved_objects():
        known = NEWEST_KNOWN[obj["type"]]
        assert _version(obj["typeMigrationVersion"]) <= _version(known), (
            f"{obj['id']}: typeMigrationVersion {obj['typeMigrationVersion']} is newer than the {known} "
            f"Kibana 8.19 knows for {obj['type']}; its import would fail for every object"
        )
        assert _version(obj["coreMigrationVersion"]) <= _version(NEWEST_CORE), (
            f"{obj['id']}: coreMigrationVersion {obj['coreMigrationVersion']} is newer than {NEWEST_CORE}"
        )


def test_every_aggregated_field_exists_with_an_aggregatable_type() -> None:
    types = _mapping_types()
    queries = kibana.panel_queries()
    assert len(queries) == 8
    for query in queries:
        assert query.fields(), query.id
        for name in query.fields():
            assert name in types, f"{query.title}: {name} is not in the quotes mapping"
            assert types[name] in AGGREGATABLE, f"{query.title}: {name} is {types[name]}, not aggregatable"
    # every Lens column's source field is covered, not only those panel_queries picked up
    for lens in _by_type("lens"):
        for layer in lens["attributes"]["state"]["datasourceStates"]["formBased"]["layers"].values():
            for column in layer["columns"].values():
                if column["sourceField"] != kibana.COUNT_FIELD:
                    assert types.get(column["sourceField"]) in AGGREGATABLE


def test_saved_search_columns_and_sort_exist_in_the_mapping() -> None:
    types = _mapping_types()
    (search,) = _by_type("search")
    columns = search["attributes"]["columns"]
    assert columns == ["speaker.name", "quote", "article.outlet", "article.published_at"]
    for column in columns:
        assert column in types
    for sort_field, _ in search["attributes"]["sort"]:
        assert types[sort_field] in AGGREGATABLE


def test_a_broken_saved_objects_file_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ndjson"
    bad.write_text('{"id": "a", "type": "lens", "attributes": {}}\n{not json\n')
    with pytest.raises(KibanaError, match=r"bad\.ndjson:2: invalid JSON"):
        kibana.saved_objects(bad)


# --------------------------------------------------------------------------- panels on the real node


@pytest.fixture(scope="module")
def samples_index(es_client: Any) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """samples/ extracted and indexed with the library into a fresh alias; the alias and the records."""
    from indexer.extract.engine import Extractor
    from indexer.model import Article
    from indexer.reading.articles import iter_articles

    alias = f"t-kibana-{uuid.uuid4().hex[:8]}"
    names = store.ensure_indices(es_client, alias)
    extractor = Extractor()
    results = list(extractor.extract(a for a in iter_articles([str(SAMPLES)]) if isinstance(a, Article)))
    records = [r for result in results for r in result.records()]
    report = store.index_stream(es_client, results, names=names)
    assert report.ok and report.indexed == len(records)
    es_client.indices.refresh(index=alias)
    yield alias, records
    drop_aliases(es_client, alias, names.articles_alias)


def _panel(title: str) -> kibana.PanelQuery:
    (query,) = [q for q in kibana.panel_queries() if q.title == title]
    return query


def _run(
    client: Any, alias: str, query: kibana.PanelQuery, time_range: kibana.TimeRange | None = None
) -> list[tuple[Any, ...]]:
    """The panel's buckets as a user sees them: under the dashboard's stored time range."""
    body = query.body(time_range or kibana.dashboard_time_range())
    return query.rows(client.search(index=alias, **body).body)


@pytest.mark.es
def test_panel_most_quoted_speakers(es_client: Any, samples_index: tuple[str, list[dict[str, Any]]]) -> None:
    alias, records = samples_index
    rows = _run(es_client, alias, _panel("Most quoted speakers"))
    got = [(name, values["count-col"]) for name, values in rows]
    named = [r for r in records if r["speaker"]["name"] and not r["speaker"]["anonymous"]]
    expected = Counter(n for r in named for n in joint_names(r["speaker"]))  # each of a joint statement
    # the panel's own filter keeps unnamed sources ("a city official") out of the ranking
    unnamed = {r["speaker"]["name"] for r in records if r["speaker"]["name"] and r["speaker"]["anonymous"]}
    assert unnamed and not unnamed & {name for name, _ in got}
    # the three sample speakers quoted most (Webb's "said ... and warned" is two statements); exact
    # counts follow the extractor, so they come from it
    assert {name for name, _ in got[:3]} == {"Marcus Webb", "Miriam Okafor", "Rosa Delgado"}
    assert got[0][1] == got[1][1] == got[2][1] == expected["Miriam Okafor"] >= 3
    assert got == sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))[:10]  # ties: by name
    # Okafor is quoted in harbor-strike.txt, which has no date: still on the dashboard


@pytest.mark.es
def test_undated_quotes_were_invisible_under_a_publication_date_time_field(
    es_client: Any, samples_index: tuple[str, list[dict[str, Any]]]
) -> None:
    alias, records = samples_index
    old = kibana.TimeRange("article.published_at", "now-15y", "now")
    got = dict(_run(es_client, alias, _panel("Most quoted speakers"), old))
    undated = {r["speaker"]["name"] for r in records if not r["article"]["published_at"]}
    dated = {r["speaker"]["name"] for r in records if r["article"]["published_at"]}
    assert "Miriam Okafor" in undated - dated and "Miriam Okafor" not in got


@pytest.mark.es
def test_every_quote_has_a_time_publication_date_or_else_load_time(
    es_client: Any, samples_index: tuple[str, list[dict[str, Any]]]
) -> None:
    alias, records = samples_index
    hits = es_client.search(index=alias, size=1000, query={"match_all": {}}).body["hits"]["hits"]
    assert len(hits) == len(records)
    for hit in hits:
        doc = hit["_source"]
        assert doc["timestamp"] == (doc["article"]["published_at"] or doc["indexed_at"])


@pytest.mark.es
def test_panel_quote_types(es_client: Any, samples_index: tuple[str, list[dict[str, Any]]]) -> None:
    alias, records = samples_index
    got = {t: v["count-col"] for t, v in _run(es_client, alias, _panel("Quote types"))}
    assert set(got) == {"direct", "indirect", "mixed"}
    assert got == Counter(r["type"] for r in records)
    assert sum(got.values()) == len(records) >= 25


@pytest.mark.es
def test_panel_source_kinds(es_client: Any, samples_index: tuple[str, list[dict[str, Any]]]) -> None:
    alias, records = samples_index
    got = {k: v["count-col"] for k, v in _run(es_client, alias, _panel("Source kinds"))}
    assert got == Counter(r["speaker"]["kind"] for r in records)
    assert {"person", "organization", "document", "unnamed_person", "unnamed_group"} <= set(got)


@pytest.mark.es
def test_panel_quotes_per_outlet(es_client: Any, samples_index: tuple[str, list[dict[str, Any]]]) -> None:
    alias, records = samples_index
    got = {k: v["count-col"] for k, v in _run(es_client, alias, _panel("Quotes per outlet"))}
    expected = Counter(r["article"]["outlet"].lower() for r in records if r["article"]["outlet"])
    assert got == expected
    assert set(got) == {"riverside ledger", "valley courier"}  # keyword with a lowercase normalizer


@pytest.mark.es
def test_panel_share_of_anonymous_sources(
    es_client: Any, samples_index: tuple[str, list[dict[str, Any]]]
) -> None:
    alias, records = samples_index
    rows = _run(es_client, alias, _panel("Share of anonymous sources over time"))
    per_month: dict[str, dict[str, int]] = {}
    for month, anonymous, values in rows:
        per_month.setdefault(month[:7], {})[anonymous] = values["count-col"]
    share = {m: c.get("true", 0) / sum(c.values()) for m, c in per_month.items()}
    expected: dict[str, Counter[bool]] = {}
    for r in records:
        if r["article"]["published_at"]:
            expected.setdefault(r["article"]["published_at"][:7], Counter())[r["speaker"]["anonymous"]] += 1
    assert share == {m: c[True] / c.total() for m, c in expected.items()}
    assert set(share) == {"2026-03", "2026-04"}  # harbor-strike has no date: outside the histogram
    assert all(0 < s < 0.5 for s in share.values())


# --------------------------------------------------------------------------- import (stand-in server)


def _file_part(request: dict[str, Any]) -> tuple[str | None, str | None, bytes]:
    """(part name, file name, content) of the single multipart part."""
    raw = f"Content-Type: {request['headers']['Content-Type']}\r\n\r\n".encode() + request["body"]
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    (part,) = list(message.iter_parts())  # type: ignore[attr-defined]
    name = part.get_param("name", header="content-disposition")
    return name, part.get_filename(), part.get_payload(decode=True)


def test_stand_in_import_sends_multipart_with_xsrf_header_and_overwrite(stand_in: Any) -> None:
    server = stand_in()
    answer = kibana.import_objects(server.url, api_key="a2V5OnNlY3JldA==")
    assert answer == {"success": True, "successCount": 8, "errors": []}
    (request,) = server.requests
    assert request["path"] == "/api/saved_objects/_import?overwrite=true"
    assert request["headers"]["kbn-xsrf"] == "true"
    assert request["headers"]["Authorization"] == "ApiKey a2V5OnNlY3JldA=="
    assert request["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    name, filename, content = _file_part(request)
    assert name == "file"
    assert filename is not None and filename.endswith(".ndjson")
    assert [json.loads(line) for line in content.decode().splitlines()] == kibana.saved_objects()


def test_stand_in_import_keeps_a_space_path_and_basic_auth_from_the_url(stand_in: Any) -> None:
    server = stand_in()
    url = server.url.replace("http://", "http://kib%40user:pa%3Ass@") + "/s/newsroom/"
    kibana.import_objects(url, overwrite=False)
    (request,) = server.requests
    assert request["path"] == "/s/newsroom/api/saved_objects/_import"
    assert request["headers"]["Authorization"] == "Basic a2liQHVzZXI6cGE6c3M="  # kib@user:pa:ss


def test_stand_in_import_retries_5xx_then_succeeds(stand_in: Any) -> None:
    server = stand_in([503, 502])
    answer = kibana.import_objects(server.url, attempts=3, backoff=0.01)
    assert answer["successCount"] == 8
    assert len(server.requests) == 3


def test_stand_in_import_refused_credentials_is_one_line_without_secrets(stand_in: Any) -> None:
    server = stand_in([401])
    url = server.url.replace("http://", "http://elastic:hunter2@")
    with pytest.raises(KibanaError) as info:
        kibana.import_objects(url, attempts=3, backoff=0.01)
    message = str(info.value)
    assert "refused the credentials" in message and "\n" not in message
    assert "hunter2" not in message and "elastic:" not in message
    assert len(server.requests) == 1  # a 401 is not retried


def test_import_into_nothing_listening_is_one_line_error() -> None:
    url = f"http://user:s3cret@127.0.0.1:{free_port()}"
    with pytest.raises(KibanaError) as info:
        kibana.import_objects(url, attempts=2, backoff=0.01)
    message = str(info.value)
    assert message.startswith(f"cannot import into Kibana at http://127.0.0.1:{url.rsplit(':', 1)[1]}/api/")
    assert "after 2 attempts" in message and "s3cret" not in message and "\n" not in message


@pytest.mark.es
def test_panel_anonymous_sources_by_type(
    es_client: Any, samples_index: tuple[str, list[dict[str, Any]]]
) -> None:
    alias, records = samples_index
    rows = _run(es_client, alias, _panel("Anonymous sources by type over time"))
    got = Counter({(month[:7], kind): values["count-col"] for month, kind, values in rows})
    expected = Counter(
        (r["article"]["published_at"][:7], r["speaker"]["anonymous_type"])
        for r in records
        if r["speaker"]["anonymous"] and r["article"]["published_at"]
    )
    assert got == expected and sum(got.values()) >= 2


@pytest.mark.es
def test_panel_reasons_for_anonymity_by_outlet(
    es_client: Any, samples_index: tuple[str, list[dict[str, Any]]]
) -> None:
    alias, records = samples_index
    rows = _run(es_client, alias, _panel("Reasons given for anonymity, by outlet"))
    got = Counter({(outlet, reason): values["count-col"] for outlet, reason, values in rows})
    expected = Counter(
        ((r["article"]["outlet"] or "").lower(), r["speaker"]["anonymity_reason_type"])
        for r in records
        if r["speaker"]["anonymity_reason_type"] and r["article"]["outlet"]
    )
    assert got == expected and sum(got.values()) >= 1
