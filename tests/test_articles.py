"""Reading article collections: formats, exact text, failures, folders, stdin, sharding.

All article text here is made up for the tests.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from indexer.model import Article
from indexer.reading.articles import ReadFailure, Unsupported, content_id, iter_articles, split_authors
from indexer.reading.selection import in_shard, parse_shard, shard_of

STORY = 'The bridge will reopen in May, the mayor said. "We are nearly done," she added.\n'


def read(
    *paths: Path | str, stdin: io.StringIO | io.BytesIO | None = None, id_root: Path | None = None
) -> list[Article | ReadFailure | Unsupported]:
    return list(
        iter_articles([str(p) for p in paths], stdin=stdin, id_root=str(id_root) if id_root else None)
    )


def articles(items: list[Article | ReadFailure]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def failures(items: list[Article | ReadFailure]) -> list[ReadFailure]:
    return [i for i in items if isinstance(i, ReadFailure)]


def only_article(items: list[Article | ReadFailure]) -> Article:
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def only_failure(items: list[Article | ReadFailure]) -> ReadFailure:
    assert len(items) == 1 and isinstance(items[0], ReadFailure), items
    return items[0]


# --------------------------------------------------------------------------- .txt


def test_txt_id_is_file_stem_and_text_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "bridge-story.txt"
    path.write_text(STORY, encoding="utf-8")
    art = only_article(read(path))
    assert art.id == "bridge-story"
    assert art.text == STORY
    assert art.origin == str(path)


def test_txt_crlf_is_preserved_and_offsets_index_it(tmp_path: Path) -> None:
    raw = 'First line.\r\n"Keep going," said Ana Ruiz.\r\n'
    path = tmp_path / "crlf.txt"
    path.write_bytes(raw.encode("utf-8"))
    art = only_article(read(path))
    assert art.text == raw
    start = raw.index('"Keep')
    assert art.text[start : start + len('"Keep going,"')] == '"Keep going,"'
    assert art.text.count("\r\n") == 2


def test_txt_nbsp_and_unicode_spaces_are_preserved(tmp_path: Path) -> None:
    raw = "Mr.\u00a0Okafor said the fee\u2009is 10\u202f%.\n"
    path = tmp_path / "spaces.txt"
    path.write_bytes(raw.encode("utf-8"))
    assert only_article(read(path)).text == raw


def test_txt_utf8_bom_is_removed_by_decoding(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + STORY.encode("utf-8"))
    assert only_article(read(path)).text == STORY


def test_explicit_file_with_unknown_extension_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(STORY, encoding="utf-8")
    art = only_article(read(path))
    assert (art.id, art.text) == ("notes", STORY)


def test_ids_are_paths_below_the_id_root_whatever_folder_is_named(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / "coll" / folder).mkdir(parents=True)
        (tmp_path / "coll" / folder / "story.txt").write_text(f"Story from {folder}.", encoding="utf-8")
    whole = [a.id for a in articles(read(tmp_path / "coll", id_root=tmp_path))]
    assert whole == ["coll/a/story", "coll/b/story"]
    # indexing one folder later, or one file, gives the same ids: nothing is overwritten or duplicated
    assert [a.id for a in articles(read(tmp_path / "coll" / "b", id_root=tmp_path))] == ["coll/b/story"]
    assert [a.id for a in articles(read(tmp_path / "coll/b/story.txt", id_root=tmp_path))] == ["coll/b/story"]


def test_the_id_root_defaults_to_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "coll" / "a").mkdir(parents=True)
    (tmp_path / "coll" / "a" / "story.txt").write_text(STORY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert [a.id for a in articles(read("coll"))] == ["coll/a/story"]
    assert [a.id for a in articles(read("coll/a"))] == ["coll/a/story"]
    monkeypatch.chdir(tmp_path / "coll")
    assert [a.id for a in articles(read(tmp_path / "coll"))] == ["a/story"]


def test_two_different_articles_with_one_id_are_an_error_naming_both(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(f"Story from {folder}.", encoding="utf-8")
    # outside the id root, files take their path below the folder named: both are "story"
    items = read(tmp_path / "a", tmp_path / "b", id_root=tmp_path / "elsewhere")
    assert [a.id for a in articles(items)] == ["story"]
    (failure,) = failures(items)
    assert failure.origin == str(tmp_path / "b" / "story.txt")
    assert str(tmp_path / "a" / "story.txt") in failure.reason and "--id-root" in failure.reason
    (tmp_path / "a" / "story.text").write_text("Another story.", encoding="utf-8")
    (failure,) = failures(read(tmp_path / "a"))
    assert "story.t" in failure.reason and "rename one" in failure.reason
    # the same article twice under one id is not an error
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "story.txt").write_text("Story from a.", encoding="utf-8")
    assert failures(read(tmp_path / "a" / "story.txt", tmp_path / "c" / "story.txt")) == []


def test_urls_and_id_fields_are_ids(tmp_path: Path) -> None:
    lines = [{"text": "One.", "url": "https://example.test/one"}, {"text": "Two.", "id": "two", "url": "x"}]
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert [a.id for a in articles(read(path))] == ["https://example.test/one", "two"]


def test_same_file_named_twice_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "once.txt"
    path.write_text(STORY, encoding="utf-8")
    assert len(read(path, tmp_path)) == 1


# --------------------------------------------------------------------------- JSON


def test_json_single_object_with_metadata(tmp_path: Path) -> None:
    record = {
        "id": "harbor-1",
        "body": STORY,
        "title": "Bridge to reopen",
        "url": "https://example.test/bridge",
        "source": "Example Gazette",
        "date": "2024-05-01",
        "authors": "Lena Park, Tomas Vidal and Ruth Obi",
    }
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    art = only_article(read(path))
    assert art.id == "harbor-1"
    assert art.text == STORY
    assert art.title == "Bridge to reopen"
    assert art.url == "https://example.test/bridge"
    assert art.outlet == "Example Gazette"
    assert art.published_at == "2024-05-01"
    assert art.authors == ["Lena Park", "Tomas Vidal", "Ruth Obi"]


def test_json_list_gives_one_article_per_object_with_default_ids(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([{"text": "First story."}, {"content": "Second story.", "id": 7}]))
    arts = articles(read(path))
    assert [(a.id, a.text) for a in arts] == [("batch-0", "First story."), ("7", "Second story.")]
    assert arts[0].origin == f"{path}[0]"


def test_json_text_keeps_escaped_crlf_exactly(tmp_path: Path) -> None:
    path = tmp_path / "crlf.json"
    path.write_text(json.dumps({"text": "One.\r\nTwo."}))
    assert only_article(read(path)).text == "One.\r\nTwo."


def test_invalid_json_file_is_one_failure(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"text": "unterminated', encoding="utf-8")
    fail = only_failure(read(path))
    assert fail.origin == str(path)
    assert fail.reason.startswith("invalid JSON: ")


def test_jsonl_malformed_line_fails_alone_and_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps({"text": "Line one story."}), "{not json", json.dumps({"text": "Line three story."})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read(path)
    assert [type(i) for i in items] == [Article, ReadFailure, Article]
    fail = failures(items)[0]
    assert fail.origin == f"{path}:2"
    assert fail.reason.startswith("invalid JSON: ")
    assert [(a.id, a.origin) for a in articles(items)] == [("feed-1", f"{path}:1"), ("feed-3", f"{path}:3")]


def test_jsonl_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "gaps.ndjson"
    path.write_text('\n{"text": "After a gap."}\n\n', encoding="utf-8")
    art = only_article(read(path))
    assert (art.id, art.origin) == ("gaps-2", f"{path}:2")


def test_jsonl_invalid_utf8_line_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = b'{"text": "Fine."}\n'
    path.write_bytes(good + b'{"text": "caf\xe9"}\n' + good)
    items = read(path)
    fail = failures(items)
    assert len(articles(items)) == 2 and len(fail) == 1
    assert fail[0].origin == f"{path}:2"
    bad_at = len(good) + len(b'{"text": "caf')
    assert f"at byte {bad_at};" in fail[0].reason


def test_object_without_text_field_is_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "notext.jsonl"
    path.write_text(json.dumps({"title": "Headline only"}) + "\n", encoding="utf-8")
    fail = only_failure(read(path))
    assert fail == ReadFailure(f"{path}:1", "no 'text' field")


def test_json_whitespace_only_text_is_empty_article(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_text(json.dumps({"text": " \n "}) + "\n", encoding="utf-8")
    assert only_failure(read(path)).reason == "empty article"


def test_authors_list_is_kept_and_byline_string_is_split() -> None:
    assert split_authors(["Holt, Mira", "Pell"]) == ["Holt, Mira", "Pell"]
    assert split_authors("By Mira Holt and Jonas Anderson") == ["Mira Holt", "Jonas Anderson"]
    assert split_authors(None) == []


# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html><head>
<title>Library Hours Extended | Riverside Courier</title>
<meta name="author" content="Nadia Quell">
<meta property="article:published_time" content="2023-11-14T08:30:00Z">
<meta property="og:site_name" content="Riverside Courier">
</head><body>
<nav><a href="/">Home</a> <a href="/local">Local</a></nav>
<article>
<h1>Library Hours Extended</h1>
<p>The town library will stay open until nine on weekdays starting next month, the board announced.</p>
<p>"Students asked for quiet evening space and we listened," said board chair Emil Vasko on Monday.</p>
<p>The extra hours will be paid for from a small reading grant awarded earlier this year.</p>
</article>
<footer>All rights reserved.</footer>
</body></html>
"""


