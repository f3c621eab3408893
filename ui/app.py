"""Gradio chat over the assistant: the answer with its [n] markers, then its sources."""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from typing import Any

from assistant.chain import Assistant
from assistant.errors import AssistantError
from assistant.language import phrase
from assistant.settings import Settings
from assistant.types import Answer

EXAMPLES = [
    "How does People Operations differ from HR?",
    "Wat is het verschil tussen een HR-assistent en een HR-officer?",
    "What are the key responsibilities of an HR Generalist?",
    "Hoe groei je door van HR Generalist naar HR Manager?",
]
SNIPPET_PREVIEW_CHARS = 240


def _text_of(content: Any) -> str:
    """Message text from either a plain string or Gradio's list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("value") or "")
    if isinstance(content, list):
        return " ".join(_text_of(part) for part in content)
    return ""


def user_turns(history: Sequence[Any]) -> list[str]:
    """The earlier user messages of a Gradio chat history, oldest first."""
    turns: list[str] = []
    for message in history or []:
        if isinstance(message, dict) and message.get("role") == "user":
            text = _text_of(message.get("content")).strip()
            if text:
                turns.append(text)
    return turns


def render_markdown(answer: Answer) -> str:
    """The answer as Markdown, article and question text escaped so markup shows as text."""
    body = html.escape(answer.text, quote=False)
    if not answer.citations:
        return body
    lines = [body, "", f"**{phrase(answer.language, 'sources')}**", ""]
    for c in answer.citations:
        where = f"{c.title} — {c.section}" if c.section and c.section != c.title else c.title
        preview = " ".join(c.snippet.split())
        if len(preview) > SNIPPET_PREVIEW_CHARS:
            preview = preview[:SNIPPET_PREVIEW_CHARS].rsplit(" ", 1)[0] + " …"
        lines.append(f"[{c.n}] {html.escape(where, quote=False)}  ")
        lines.append(f"> {html.escape(preview, quote=False)}")
        lines.append("")
    return "\n".join(lines).rstrip()


def make_reply(assistant: Assistant) -> Any:
    """The chat function: one question plus the chat history in, Markdown out."""

    def reply(message: Any, history: Sequence[Any]) -> str:
        try:
            answer = assistant.ask(_text_of(message), user_turns(history))
        except AssistantError as exc:
            return str(exc)
        return render_markdown(answer)

    return reply


def build_app(assistant: Assistant) -> Any:
    """The Gradio app: a ChatInterface whose API endpoint is ``/chat``."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    return gr.ChatInterface(
        fn=make_reply(assistant),
        title="HR roles assistant",
        description=(
            "Ask about HR roles in English or Dutch. Answers quote the articles, with sources. "
            "/ Stel je vraag in het Engels of Nederlands."
        ),
        examples=EXAMPLES,
        cache_examples=False,
        api_name="chat",
        analytics_enabled=False,
        concurrency_limit=4,
    )


def ensure_ingested(settings: Settings) -> None:
    """Ingest once when the store has nothing yet, so a fresh checkout chats right away."""
    from assistant.embeddings import build_embeddings
    from assistant.errors import StoreError
    from assistant.store import open_store

    try:
        open_store(settings, build_embeddings(settings.embeddings), create=False)
    except StoreError as exc:
        if "empty" not in str(exc):
            raise
        from ingest.indexer import ingest_folder

        report = ingest_folder(settings)
        print(f"ingested {report.articles} articles into {report.chunks} passages")


def launch(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve the chat until interrupted."""
    ensure_ingested(settings)
    app = build_app(Assistant(settings))
    auth = ("hr", settings.ui_password) if settings.ui_password else None
    print(f"HR roles assistant on http://{host}:{port}")
    app.queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, auth=auth, show_error=False, quiet=True
    )
