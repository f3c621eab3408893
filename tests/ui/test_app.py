"""The real Gradio app, served on loopback (``served`` in conftest), through gradio_client."""

import pytest

from ui.handlers import user_turns
from ui.render import answer_bubble

pytestmark = pytest.mark.integration


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


def test_gradio_traffic_monitoring_is_off(served):
    """Gradio's /monitoring pages show its traffic log, each request's session with it,
    and its summary is open to anyone who reaches the page: the app serves neither."""
    import httpx

    assert httpx.get(f"{served}monitoring/summary").status_code == 403


def test_markup_in_questions_and_answers_is_escaped_on_the_page(assistant):
    answer = assistant.ask("<script>alert(1)</script> What does an HR Generalist do?")
    assert "<script>" not in answer_bubble(answer)


def test_history_keeps_user_turns_only():
    history = [
        {"role": "user", "content": "Wat doet een HR-assistent?"},
        {"role": "assistant", "content": "De HR-assistent ..."},
        {"role": "user", "content": [{"type": "text", "text": "En een HR-officer?"}]},
    ]
    assert user_turns(history) == ["Wat doet een HR-assistent?", "En een HR-officer?"]


def test_a_refusal_shows_the_closest_passages_as_cards(assistant, feedback_store):
    from ingest.knowledge_base import KnowledgeBase
    from ui.handlers import ChatApp

    states = list(
        ChatApp(
            assistant, KnowledgeBase(assistant.settings, assistant.embeddings), feedback_store
        ).respond("Wat verdient een HR-manager in België?", [], [], "nl")
    )
    final, records, cards = states[-1][0][-1]["content"], states[-1][1], states[-1][2]
    assert final.startswith(("<p>De artikelen", "<p>Het artikel dat")) and "[1]" not in final
    assert records[-1]["citations"] == [] and records[-1]["closest"]
    assert "Deze passages komen het dichtst bij" in cards and "[1]" not in cards


def test_cards_and_articles_say_when_it_was_ingested_from_the_cached_listing(
    assistant, feedback_store, monkeypatch, caplog
):
    import ingest.knowledge_base as knowledge_base
    from ui.handlers import ChatApp
    from ui.render import open_class
    from ui.texts import utc_time

    reads: list[int] = []
    real = knowledge_base.ingested_articles
    monkeypatch.setattr(
        knowledge_base, "ingested_articles", lambda settings: reads.append(1) or real(settings)
    )
    knowledge = knowledge_base.KnowledgeBase(assistant.settings, assistant.embeddings)
    handlers = ChatApp(assistant, knowledge, feedback_store)
    article = knowledge.articles()[0]
    assert article.last_ingested is not None and reads == [1]
    when = utc_time(article.last_ingested)
    first = assistant.retriever.article(article.id)[0]
    cited = {
        "n": 1,
        "source": article.id,
        "title": first.title,
        "chunk_id": first.chunk_id,
        "snippet": first.text,
        "language": first.language,
        "section": first.section,
        "publisher": first.publisher,
        "url": first.url,
    }
    record = {"answer": "[1]", "citations": [cited], "closest": []}

    assert f"Ingelezen {when}" in handlers.cards(record, "nl")
    assert f"Ingested {when}" in handlers.open_source(open_class(first.chunk_id).split()[-1], "en")
    assert f"Ingelezen {when}" in handlers.read_article(article.id, "nl")
    assert reads == [1]  # every render reuses the listing the Articles tab reads

    def unreadable() -> list[knowledge_base.ArticleInfo]:
        raise RuntimeError("the bookkeeping is gone")

    monkeypatch.setattr(knowledge, "articles", unreadable)
    cards = handlers.cards(record, "en")
    assert first.title in cards and "Ingested" not in cards
    assert "could not read when the articles were ingested" in caplog.text


def test_markdown_images_and_links_in_any_shown_text_are_inert():
    from ui.render import escape

    shown = escape(
        "![logo](http://198.51.100.7/p.png) see [site](https://x.invalid) [1]\n[r]: http://y"
    )
    assert "](" not in shown and "]:" not in shown and "://" not in shown
    assert shown.endswith("]&#58; http&#58;//y") and "[1]" in shown


