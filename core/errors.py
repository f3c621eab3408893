"""Errors a user can act on: each carries a one-line message shown without a traceback."""


class AssistantError(Exception):
    """A problem with the user's input or set-up, explained in one line."""


class StoreError(AssistantError):
    """The store cannot be opened or does not fit the configured embedder."""


class EmptyStoreError(StoreError):
    """Nothing has been ingested into the store yet."""
