"""The composition root: every component built once from one ``Settings``, then handed on.

After private-gpt's components: the embedder, the store, the language model, the
assistant, the knowledge base, the privacy policy and the feedback store are made here and
nowhere else, lazily (``ask`` never loads the UI; ``feedback export`` never loads the model).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from core.settings import Settings

if TYPE_CHECKING:
    from assistant.chain import Assistant
    from assistant.feedback import FeedbackStore
    from assistant.generation import Generator
    from assistant.insights import QuestionLog
    from core.embeddings import IdentifiedEmbeddings
    from core.privacy import PrivacyPolicy
    from core.store import PassageStore
    from ingest.indexer import IngestReport
    from ingest.knowledge_base import KnowledgeBase


class Runtime:
    """One process's components. Pass ``embeddings`` or ``generator`` to reuse ones
    already built (tests share one model across many stores)."""

    def __init__(
        self,
        settings: Settings,
        *,
        embeddings: IdentifiedEmbeddings | None = None,
        generator: Generator | None = None,
    ) -> None:
        self.settings = settings
        if embeddings is not None:
            self.__dict__["embeddings"] = embeddings
        if generator is not None:
            self.__dict__["generator"] = generator

    @cached_property
    def embeddings(self) -> IdentifiedEmbeddings:
        from core.embeddings import build_embeddings

        return build_embeddings(self.settings.embeddings)

    @cached_property
    def store(self) -> PassageStore:
        """The store to answer from; an error before the first ingest."""
        from core.store import open_passages

        return open_passages(self.settings, self.embeddings)

    @cached_property
    def generator(self) -> Generator | None:
        from assistant.generation import Generator

        return Generator.from_settings(self.settings)

    @cached_property
    def assistant(self) -> Assistant:
        """Loaded under the store's load lease: its first view is of a finished write.
        The models are built first: a writer waits for the store to be read, not for
        a model to load."""
        from assistant.chain import Assistant
        from core.lease import load_lease

        embeddings, generator = self.embeddings, self.generator
        with load_lease(self.settings):
            return Assistant(self.settings, embeddings, self.store, generator)

    @cached_property
    def knowledge(self) -> KnowledgeBase:
        from ingest.knowledge_base import KnowledgeBase

        return KnowledgeBase(self.settings, self.embeddings, on_change=self._store_changed)

    @cached_property
    def question_log(self) -> QuestionLog | None:
        """The question log behind the Insights tab; None unless HR_ASSISTANT_INSIGHTS=on."""
        if not self.settings.insights:
            return None
        from assistant.insights import QuestionLog

        return QuestionLog.for_settings(self.settings, self.embeddings, self.privacy)

    @cached_property
    def privacy(self) -> PrivacyPolicy:
        """The one privacy policy of the question log and the feedback."""
        from core.privacy import PrivacyPolicy

        return PrivacyPolicy.for_settings(self.settings)

    @cached_property
    def feedback(self) -> FeedbackStore:
        from assistant.feedback import FeedbackStore

        return FeedbackStore.for_settings(self.settings, self.privacy)

    def _store_changed(self, report: IngestReport) -> None:
        """An ingest through this process changed the store: the assistant, if one is
        answering here, reloads its view at once."""
        if "assistant" in self.__dict__:
            self.assistant.reload()