def test_the_articles_tab_says_whether_the_folder_is_followed(tmp_path):
    from datetime import UTC, datetime

    from ingest.watch import WatchState
    from ui.layout_articles import watch_status

    folder = tmp_path / "knowledge"
    synced = WatchState(
        folder,
        following=True,
        last_sync=datetime(2026, 5, 1, 12, 4, tzinfo=UTC),
        skipped=(
            {"file": "loop.md", "error": "link loop (the link leads back to itself)"},
            {"file": "<b>team</b>", "error": "folder cannot be read (Permission denied)"},
        ),
    )
    assert watch_status(synced, folder, "en") == (
        '<p class="hr-muted">Following knowledge/ — last sync 2026-05-01 12:04 UTC, 2 files '
        "skipped: "
        "loop.md (link loop (the link leads back to itself)), &lt;b&gt;team&lt;/b&gt; "
        "(folder cannot be read (Permission denied)).</p>"
    )
    failed = WatchState(folder, following=True, problem=f"no articles in {folder}")
    assert "Following knowledge/ — the last sync failed: no articles in knowledge/." in (
        watch_status(failed, folder, "en")
    )
    gone = WatchState(folder, problem=f"folder not found: {folder}")
    assert watch_status(gone, folder, "en") == (
        '<p class="hr-muted">Not following knowledge/: folder not found: knowledge/.</p>'
    )
    assert "Volgt knowledge/ niet: folder not found" in watch_status(gone, folder, "nl")
    assert "(started with --no-watch)" in watch_status(None, folder, "en")
    assert str(tmp_path) not in watch_status(gone, folder, "en")  # no server paths shown


def test_a_vote_counts_only_for_an_answer_this_server_gave(assistant, postgres_url, caplog):
    """A chat comes back from the browser's storage, where anyone can edit it: a vote on
    an answer this server did not give (invented, or edited after) writes nothing."""
    import copy
    import json

    import gradio as gr

    from assistant.feedback import COLUMNS, FeedbackStore
    from ingest.knowledge_base import KnowledgeBase
    from tests.conftest import postgres_database
    from ui import chats
    from ui.handlers import ChatApp

    url = postgres_database(postgres_url, "forged_votes")
    store = FeedbackStore.for_settings(assistant.settings.model_copy(update={"database_url": url}))
    app = ChatApp(assistant, KnowledgeBase(assistant.settings, assistant.embeddings), store)
    *_, (_, records, _, _) = app.respond("How does People Operations differ from HR?", [], [], "en")
    # Saved in the browser, read back after a reload, as the page does.
    saved, chat_id = chats.remember(chats.empty(), "", records)
    held = json.loads(json.dumps(saved))
    reopened = chats.find(chats.from_browser(held)[0], chat_id)
    assert reopened is not None
    given = reopened["records"]

    def vote(records_now: list, liked: bool = True) -> None:
        app.rate(gr.LikeData(None, {"index": 1, "value": "", "liked": liked}), records_now, "en")

    edited = copy.deepcopy(given)
    edited[1]["answer"] = "Everyone gets 60 days of paid leave [1]"
    invented = copy.deepcopy(given)
    invented[1]["id"] = "f" * 32
    invented[1]["asked"] = "How many days of leave?"
    invented[1].pop("seal", None)
    caplog.set_level("WARNING", logger="ui.handlers")
    for forged in (edited, invented):
        with pytest.warns(UserWarning, match="cannot be rated"):
            vote(forged, liked=False)
    assert store.rows() == []
    assert "vote refused" in caplog.text

    vote(given)
    rows = store.rows()
    assert [row[COLUMNS.index("answer")] for row in rows] == [given[1]["answer"]]


def test_one_passage_or_article_is_said_in_the_singular():
    from ingest.indexer import IngestReport
    from ui.handlers import ingested_line

    report = IngestReport(articles=1, chunks=1, added=1)
    assert ingested_line("en", report).startswith("1 article, 1 passage: 1 added")
    assert ingested_line("nl", report).startswith("1 artikel, 1 passage: 1 toegevoegd")
    report = IngestReport(articles=3, chunks=27, skipped=27)
    assert ingested_line("en", report).startswith("3 articles, 27 passages: 0 added")
    assert ingested_line("nl", report).startswith("3 artikelen, 27 passages:")
