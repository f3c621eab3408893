"""The application: the ``hr-assistant`` command and the composition root that builds the
embedder, the store, the assistant and the knowledge base once and hands them around.

It sits above the stage packages (``ingest`` writes the store, ``assistant`` answers from
it, ``ui`` presents), which never import it.
"""
