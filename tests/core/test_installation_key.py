"""The installation's key files: made once, private from the first byte."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core.settings import Settings, installation_key


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None)


def test_a_new_key_file_is_never_readable_by_others(tmp_path: Path, monkeypatch):
    """Made with a permissive umask and no later chmod, the file is still private: its
    permissions are set when it is created, not after the key is written."""
    monkeypatch.setattr(os, "chmod", lambda *args, **kwargs: None)
    monkeypatch.setattr(Path, "chmod", lambda *args, **kwargs: None)
    old = os.umask(0o022)
    try:
        key = installation_key(_settings(tmp_path), "test")
    finally:
        os.umask(old)
    path = tmp_path / "data" / "test.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key and path.read_text(encoding="utf-8").strip() == key
    assert [p.name for p in path.parent.iterdir()] == ["test.key"]  # no temporary left


def test_processes_starting_together_share_one_key(tmp_path: Path):
    settings = _settings(tmp_path)
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: installation_key(settings, "shared"), range(32)))
    assert len(keys) == 1 and "" not in keys


def test_a_key_file_left_readable_by_an_older_version_is_made_private(tmp_path: Path):
    path = tmp_path / "data" / "old.key"
    path.parent.mkdir()
    path.write_text("an-old-key", encoding="utf-8")
    path.chmod(0o644)
    assert installation_key(_settings(tmp_path), "old") == "an-old-key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
