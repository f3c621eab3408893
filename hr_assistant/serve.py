"""``serve``: the chat in the browser, wired from one :class:`Runtime`."""

from __future__ import annotations

import logging
import threading

from core.errors import AssistantError
from core.settings import Settings
from hr_assistant.runtime import Runtime

logger = logging.getLogger(__name__)


def serve(
    settings: Settings, host: str = "127.0.0.1", port: int = 7860, watch: bool = True
) -> None:
    """Serve the chat until interrupted.

    With an embedded store this process becomes its only writer (see
    :func:`core.store.claim_embedded_store`): it syncs the articles folder on every
    change itself (``watch``), and a CLI ingest is turned away with a message.
    """
    from core.store import claim_embedded_store
    from ui.app import build_app, launch_kwargs

    url = f"http://{host}:{port}"
    owner = claim_embedded_store(settings, {"url": url, "watching": watch})
    runtime = Runtime(settings)
    first = runtime.knowledge.ensure_ingested()
    if first is not None:
        print(f"ingested {first.articles} articles into {first.chunks} passages")
    app = build_app(runtime.assistant, runtime.knowledge, runtime.feedback, runtime.question_log)
    stop = threading.Event()
    if watch:
        threading.Thread(
            target=follow_folder,
            args=(runtime, stop, first is None),
            name="watch-knowledge",
            daemon=True,
        ).start()
    print(f"HR roles assistant on {url}")
    if settings.ui_password:
        print("sign in as user 'hr' with HR_ASSISTANT_UI_PASSWORD")
    try:
        app.queue(default_concurrency_limit=4).launch(
            server_name=host, server_port=port, **launch_kwargs(settings)
        )
    finally:
        stop.set()
        if owner is not None:
            owner.close()


def follow_folder(runtime: Runtime, stop: threading.Event, catch_up: bool = True) -> None:
    """Sync the articles folder now (``catch_up``: edits made while the chat was stopped,
    unless it was just ingested), then on every change; the runtime's assistant reloads
    after each change of the store."""
    if catch_up:
        try:
            runtime.knowledge.sync()
        except AssistantError as exc:
            logger.warning("sync at start failed: %s", exc)
    runtime.knowledge.watch(stop_event=stop)
