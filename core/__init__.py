"""The shared core every stage may import: settings, types, errors, the store adapter,
the embedder and the languages."""
