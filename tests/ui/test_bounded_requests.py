"""What one client can cost a real `serve`: bodies too large are refused before they are
read, uploads are held to a total and deleted on start and stop, wrong passwords lock out
their own client only, and a question that is not text gets a one-line error.

Each test failed before these bounds: the server waited for (and would have parsed) the
whole body, took every upload and left it behind, locked everybody out, or answered with
an unhelpful error and a traceback in its log.
"""

from __future__ import annotations

import json
import select
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from tests.conftest import (
    HR_ASSISTANT,
    KNOWLEDGE,
    free_port,
    run_cli,
    settings_env,
    wait_until_ready,
)
from ui.limits import API_QUESTION_SLACK, PAGE_BODY_BYTES, api_body_bytes, upload_folder

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"
MIB = 1024 * 1024
FILE_BYTES = MIB
QUOTA_BYTES = 3 * MIB + MIB // 2  # three 1 MB uploads fit, a fourth does not
MAX_QUESTION_CHARS = Settings(_env_file=None).max_question_chars
# What the server may take to answer a refusal (it answers at once; this is slack).
REPLY_TIMEOUT_S = 30


@dataclass
class Served:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    settings: Settings


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder ingested once; each `serve` here starts from a copy of it."""
    data = tmp_path_factory.mktemp("bounds-store") / "data"
    done = run_cli(
        "ingest", env=settings_env(Settings(data_dir=data, knowledge_dir=KNOWLEDGE, _env_file=None))
    )
    assert done.returncode == 0, done.stderr
    return data


@contextmanager
def running_serve(
    ingested: Path, folder: Path, port: int | None = None, host: str = "127.0.0.1"
) -> Iterator[Served]:
    """`serve` on ``host`` with a sign-in password, 1 MB files and a 3.5 MB upload quota,
    its temporary files under ``folder / "tmp"``; stopped with SIGTERM at the end."""
    data = folder / "data"
    if not data.exists():
        shutil.copytree(ingested, data)
    settings = Settings(data_dir=data, knowledge_dir=KNOWLEDGE, _env_file=None)
    env = settings_env(
        settings,
        HR_ASSISTANT_UI_PASSWORD=PASSWORD,
        HR_ASSISTANT_MAX_FILE_BYTES=str(FILE_BYTES),
        HR_ASSISTANT_UPLOAD_QUOTA_BYTES=str(QUOTA_BYTES),
        GRADIO_TEMP_DIR=str(folder / "tmp"),
        GRADIO_ANALYTICS_ENABLED="False",
    )
    port = port or free_port()
    log = folder / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*HR_ASSISTANT, "serve", "--host", host, "--port", str(port), "--no-watch"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_ready(lambda: httpx.get(url).status_code == 200, process, log, "serve", 180)
        yield Served(url, port, process, log, settings)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def served(ingested: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with running_serve(ingested, tmp_path_factory.mktemp("bounds-serve")) as server:
        yield server


@contextmanager
def signed_in(served: Served, source: str = "127.0.0.1") -> Iterator[httpx.Client]:
    """An HTTP client from ``source`` (any 127.x address reaches the server), signed in."""
    with client_from(source) as client:
        reply = client.post(served.url + "login", data={"username": "hr", "password": PASSWORD})
        assert reply.status_code == 200, reply.text
        yield client


def client_from(source: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=60)


def raw_post(port: int, path: str, *, declared: int | None = None, streamed: int = 0) -> str:
    """The status line the server answers to a POST that declares ``declared`` bytes and
    sends none, or streams ``streamed`` bytes chunked (no Content-Length) and waits: the
    server has to refuse before the body ends, since it never does."""
    with socket.create_connection(("127.0.0.1", port), timeout=REPLY_TIMEOUT_S) as sock:
        length = (
            f"Content-Length: {declared}" if declared is not None else "Transfer-Encoding: chunked"
        )
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        sock.sendall(f"{head}{length}\r\n\r\n".encode())
        piece = b"%x\r\n%s\r\n" % (64 * 1024, b"a" * 64 * 1024)
        sent = 0
        try:
            while sent < streamed and not select.select([sock], [], [], 0)[0]:
                sock.sendall(piece)
                sent += 64 * 1024
        except OSError:
            pass  # refused and closed while this was still sending: its answer is read below
        return sock.makefile("rb").readline().decode().strip()


def test_a_body_declared_too_large_is_refused_before_it_is_read(served: Served):
    for path in ("/gradio_api/call/chat", "/gradio_api/queue/join", "/gradio_api/run/chat"):
        assert raw_post(served.port, path, declared=200 * MIB).split(" ", 2)[1] == "413", path


def test_a_streamed_body_is_counted_as_it_comes(served: Served):
    question = api_body_bytes(MAX_QUESTION_CHARS)
    status = raw_post(served.port, "/gradio_api/call/chat", streamed=question + 128 * 1024)
    assert status.split(" ", 2)[1] == "413"
    status = raw_post(served.port, "/gradio_api/queue/join", streamed=PAGE_BODY_BYTES + 128 * 1024)
    assert status.split(" ", 2)[1] == "413"


def test_a_question_somewhat_too_long_is_told_so_not_refused_unread(served: Served):
    longest = "😀" * (MAX_QUESTION_CHARS + API_QUESTION_SLACK)  # 12 bytes each, escaped
    body = json.dumps({"data": [longest]})
    with signed_in(served) as client:
        reply = client.post(
            served.url + "gradio_api/call/chat",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert reply.status_code == 200, reply.text
        events = client.get(f"{served.url}gradio_api/call/chat/{reply.json()['event_id']}")
    assert "event: complete" in events.text
    assert "too long" in events.text  # refused by the assistant, with its own message


def test_a_question_that_is_not_text_gets_a_one_line_error(served: Served):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(served.url, auth=("hr", PASSWORD), verbose=False)
    for value, said in ((5, "not a number"), ([1, 2], "not a list"), (None, "not null")):
        with pytest.raises(AppError) as refused:
            client.predict(message=value, api_name="/chat")
        assert said in str(refused.value) and "\n" not in str(refused.value)

    with signed_in(served) as http:
        reply = http.post(  # JSON's "\ud800": a lone surrogate, which Python decodes as is
            served.url + "gradio_api/call/chat",
            content=b'{"data": ["\\ud800 What does an HR manager do?"]}',
            headers={"Content-Type": "application/json"},
        )
        events = http.get(f"{served.url}gradio_api/call/chat/{reply.json()['event_id']}")
    error = events.text.split("event: error\ndata: ", 1)[1].splitlines()[0]
    assert "lone UTF-16 surrogate" in json.loads(error)["error"]

    assert "Traceback" not in served.log.read_text()


def test_wrong_passwords_lock_out_their_own_client_only(served: Served):
    with client_from("127.0.0.2") as guesser:
        for n in range(6):
            wrong = guesser.post(served.url + "login", data={"username": "hr", "password": n})
            assert wrong.status_code == 400
        right = guesser.post(served.url + "login", data={"username": "hr", "password": PASSWORD})
        assert right.status_code == 400  # the guesser stays locked out, right password or not
    with signed_in(served, "127.0.0.3"):  # everybody else signs in
        pass


def test_uploads_are_held_to_a_total(served: Served):
    with signed_in(served) as client:
        codes = [
            client.post(
                served.url + "gradio_api/upload",
                files={"files": (f"article-{n}.md", bytes([n]) * FILE_BYTES)},
            ).status_code
            for n in range(5)
        ]
    assert codes == [200, 200, 200, 413, 413]
    stored = sum(p.stat().st_size for p in (served.log.parent / "tmp").rglob("*") if p.is_file())
    assert 3 * FILE_BYTES <= stored <= QUOTA_BYTES


def test_uploads_are_deleted_at_start_and_at_stop(
    ingested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    port = free_port()
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "tmp"))
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=KNOWLEDGE, _env_file=None)
    leftover = upload_folder(settings, "127.0.0.1", port) / "left-by-a-killed-serve" / "a.md"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"x" * FILE_BYTES)

    with running_serve(ingested, tmp_path, port) as server:
        assert not leftover.exists()
        with signed_in(server) as client:
            files = {"files": ("article.md", b"y" * FILE_BYTES)}
            assert client.post(server.url + "gradio_api/upload", files=files).status_code == 200
        assert any(p.is_file() for p in (tmp_path / "tmp").rglob("*"))
        stop(server.process)
        assert server.process.returncode == 0, server.log.read_text()[-2000:]
    assert not [p for p in (tmp_path / "tmp").rglob("*") if p.is_file()]
