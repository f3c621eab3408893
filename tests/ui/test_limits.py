"""The bounds' own arithmetic and housekeeping, without a server (see
test_bounded_requests.py for a real `serve`)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from ui.limits import (
    API_QUESTION_SLACK,
    api_body_bytes,
    fresh_upload_folder,
    remove_upload_folder,
    stored_bytes,
)


def test_the_api_limit_holds_a_question_somewhat_too_long_however_escaped():
    longest = "😀" * (2000 + API_QUESTION_SLACK)  # 12 bytes each as \ud83d\ude00
    body = json.dumps({"data": [longest], "event_data": None, "session_hash": "x" * 32})
    assert len(body.encode()) <= api_body_bytes(2000) < 2 * len(body.encode())


def test_old_uploads_are_deleted_before_the_folder_is_measured(tmp_path: Path):
    old, new = tmp_path / "a" / "old.md", tmp_path / "b" / "new.md"
    for path in (old, new):
        path.parent.mkdir()
        path.write_bytes(b"x" * 1000)
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    os.utime(old.parent, (hour_ago, hour_ago))
    assert stored_bytes(tmp_path, max_age_s=60) == 1000
    assert not old.exists() and not old.parent.exists()
    assert new.exists()


def test_the_upload_folder_is_emptied_at_start_and_removed_at_stop(tmp_path: Path):
    folder = tmp_path / "uploads"
    (folder / "left").mkdir(parents=True)
    (folder / "left" / "over.md").write_text("from a killed serve")
    fresh_upload_folder(folder)
    assert folder.is_dir() and not any(folder.iterdir())
    assert folder.stat().st_mode & 0o077 == 0
    remove_upload_folder(folder)
    assert not folder.exists()


def test_an_upload_folder_that_is_a_link_is_not_followed(tmp_path: Path):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.md").write_text("not ours")
    (tmp_path / "uploads").symlink_to(target)
    with pytest.raises(OSError):
        fresh_upload_folder(tmp_path / "uploads")
    assert (target / "keep.md").exists()
