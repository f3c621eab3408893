"""``serve``: the chat in the browser, wired from one :class:`Runtime`."""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path

from core.settings import Settings
from hr_assistant.runtime import Runtime

logger = logging.getLogger(__name__)


def serve(
    settings: Settings, host: str = "127.0.0.1", port: int = 7860, watch: bool = True
) -> None:
    """Serve the chat until interrupted.

    With an embedded store this process becomes its only writer (see
    :func:`core.store.claim_embedded_store`): it syncs the articles folder on every
    change itself (``watch``), and a CLI ingest is turned away with a message. A write
    under way when it starts (a CLI ingest, another machine) finishes first: the chat
    loads the finished store, not the part written so far.
    """
    from core.store import claim_embedded_store
    from ui.limits import fresh_upload_folder, remove_upload_folder, upload_folder

    url = f"http://{host}:{port}"
    owner = claim_embedded_store(settings, {"url": url, "watching": watch})
    # Gradio keeps uploads in GRADIO_TEMP_DIR: this process gets a folder of its own,
    # emptied now of what a killed one left, deleted on stop, and held to a quota.
    uploads = upload_folder(settings, host, port)
    try:
        fresh_upload_folder(uploads)
        os.environ["GRADIO_TEMP_DIR"] = str(uploads)
        stop_on_sigterm()
        _serve(settings, host, port, watch, url, uploads)
    finally:
        remove_upload_folder(uploads)
        if owner is not None:
            owner.close()


def stop_on_sigterm() -> None:
    """Stop on SIGTERM (systemd, docker, kill) as on Ctrl+C: Gradio closes its server and
    ``serve`` cleans up after itself, instead of dying on the spot."""
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set from the main thread

    def interrupt(signum: int, frame: object) -> None:
        logger.info("stopping on signal %s", signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def _serve(settings: Settings, host: str, port: int, watch: bool, url: str, uploads: Path) -> None:
    """Ingest if needed, follow the articles folder and serve the page until stopped."""
    from core.lease import write_lease
    from ui.app import build_app, launch_kwargs, queued

    with write_lease(settings):  # waits for a running write; refuses an unleasable store
        pass  # claimed first: any writer after this one is turned away
    runtime = Runtime(settings)
    first = runtime.knowledge.ensure_ingested()
    if first is not None:
        print(f"ingested {first.articles} articles into {first.chunks} passages")
    app = build_app(
        runtime.assistant, runtime.knowledge, runtime.feedback, runtime.question_log, host=host
    )
    stop = threading.Event()
    if watch:  # catches up once the watch is open, then syncs on every change, until stopped
        threading.Thread(
            target=runtime.knowledge.watch,
            kwargs={"stop_event": stop, "synced": first},
            name="watch-knowledge",
            daemon=True,
        ).start()
    print(f"HR roles assistant on {url}")
    if settings.ui_password:
        print("sign in as user 'hr' with HR_ASSISTANT_UI_PASSWORD")
    try:
        queued(app).launch(server_name=host, server_port=port, **launch_kwargs(settings, uploads))
    finally:
        stop.set()
