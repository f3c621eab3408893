"""``serve``: the chat in the browser, wired from one :class:`Runtime`."""

from __future__ import annotations

import threading

from core.settings import Settings
from hr_assistant.runtime import Runtime


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
    from core.lease import write_lease
    from core.store import claim_embedded_store
    from ui.app import build_app, launch_kwargs

    url = f"http://{host}:{port}"
    owner = claim_embedded_store(settings, {"url": url, "watching": watch})
    with write_lease(settings):  # waits for a running write; refuses an unleasable store
        pass  # claimed first: any writer after this one is turned away
    runtime = Runtime(settings)
    first = runtime.knowledge.ensure_ingested()
    if first is not None:
        print(f"ingested {first.articles} articles into {first.chunks} passages")
    app = build_app(runtime.assistant, runtime.knowledge, runtime.feedback, runtime.question_log)
    stop = threading.Event()
    if watch:  # syncs now unless just ingested, then on every change, until stopped
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
        app.queue(default_concurrency_limit=4).launch(
            server_name=host, server_port=port, **launch_kwargs(settings)
        )
    finally:
        stop.set()
        if owner is not None:
            owner.close()
