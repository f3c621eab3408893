"""Ingest: articles in ``knowledge/`` → clean text → passages → the Chroma store."""
