"""The knowledge-base service and the runtime that wires it, on a real store."""

import shutil
from pathlib import Path

import pytest

from core.errors import AssistantError
from hr_assistant.runtime import Runtime
from tests.conftest import KNOWLEDGE

pytestmark = pytest.mark.integration

RECRUITER = """---
title: "What does a recruiter do?"
language: en
---

A recruiter fills open vacancies: writing job advertisements, screening applications and
scheduling the first interviews with candidates for the hiring manager.
"""


def test_changes_go_through_the_knowledge_base_and_reach_the_assistant(
    make_settings, embeddings, tmp_path: Path
):
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    runtime = Runtime(make_settings(knowledge_dir=folder), embeddings=embeddings)
    changes = []
    base = runtime.knowledge
    assert base is runtime.knowledge and runtime.embeddings is embeddings  # built once

    first = base.sync()
    assert first.added > 0
    assert {a.id for a in base.articles()} == {p.stem for p in KNOWLEDGE.glob("*.md")}
    assistant = runtime.assistant

    def sources() -> list[str]:
        return assistant.ask("What does a recruiter do?").retrieved

    assert "Recruiter-role-v2" not in sources()

    wired = base.on_change  # the runtime's: its assistant reloads
    assert wired is not None
    base.on_change = lambda report: (changes.append(report), wired(report))
    assert base.sync().added == 0 and changes == []  # nothing changed, nobody told

    upload = tmp_path / "upload.md"
    upload.write_text(RECRUITER, encoding="utf-8")
    saved, refused = base.add([(upload, "Recruiter role (v2).md"), (upload, "notes.exe")])
    assert [p.name for p in saved] == ["Recruiter-role-v2.md"]
    assert len(refused) == 1 and "not an article file" in refused[0]
    base.sync()
    assert len(changes) == 1
    assert "Recruiter-role-v2" in {a.id for a in base.articles()}
    assert sources()[0] == "Recruiter-role-v2"  # the assistant reloaded at once

    trashed = base.trash("Recruiter-role-v2")
    assert trashed.parent == base.trash_dir and not any(base.settings.knowledge_dir.glob("Rec*"))
    base.sync()
    assert "Recruiter-role-v2" not in {a.id for a in base.articles()}
    assert "Recruiter-role-v2" not in sources()
    restored = base.restore(trashed)
    assert restored.name == "Recruiter-role-v2.md" and not trashed.exists()
    base.sync()
    assert sources()[0] == "Recruiter-role-v2"  # back, and answering again
    with pytest.raises(AssistantError, match="not in the trash"):
        base.restore(restored)