def test_html_text_and_metadata_come_from_trafilatura(tmp_path: Path) -> None:
    path = tmp_path / "library.html"
    path.write_text(PAGE, encoding="utf-8")
    art = only_article(read(path))
    assert art.id == "library"
    assert "Students asked for quiet evening space and we listened" in art.text
    assert "All rights reserved" not in art.text
    assert art.title == "Library Hours Extended"
    assert art.authors == ["Nadia Quell"]
    assert art.published_at == "2023-11-14"
    assert art.outlet == "Riverside Courier"


def test_html_without_article_text_is_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "shell.htm"
    path.write_text("<html><head><title>x</title></head><body></body></html>", encoding="utf-8")
    assert only_failure(read(path)).reason == "no article text found in HTML"


# --------------------------------------------------------------------------- bad input


def test_empty_file_is_empty_article(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert only_failure(read(path)) == ReadFailure(str(path), "empty article")


def test_whitespace_only_file_is_empty_article(tmp_path: Path) -> None:
    path = tmp_path / "spaces.txt"
    path.write_text(" \r\n\t\n", encoding="utf-8")
    assert only_failure(read(path)).reason == "empty article"


def test_binary_file_with_nul_bytes_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"abc\x00\x01\x02" * 100)
    assert only_failure(read(path)).reason == "binary file, not text"


