"""python -m bench: extraction, indexing, loading, memory and start-up figures from one run.

Example: .venv/bin/python -m bench                      (the dev set, if ../shared/eval is there)
         .venv/bin/python -m bench --generate 200 --skip-es
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

import bench
from indexer.extract.engine import DEFAULT_MODEL, all_cores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="folder or file of articles (default: the dev set)")
    parser.add_argument(
        "--generate", type=int, help="generated articles instead of the dev set (default 300 without it)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="use the corpus this many times")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved timing rounds (best is kept)")
    parser.add_argument("--workers", type=int, default=0, help="processes (0: all cores)")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--load-docs", type=int, default=20_000, help="documents for the loader test")
    parser.add_argument("--rss-factor", type=int, default=10, help="corpus multiple for the memory test")
    parser.add_argument("--skip-es", action="store_true", help="no Elasticsearch figures")
    parser.add_argument("--skip-rss", action="store_true", help="no memory figures")
    parser.add_argument("--skip-long", action="store_true", help="no 1 MB / 5 MB article figures")
    parser.add_argument("--skip-dask", action="store_true", help="no Dask figures")
    args = parser.parse_args(argv)
    workers = args.workers or all_cores()

    corpus_dir = args.corpus or (DEV_TEXT if DEV_TEXT.is_dir() and args.generate is None else None)
    articles = bench.read_corpus(corpus_dir) if corpus_dir else bench.generated_corpus(args.generate or 300)
    gold = corpus_dir.parent if corpus_dir and (corpus_dir.parent / "attributions").is_dir() else None
    if args.repeat != 1:
        gold = None
    with tempfile.TemporaryDirectory(prefix="quotes-bench-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = bench.write_corpus(articles, tmp / "corpus.jsonl", args.repeat)
        texts = [t for _ in range(args.repeat) for _, t in articles]
        n_words = bench.words(articles) * args.repeat
        say(
            f"corpus: {corpus_dir or f'{len(articles)} generated articles'} x{args.repeat}: "
            f"{len(texts)} articles, {n_words:,} words; model {args.model}; workers {workers} "
            f"of {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}"
        )

        say(f"\nextraction (wall time incl. pipeline load; best of {args.rounds} interleaved rounds)")
        bare, same, ours = [], [], []
        for r in range(args.rounds):
            batch = 8 if r % 2 == 0 else 32
            bare.append(bench.bare_spacy(args.model, texts, workers, batch))
            same.append(bench.bare_spacy(args.model, texts, workers, batch, vector_rules=True))
            ours.append(bench.extract(args.model, corpus, tmp / "quotes.jsonl", workers))
        b = min(bare, key=lambda t: t.seconds)
        v = min(same, key=lambda t: t.seconds)
        o = min(ours, key=lambda run: run.timing.seconds)
        say(f"  bare spaCy nlp.pipe(n_process={workers})     {rate(b)}")
        say(f"  quotes extract                     {rate(o.timing)}  ratio {o.timing.rate / b.rate:.2f}x")
        say(
            f"  the same nlp.pipe with the vectorised attribute ruler {rate(v)}: the attribution "
            f"component alone costs {1 - o.timing.rate / v.rate:+.1%}"
        )
        say(f"  attributions: {o.attributions}")
        say("  every round (words/s): bare " + ", ".join(f"{t.rate:,.0f}" for t in bare))
        say("           vectorised ruler " + ", ".join(f"{t.rate:,.0f}" for t in same))
        say("                         ours " + ", ".join(f"{run.timing.rate:,.0f}" for run in ours))
        if not args.skip_dask:
            say("\nDask (--dask local:N, single-threaded worker processes) against --workers N, same cores")
            for n in (1, 2):
                local = bench.extraction_rate(args.model, texts, n)
                on_dask = bench.extraction_rate(args.model, texts, n, dask=f"local:{n}")
                say(
                    f"  {n} core{'s' if n > 1 else ''}: --workers {n} {local.rate:8,.0f} words/s   "
                    f"--dask ({n} worker{'s' if n > 1 else ''}) {on_dask.rate:8,.0f} words/s   "
                    f"overhead {1 - on_dask.rate / local.rate:+.1%}"
                )
        if gold is not None:
            say("\nquality on the dev set")
            say(f"  {bench.quality(gold, o.output)}")

        if not args.skip_es:
            with bench.Node(tmp / "es") as node:
                say(f"\nElasticsearch: local node {node.url}")
                runs = [
                    bench.index(args.model, node.url, corpus, workers, fresh(), tmp / "dl")
                    for _ in range(args.rounds)
                ]
                best = min(runs, key=lambda r: r.timing.seconds)
                i = best.timing
                say(
                    f"  quotes index end to end: {i.seconds:.1f} s ({i.rate:,.0f} docs/s, "
                    f"{n_words / i.seconds:,.0f} words/s); quotes extract: {o.timing.seconds:.1f} s; "
                    f"index/extract throughput {o.timing.seconds / i.seconds:.2f}x"
                )
                say(
                    f"    of which the speaker-name merge: {best.merge_seconds:.2f} s "
                    f"({best.names_merged} article names merged)"
                )
                records = tmp / "records.jsonl"
                n = bench.repeated_records(o.output, records, args.load_docs)
                plain, loaded = [], []
                for _ in range(args.rounds):
                    plain.append(bench.load_plain(node.url, records, fresh()))
                    loaded_alias = fresh()
                    loaded.append(bench.load_ours(node.url, records, loaded_alias, tmp / "dl"))
                p = min(plain, key=lambda t: t.seconds)
                q = min(loaded, key=lambda t: t.seconds)
                say(f"  loader, {n:,} quote records (+ their article documents):")
                say(f"    plain elasticsearch.helpers.bulk  {p.rate:,.0f} docs/s ({p.seconds:.1f} s)")
                say(f"    quotes load                       {q.rate:,.0f} docs/s ({q.seconds:.1f} s)")
                say(f"    quotes load / plain bulk           {q.rate / p.rate:.2f}x")
                first, second = bench.cluster_passes(node.url, loaded_alias)
                say(
                    f"  quote clusters over those {first.quotes:,} quotes: first pass {first.seconds:.1f} s "
                    f"({first.clusters:,} clusters, {first.reused:,} run more than once, "
                    f"largest {first.largest}; "
                    f"{first.changed:,} quotes written), second pass {second.seconds:.1f} s "
                    f"({second.changed} written); first pass / load {first.seconds / q.seconds:.2f}x"
                )

        if not args.skip_rss:
            say(f"\npeak RSS of `quotes extract` in a fresh process (x1 and x{args.rss_factor} the corpus)")
            big = bench.write_corpus(articles, tmp / "corpus-big.jsonl", args.repeat * args.rss_factor)
            one = bench.peak_rss(args.model, corpus, workers)
            many = bench.peak_rss(args.model, big, workers)
            for label, m in (("x1", one), (f"x{args.rss_factor}", many)):
                say(
                    f"  {label:>4}: {m['words']:>10,} words  main {m['main_kb'] / 1024:6.0f} MB  "
                    f"largest worker {m['worker_kb'] / 1024:6.0f} MB  ({m['seconds']:.0f} s)"
                )
            for key, label in (("main_kb", "main"), ("worker_kb", "worker")):
                say(f"  {label} growth: {many[key] / one[key] - 1:+.1%}")

        if not args.skip_long:
            say("\none long article (the corpus's texts one after another), pipeline already loaded")
            long_runs = bench.long_article_seconds(args.model, [t for _, t in articles], (1.0, 5.0), workers)
            for mb, seconds, found in long_runs:
                say(f"  {mb:4.1f} MB: {seconds:6.1f} s, {seconds / mb:5.1f} s/MB, {found:,} attributions")
            (mb1, s1, _), (mb5, s5, _) = long_runs
            say(f"  s/MB at 5 MB over s/MB at 1 MB: {(s5 / mb5) / (s1 / mb1):.2f} (1.00 is linear)")

        say(f"\nquotes --help: {bench.help_seconds():.2f} s (best of 3)")
    return 0


DEV_TEXT = bench.DEV_SET / "text"


def rate(t: bench.Timing) -> str:
    return f"{t.rate:8,.0f} words/s ({t.seconds:5.1f} s, cpu {t.cpu:5.1f} s)"


def fresh() -> str:
    return f"bench-{uuid.uuid4().hex[:8]}"


def say(line: str) -> None:
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
