"""One large article: how long its ingest holds the write lease, where the time goes,
how much memory it takes and how often it says how far it is.

The article is a generated handbook (``bench.synthetic.handbook_text``: headings,
paragraphs and lists of seeded, varied sentences, so the embedding cache saves nothing)
of ``--mb`` megabytes, ingested with the real model into a fresh embedded store. The
seconds per MB are extrapolated to the 20 MB limit's largest articles (19 MB): the
work is linear in the article's size (passages and sentences to embed, written
PASSAGES_PER_WRITE at a time). Run: ``.venv/bin/python -m bench.big_article --mb 1``;
writes ``bench/results/big_article.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from itertools import pairwise

from bench.common import temporary_settings, write_result
from bench.synthetic import handbook_text
from core.embeddings import build_embeddings
from core.units import split_text
from ingest.chunking import chunk_article
from ingest.indexer import PASSAGES_PER_WRITE, ingest_folder
from ingest.loaders import load_article

LARGEST_MB = 19.0  # the largest articles the 20 MB limit lets in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="the article's size in MB")
    megabytes = parser.parse_args().mb
    settings = temporary_settings()  # an empty articles folder, then the one article
    path = settings.knowledge_dir / "handbook.md"
    path.write_text(handbook_text(megabytes, seed=1), encoding="utf-8")
    passages = chunk_article(load_article(path))
    sentences = sum(len(split_text(p.text)) for p in passages)
    embeddings = build_embeddings(settings.embeddings)
    steps: list[tuple[float, int]] = []
    started = time.perf_counter()
    report = ingest_folder(
        settings,
        embeddings,
        progress=lambda done, total: steps.append((time.perf_counter() - started, done)),
    )
    seconds = time.perf_counter() - started
    gaps = [later[0] - earlier[0] for earlier, later in pairwise(steps)]
    lines = [
        f"# One large article: {megabytes:g} MB ({os.cpu_count()} cores)",
        "",
        "| MB | passages | sentences | ingest s | s per MB | 19 MB, extrapolated | "
        "progress steps | longest step s | peak memory MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {megabytes:g} | {report.chunks:,} | {sentences:,} | {seconds:.0f} | "
        f"{seconds / megabytes:.0f} | {seconds / megabytes * LARGEST_MB / 3600:.1f} h | "
        f"{len(steps)} | {max(gaps, default=0):.1f} | {_peak_mb():.0f} |",
        "",
        f"Passages and their sentences are embedded and written {PASSAGES_PER_WRITE} "
        "passages at a time; progress is told after each write.",
    ]
    print("\n".join(lines))
    print(f"written to {write_result('big_article.md', chr(10).join(lines) + chr(10))}")


def _peak_mb() -> float:
    """This process's peak resident memory (the model, the article, the writes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
