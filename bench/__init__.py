"""Measurements behind the scaling targets (issue 5): each function runs one thing and returns figures.

`python -m bench` (see `bench.__main__`) runs them all in one process and prints the ratios. The corpus
is read where it lies (never copied into the repository); repeated or generated corpora are written to a
temporary folder as JSON Lines.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEV_SET = REPO.parent / "shared" / "eval" / "polnear-dev"


@dataclass
class Timing:
    seconds: float
    cpu: float  # user + system seconds of this process and its finished children
    units: int  # words or documents

    @property
    def rate(self) -> float:
        return self.units / self.seconds if self.seconds else 0.0


class Clock:
    """Wall and CPU time of a block, children included (worker processes are joined inside it)."""

    def __enter__(self) -> Clock:
        self.wall = time.perf_counter()
        self.cpu0 = _cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.wall
        self.cpu = _cpu() - self.cpu0

    def timing(self, units: int) -> Timing:
        return Timing(self.seconds, self.cpu, units)


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


# --------------------------------------------------------------------------- corpus


def read_corpus(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """(id, text) of every article under `path`."""
    from indexer.model import Article
    from indexer.reading.articles import iter_articles

    return [(a.id, a.text) for a in iter_articles([str(path)], id_root=str(path)) if isinstance(a, Article)]


_PEOPLE = ["Mira Holt", "Tomas Varga", "Lena Okafor", "Ravi Menon", "Ines Duarte", "Piet Janssen"]
_ROLES = ["the harbor master", "a city council member", "the union's lawyer", "the transport minister"]
_CLAUSES = [
    "the new ferry line would open before the winter",
    "the budget for the bridge repairs had doubled since March",
    "the council had not seen the final report",
    "the strike at the container terminal could last for weeks",
    "nobody expected the fares to rise again this year",
]
_FILLER = [
    "The harbor district has grown quickly over the last decade.",
    "Three container ships were waiting outside the port on Tuesday morning.",
    "The old ferry terminal was built in 1962 and renovated in 1998.",
    "Traffic on the coastal road slowed to a crawl during the evening rush.",
    "The city owns most of the land along the northern quay.",
    "Rents in the neighborhood have risen by a third since the new tram line opened.",
    "A second crane is due to arrive from Rotterdam in the spring.",
]


def generated_article(rng: random.Random, paragraphs: int = 12) -> str:
    """A self-written news-like article: about half of the paragraphs hold a quote or a cue."""
    out: list[str] = []
    for _ in range(paragraphs):
        person, role = rng.choice(_PEOPLE), rng.choice(_ROLES)
        kind = rng.random()
        if kind < 0.25:
            out.append(f"“{rng.choice(_CLAUSES).capitalize()},” said {person}, {role}.")
        elif kind < 0.5:
            out.append(f"{person}, {role}, said {rng.choice(_CLAUSES)}. {rng.choice(_FILLER)}")
        else:
            out.append(" ".join(rng.sample(_FILLER, 3)))
    return "\n\n".join(out) + "\n"


def generated_corpus(n: int, seed: int = 5) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [(f"gen-{i:06d}", generated_article(rng)) for i in range(n)]


def write_corpus(articles: list[tuple[str, str]], path: Path, repeat: int = 1) -> Path:
    """JSON Lines of the articles, `repeat` times with distinct ids (``ID#2``...)."""
    with path.open("w", encoding="utf-8") as f:
        for k in range(repeat):
            for article_id, text in articles:
                aid = article_id if k == 0 else f"{article_id}#{k + 1}"
                f.write(json.dumps({"id": aid, "text": text}, ensure_ascii=False) + "\n")
    return path


def words(articles: list[tuple[str, str]]) -> int:
    return sum(len(text.split()) for _, text in articles)


# --------------------------------------------------------------------------- extraction


def bare_spacy(
    model: str, texts: list[str], workers: int, batch_size: int, vector_rules: bool = False
) -> Timing:
    """Plain `nlp.pipe` over the texts with all the model's components (load included, as for ours);
    with `vector_rules`, with the attribute ruler extraction uses (`indexer.extract.attribute_rules`)."""
    import spacy

    from indexer.extract.attribute_rules import vectorize

    with Clock() as clock:
        nlp = spacy.load(model, exclude=["senter"])
        if vector_rules:
            vectorize(nlp)
        for _ in nlp.pipe(texts, n_process=workers, batch_size=batch_size):
            pass
    return clock.timing(sum(len(t.split()) for t in texts))


@dataclass
class ExtractRun:
    timing: Timing
    attributions: int
    output: Path


def extract(model: str, corpus: Path, output: Path, workers: int) -> ExtractRun:
    """What `quotes extract CORPUS -o OUTPUT --workers N` does (pipeline load included)."""
    from indexer.extract.engine import Extractor
    from indexer.run import RunSummary, articles_of, extracted, write_jsonl

    summary = RunSummary()
    with (
        Clock() as clock,
        Extractor(model, workers=workers) as extractor,
        output.open("w", encoding="utf-8") as out,
    ):
        write_jsonl(extracted(extractor.extract(articles_of([str(corpus)], summary)), summary), out, summary)
    return ExtractRun(clock.timing(summary.words), summary.quotes, output)


def extraction_rate(model: str, texts: list[str], workers: int, dask: str | None = None) -> Timing:
    """Words/s of `Extractor.extract` over `texts`, locally with `workers` processes or on the Dask
    scheduler at `dask`, after a first small run (the workers have loaded the pipeline): the steady
    state of a long run, where starting the workers is paid once."""
    from indexer.extract.engine import Extractor
    from indexer.model import Article

    articles = [Article(f"b{i}", t) for i, t in enumerate(texts)]
    with Extractor(model, workers=workers, dask=dask) as extractor:
        for _ in extractor.extract(articles[: 4 * max(1, workers)]):
            pass
        with Clock() as clock:
            for _ in extractor.extract(articles):
                pass
    return clock.timing(sum(len(t.split()) for t in texts))


def quality(gold: Path, predictions: Path) -> dict[str, Any]:
    from indexer.evaluate import load_gold, read_predictions, score

    return score(load_gold(gold), read_predictions(predictions))


# --------------------------------------------------------------------------- Elasticsearch


class Node:
    """The real local node (indexer.esnode) on a free port with its data in `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.data_dir = data_dir

    def __enter__(self) -> Node:
        from indexer import esnode

        self.url = esnode.start(self.port, self.data_dir).url
        return self

    def __exit__(self, *exc: object) -> None:
        from indexer import esnode

        esnode.stop(self.port, self.data_dir)


@dataclass
class IndexRun:
    timing: Timing  # the whole of `quotes index`: extract, load, then the name merge
    merge_seconds: float  # of which the pass that merges speaker names across articles
    names_merged: int


def index(model: str, url: str, corpus: Path, workers: int, alias: str, dead_letter: Path) -> IndexRun:
    """What `quotes index CORPUS --workers N` does, into a fresh alias; documents sent per second."""
    from indexer import store
    from indexer.es.canonical import merge_speakers
    from indexer.extract.engine import Extractor
    from indexer.reading.articles import iter_articles

    client = store.connect(url)
    names = store.ensure_indices(client, alias)
    with Clock() as clock:
        with Extractor(model, workers=workers) as extractor:
            report = store.index_articles(
                client, iter_articles([str(corpus)]), extractor.extract, names=names, dead_letter=dead_letter
            )
        with Clock() as merge_clock:
            merged = merge_speakers(client, names.quotes_alias, names.articles_alias)
    if not report.ok or not merged.load.ok:
        raise RuntimeError(f"bench index run failed: {(report.problems + merged.load.problems)[:3]}")
    return IndexRun(clock.timing(report.indexed + report.articles_indexed), merge_clock.seconds, merged.names)


def repeated_records(source: Path, target: Path, docs: int) -> int:
    """`quotes extract` records copied (with new article ids) until about `docs` quote documents."""
    lines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise RuntimeError(f"no records in {source}")
    from indexer.model import quote_id

    n = 0
    with target.open("w", encoding="utf-8") as f:
        k = 0
        while n < docs:
            for record in lines:
                record = dict(record, article_id=f"{record['article_id']}#{k}")
                record["quote_id"] = quote_id(record["article_id"], record["start"], record["end"])
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                n += 1
            k += 1
    return n


def load_ours(url: str, records: Path, alias: str, dead_letter: Path) -> Timing:
    """`quotes load RECORDS` (retries, dead letter, refresh paused, checkpointable) into a fresh alias."""
    from indexer import store

    client = store.connect(url)
    names = store.ensure_indices(client, alias)
    with Clock() as clock:
        report = store.load_records(client, [str(records)], names=names, dead_letter=dead_letter)
    if not report.ok:
        raise RuntimeError(f"bench load failed: {report.problems[:3]}")
    return clock.timing(report.indexed + report.articles_indexed)


def cluster_passes(url: str, alias: str) -> tuple[Any, Any]:
    """The quote-cluster pass over an alias just loaded (every quote gets its fields), then again
    (nothing should change): the two `ClusterReport`s."""
    from indexer import store
    from indexer.es.clusters import cluster_quotes

    client = store.connect(url)
    first = cluster_quotes(client, alias)
    second = cluster_quotes(client, alias)
    if not first.load.ok or second.changed:
        raise RuntimeError(
            f"bench cluster pass: {first.load.problems[:3]}, second pass wrote {second.changed}"
        )
    return first, second


def load_plain(url: str, records: Path, alias: str) -> Timing:
    """The same documents with plain `elasticsearch.helpers.bulk` (no safety features), then a refresh."""
    from elasticsearch.helpers import bulk

    from indexer import store
    from indexer.es.documents import record_actions

    client = store.connect(url)
    names = store.ensure_indices(client, alias)

    def actions() -> Iterator[dict[str, Any]]:
        for item in store.iter_records([str(records)]):
            if isinstance(item, dict):
                yield item

    def ops() -> Iterator[dict[str, Any]]:
        for a in record_actions(actions(), names.quotes_alias, names.articles_alias):
            yield {"_op_type": "index", "_index": a.index, "_id": a.id, "_source": a.source}

    with Clock() as clock:
        ok, _ = bulk(client, ops(), chunk_size=500)
        client.indices.refresh(index=f"{names.quotes_alias},{names.articles_alias}")
    return clock.timing(int(ok))


# --------------------------------------------------------------------------- memory and start-up


def peak_rss(model: str, corpus: Path, workers: int) -> dict[str, Any]:
    """Peak RSS (kB) of an extraction run in a fresh interpreter: the main process and the largest worker."""
    code = (
        "import json, resource, sys\n"
        "from pathlib import Path\n"
        "import bench\n"
        "run = bench.extract(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))\n"
        "hwm = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'main_kb': hwm, 'worker_kb': kids, 'words': run.timing.units,"
        " 'seconds': run.timing.seconds}))\n"
    )
    out = corpus.with_suffix(".out.jsonl")
    proc = subprocess.run(
        [sys.executable, "-c", code, model, str(corpus), str(out), str(workers)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"memory run failed: {proc.stderr.strip().splitlines()[-1:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def help_seconds(tries: int = 3) -> float:
    """Best wall time of `quotes --help` in a fresh process."""
    exe = Path(sys.executable).parent / "quotes"
    best = float("inf")
    for _ in range(tries):
        start = time.perf_counter()
        subprocess.run([str(exe), "--help"], capture_output=True, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def long_article_seconds(
    model: str, texts: list[str], sizes_mb: tuple[float, ...], workers: int
) -> list[tuple[float, float, int]]:
    """(MB, seconds, attributions) for one article of each size, made of the corpus's texts one
    after another; the pipeline is loaded (and warmed) before the clock starts."""
    from indexer.extract.engine import Extractor
    from indexer.model import Article

    out = []
    with Extractor(model, workers=workers) as extractor:
        extractor.extract_one(Article("warm", texts[0]))
        for mb in sizes_mb:
            parts: list[str] = []
            size = 0
            while size < mb * 1_000_000:
                for text in texts:
                    parts.append(text)
                    size += len(text.encode("utf-8")) + 2
                    if size >= mb * 1_000_000:
                        break
            article = Article(f"long-{mb}", "\n\n".join(parts))
            with Clock() as clock:
                (result,) = list(extractor.extract([article]))
            out.append(
                (len(article.text.encode("utf-8")) / 1e6, clock.timing(0).seconds, len(result.attributions))
            )
    return out