def test_binary_signature_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\nsome text")
    assert only_failure(read(path)).reason == "binary file, not text"


def test_invalid_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Caf\xe9 au lait.")
    fail = only_failure(read(path))
    assert fail.reason == "not valid UTF-8 at byte 3; re-encode the file as UTF-8"


def test_missing_path_is_a_failure_and_others_still_read(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(STORY, encoding="utf-8")
    missing = tmp_path / "nope.txt"
    items = read(missing, good)
    assert items[0] == ReadFailure(str(missing), "no such file or folder")
    assert isinstance(items[1], Article) and items[1].id == "good"


def test_bad_files_in_a_folder_do_not_stop_the_walk(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"\x00\x00")
    (tmp_path / "c.txt").write_text(STORY, encoding="utf-8")
    items = read(tmp_path)
    assert [type(i) for i in items] == [ReadFailure, ReadFailure, Article]


# --------------------------------------------------------------------------- folders


def test_folder_walk_is_sorted_recursive_and_filters_extensions(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Bee story.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Ay story.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.json").write_text(json.dumps({"text": "Sea story."}), encoding="utf-8")
    (tmp_path / "sub" / "d.jsonl").write_text(json.dumps({"text": "Dee story."}) + "\n", encoding="utf-8")
    (tmp_path / "z.htm").write_text(PAGE, encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (tmp_path / "notes.md").write_text("Not taken from a folder: a README is no article.", encoding="utf-8")
    (tmp_path / "notes.text").write_text("A .text file is.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "e.txt").write_text("Hidden too.", encoding="utf-8")
    (tmp_path / "story.xml").write_text("<story>Not read.</story>", encoding="utf-8")
    (tmp_path / "NOTES").write_text("No extension: not taken from a folder.", encoding="utf-8")
    items = read(tmp_path)
    assert failures(items) == []
    assert [a.id for a in articles(items)] == ["a", "b", "notes", "sub/c", "sub/d-1", "z"]
    unsupported = [i.origin for i in items if isinstance(i, Unsupported)]
    assert unsupported == [str(tmp_path / n) for n in ("NOTES", "notes.md", "photo.jpg", "story.xml")]
    # named by themselves, any file is read as text
    named = articles(read(tmp_path / "NOTES", tmp_path / "notes.md"))
    assert [a.id for a in named] == ["NOTES", "notes"]


# --------------------------------------------------------------------------- stdin


def test_stdin_plain_text_is_one_article_named_by_its_content() -> None:
    art = only_article(read("-", stdin=io.StringIO("  Plain story.\r\nSecond line.\n")))
    assert (art.id, art.origin) == (content_id("  Plain story.\r\nSecond line.\n"), "stdin")
    assert art.id.startswith("text-") and len(art.id) == 21
    assert art.text == "  Plain story.\r\nSecond line.\n"


def test_stdin_bytes_plain_text_keeps_crlf() -> None:
    art = only_article(read("-", stdin=io.BytesIO("Caf\u00e9 story.\r\nEnd.\r\n".encode())))
    assert art.text == "Caf\u00e9 story.\r\nEnd.\r\n"


def test_stdin_json_lines_text_stream() -> None:
    data = "\n" + json.dumps({"text": "One."}) + "\n{bad\n" + json.dumps({"text": "Three.", "id": "x"}) + "\n"
    items = read("-", stdin=io.StringIO(data))
    assert [(a.id, a.text) for a in articles(items)] == [(content_id("One."), "One."), ("x", "Three.")]
    assert [f.origin for f in failures(items)] == ["stdin:3"]


def test_stdin_json_lines_byte_stream() -> None:
    data = (json.dumps({"text": "One."}) + "\n" + json.dumps({"body": "Two."}) + "\n").encode()
    items = read("-", stdin=io.BytesIO(data))
    assert [a.text for a in articles(items)] == ["One.", "Two."]


def test_stdin_empty_is_a_failure() -> None:
    assert only_failure(read("-", stdin=io.BytesIO(b" \n"))) == ReadFailure("stdin", "empty article")


# --------------------------------------------------------------------------- scale


def test_five_megabyte_article_reads_quickly(tmp_path: Path) -> None:
    sentence = '"The plan is sound," said Ines Marlow of the district office. '
    body = sentence * (5_000_000 // len(sentence) + 1)
    (tmp_path / "big.txt").write_text(body, encoding="utf-8")
    (tmp_path / "big.jsonl").write_text(json.dumps({"text": body}) + "\n", encoding="utf-8")
    started = time.perf_counter()
    arts = articles(read(tmp_path / "big.txt", tmp_path / "big.jsonl"))
    elapsed = time.perf_counter() - started
    assert [len(a.text) for a in arts] == [len(body), len(body)]
    assert elapsed < 5.0


# --------------------------------------------------------------------------- sharding


def test_sharding_is_a_deterministic_disjoint_cover() -> None:
    ids = [f"article-{i}" for i in range(500)]
    n = 4
    shards = {k: {i for i in ids if in_shard(i, k, n)} for k in range(1, n + 1)}
    assert set().union(*shards.values()) == set(ids)
    assert sum(len(s) for s in shards.values()) == len(ids)
    assert all(len(s) > 50 for s in shards.values())  # roughly balanced
    assert [shard_of(i, n) for i in ids] == [shard_of(i, n) for i in ids]
    assert shard_of("article-1", 4) == 0  # pinned: stable across runs and machines


def test_parse_shard_accepts_k_of_n() -> None:
    assert parse_shard("2/4") == (2, 4)
    assert parse_shard(" 1 / 1 ") == (1, 1)


@pytest.mark.parametrize("spec", ["", "2", "0/4", "5/4", "2/0", "a/b", "-1/4", "2/4/8"])
def test_parse_shard_rejects_bad_input_with_a_clear_message(spec: str) -> None:
    with pytest.raises(ValueError, match="shard"):
        parse_shard(spec)


def test_in_shard_rejects_out_of_range_shard_number() -> None:
    with pytest.raises(ValueError, match="between 1 and 4"):
        in_shard("x", 0, 4)
