"""Re-ingest cost at 1,000 synthetic articles (English and Dutch).

Reports first ingest, an unchanged re-ingest (target under 5 s, zero embeddings) and a
re-ingest after editing one article. Run: ``.venv/bin/python -m bench.reingest``.
"""

from __future__ import annotations

import os
import time

from bench.common import temporary_settings, write_result
from bench.synthetic import write_articles
from core.embeddings import build_embeddings
from ingest.indexer import ingest_folder

ARTICLES = int(os.environ.get("HR_BENCH_ARTICLES", "1000"))


class CountingEmbeddings:
    """Counts the passages the real embedder is asked to embed."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.identity = inner.identity
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)  # type: ignore[no-any-return]


def main() -> None:
    settings = temporary_settings()
    write_articles(settings.knowledge_dir, ARTICLES)
    embeddings = CountingEmbeddings(build_embeddings())
    rows = []
    for label, change in (
        ("first ingest", None),
        ("unchanged re-ingest", None),
        ("one article edited", "edit"),
    ):
        if change == "edit":
            path = settings.knowledge_dir / "synthetic-00007.md"
            path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
        before = embeddings.embedded
        started = time.perf_counter()
        report = ingest_folder(settings, embeddings=embeddings)  # type: ignore[arg-type]
        seconds = time.perf_counter() - started
        rows.append(
            f"| {label} | {seconds:.2f} | {embeddings.embedded - before} | {report.added} | "
            f"{report.skipped} | {report.deleted} |"
        )
        chunks = report.chunks
    lines = [
        f"# Re-ingest at {ARTICLES} synthetic articles ({chunks} passages), {os.cpu_count()} cores",
        "",
        "| run | seconds | passages embedded | added | unchanged | deleted |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
    ]
    path = write_result("reingest.md", "\n".join(lines))
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
