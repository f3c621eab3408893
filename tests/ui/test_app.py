"""The real Gradio app, served on loopback and called through gradio_client."""

import socket

import pytest

from ui.app import build_app, launch_kwargs, user_turns
from ui.render import render_markdown

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served(assistant):
    app = build_app(assistant)
    port = _free_port()
    app.queue().launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        **launch_kwargs(assistant.settings),
    )
    yield f"http://127.0.0.1:{port}/"
    app.close()


def test_chat_round_trip_returns_a_cited_answer(served):
    from gradio_client import Client

    client = Client(served, verbose=False)
    reply = client.predict(message="How does People Operations differ from HR?", api_name="/chat")
    assert "[1]" in reply
    assert "**Sources**" in reply
    assert "People Operations" in reply


def test_chat_answers_dutch_and_refuses_empty_kindly(served):
    from gradio_client import Client

    client = Client(served, verbose=False)
    reply = client.predict(message="Welke taken heeft een HR-assistent?", api_name="/chat")
    assert "**Bronnen**" in reply and "personeelsdossiers" in reply
    assert client.predict(message="  ", api_name="/chat") == "Please type a question."


def test_markup_in_questions_and_answers_is_escaped(assistant):
    answer = assistant.ask("<script>alert(1)</script> What does an HR Generalist do?")
    rendered = render_markdown(answer)
    assert "<script>" not in rendered


def test_history_keeps_user_turns_only():
    history = [
        {"role": "user", "content": "Wat doet een HR-assistent?"},
        {"role": "assistant", "content": "De HR-assistent ..."},
        {"role": "user", "content": [{"type": "text", "text": "En een HR-officer?"}]},
    ]
    assert user_turns(history) == ["Wat doet een HR-assistent?", "En een HR-officer?"]
