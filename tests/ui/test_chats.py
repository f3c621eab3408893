"""The saved conversations, as plain values (the browser part is in test_browser)."""

from ui import chats
from ui.handlers import cards_of, messages_of

CITATION = {
    "n": 1,
    "source": "hr-manager.md",
    "title": "HR manager",
    "chunk_id": "abc",
    "snippet": "An HR manager leads the HR team.",
    "language": "en",
    "section": "",
    "publisher": "",
    "url": "",
}


def _turn(question: str) -> list[dict[str, object]]:
    return [
        {"question": question},
        {
            "id": "a" * 32,
            "answer": "An HR manager leads the HR team [1].",
            "asked": question,
            "language": "en",
            "note": "",
            "citations": [CITATION],
            "closest": [],
        },
    ]


def test_a_chat_is_saved_under_its_first_question_and_updated_in_place():
    records = _turn("What does an HR manager do on a normal working day?")
    saved, chat_id = chats.remember(chats.empty(), "", records)
    assert saved["current"] == chat_id
    assert chats.choices(saved) == [
        ("What does an HR manager do on a normal working day?", chat_id)
    ]
    saved, same = chats.remember(saved, chat_id, records + _turn("And the HR assistant?"))
    assert same == chat_id and len(saved["chats"]) == 1
    assert len(chats.find(saved, chat_id)["records"]) == 4


def test_newest_first_renamed_removed_and_capped():
    saved = chats.empty()
    ids = []
    for n in range(chats.MAX_CHATS + 2):
        saved, chat_id = chats.remember(saved, "", _turn(f"Question {n}?"))
        ids.append(chat_id)
    listed = chats.choices(saved)
    assert len(listed) == chats.MAX_CHATS and listed[0] == ("Question 31?", ids[-1])
    saved = chats.rename(saved, ids[-1], "  Payroll   questions ")
    assert chats.choices(saved)[0][0] == "Payroll questions"
    saved = chats.remove(saved, ids[-1])
    assert saved["current"] == "" and chats.find(saved, ids[-1]) is None


def test_a_long_chat_keeps_its_latest_questions_and_answers():
    records = [r for n in range(chats.MAX_RECORDS) for r in _turn(f"Question {n}?")]
    saved, chat_id = chats.remember(chats.empty(), "", records)
    kept = chats.find(saved, chat_id)["records"]
    assert len(kept) == chats.MAX_RECORDS
    assert "question" in kept[0] and kept[-1]["asked"] == f"Question {chats.MAX_RECORDS - 1}?"


def test_the_oldest_chats_go_before_the_browser_would_refuse_to_save():
    turn = _turn("Question?")
    turn[1]["answer"] = "x" * chats.MAX_ANSWER_CHARS
    big = turn * 5  # 100,000 characters a chat
    saved = chats.empty()
    for _ in range(chats.MAX_CHATS):
        saved, newest = chats.remember(saved, "", big)
    assert 1 < len(saved["chats"]) < chats.MAX_CHATS
    assert saved["chats"][0]["id"] == newest


def test_a_long_first_question_is_shortened_and_garbage_in_storage_is_ignored():
    long_question = "Ik ben net teamleider geworden en vraag me af " * 4
    assert len(chats.title_of([{"question": long_question}])) <= chats.MAX_TITLE_CHARS
    assert chats.choices({"chats": "not a list"}) == []
    assert chats.choices({"chats": [{"id": 3}, "x"]}) == []
    assert chats.opened(None, "missing") == chats.empty()


def test_forged_saved_chats_are_left_out_whole():
    """localStorage is the user's: whatever it sends back is checked field by field."""
    good = _turn("What does an HR manager do?")
    forged_records = [
        [{"question": "Hi"}, {"content": {"path": ".data/feedback.sqlite"}}],  # a file
        [{"question": "Hi"}, {**good[1], "language": "fr"}],
        [{"question": "Hi"}, {**good[1], "citations": [{**CITATION, "evil": 1}]}],
        [{"question": "Hi"}, {**good[1], "citations": [{**CITATION, "n": "1"}]}],
        [{"question": "x" * (chats.MAX_QUESTION_CHARS + 1)}],
        [{"question": "Hi"}, {**good[1], "answer": "x" * (chats.MAX_ANSWER_CHARS + 1)}],
        "not a list",
    ]
    saved = {
        "chats": [
            {"id": f"{n:032x}", "title": "t", "records": records}
            for n, records in enumerate(forged_records)
        ]
        + [{"id": "../../etc", "title": "t", "records": good}],
        "current": f"{0:032x}",
    }
    assert chats.choices(saved) == []
    assert chats.current(saved) == ""
    saved["chats"].append({"id": "f" * 32, "title": "Kept", "records": good, "messages": []})
    assert chats.choices(saved) == [("Kept", "f" * 32)]
    assert "messages" not in chats.find(saved, "f" * 32)


def test_the_bubbles_are_rebuilt_from_records_and_escape_what_was_saved():
    records = [
        {"question": "<img src=x onerror=alert(1)> What does an HR manager do?"},
        _turn("q")[1],
        {"question": "And then?"},
        {"error": "Your question is empty."},
    ]
    messages = messages_of(records)
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]
    assert all(isinstance(m["content"], str) for m in messages)
    assert "<img" not in messages[0]["content"]
    assert "hr-cite" in messages[1]["content"] and "HR manager" in messages[1]["content"]
    assert messages[3]["content"] == "Your question is empty."


def _chat(question: str, chat_id: str, updated: float) -> dict[str, object]:
    return {"id": chat_id, "title": question, "records": _turn(question), "updated": updated}


def test_what_the_browser_holds_is_listed_newest_first_and_forgeries_removed():
    held = {
        "chats": [
            _chat("Older?", "a" * 32, 1.0),
            _chat("Newer?", "b" * 32, 2.0),
            {**_chat("Forged?", "c" * 32, 3.0), "records": [{"content": {"path": "x"}}]},
            {**_chat("Forged time?", "d" * 32, 3.0), "updated": "soon"},
            "not a chat",
        ],
        "current": "a" * 32,
    }
    saved, leftovers = chats.from_browser(held)
    assert chats.choices(saved) == [("Newer?", "b" * 32), ("Older?", "a" * 32)]
    assert saved["current"] == "a" * 32
    assert leftovers == [{"remove": "c" * 32}, {"remove": "d" * 32}]
    assert chats.from_browser(None) == (chats.empty(), [])


def test_only_what_changed_is_written_so_another_tabs_chats_stay():
    mine = _chat("Mine?", "a" * 32, 1.0)
    before = {"chats": [mine], "current": "a" * 32}
    after, chat_id = chats.remember(before, "", _turn("New?"))
    written = chats.changes(before, after)
    assert [c.get("put", {}).get("id") for c in written] == [chat_id, None]
    assert written[-1] == {"current": chat_id}
    assert chats.changes(after, chats.rename(after, "a" * 32, "Renamed")) == [
        {"put": {**mine, "title": "Renamed"}}
    ]
    removed = chats.changes(after, chats.remove(after, "a" * 32))
    assert removed == [{"remove": "a" * 32}]


def test_a_chat_another_tab_added_to_is_kept_and_this_tabs_turn_saved_apart():
    on_screen = _turn("First?")
    stored = {"chats": [{**_chat("First?", "a" * 32, 1.0), "records": [*on_screen, *_turn("B?")]}]}
    saved, chat_id = chats.remember(stored, "a" * 32, [*on_screen, *_turn("A?")])
    assert chat_id != "a" * 32 and len(saved["chats"]) == 2
    assert chats.find(saved, "a" * 32)["records"][2] == {"question": "B?"}
    # Asked on in the same tab, the chat grows in place.
    grown, same = chats.remember(stored, "a" * 32, [*stored["chats"][0]["records"], *_turn("C?")])
    assert same == "a" * 32 and len(grown["chats"]) == 1


def test_a_long_chat_that_lost_its_oldest_turn_is_still_the_same_chat():
    records = [r for n in range(chats.MAX_RECORDS // 2) for r in _turn(f"Q{n}?")]
    saved, chat_id = chats.remember(chats.empty(), "", records)
    again, same = chats.remember(saved, chat_id, [*records, *_turn("One more?")])
    assert same == chat_id and len(again["chats"]) == 1


def test_the_chats_of_the_old_single_value_move_behind_the_newer_ones():
    held = {"chats": [_chat("Kept per key?", "a" * 32, 50.0)], "current": ""}
    legacy = {
        "chats": [_chat("Old 1?", "b" * 32, 0), _chat("Old 2?", "c" * 32, 0)],
        "current": "b" * 32,
    }
    merged = chats.with_legacy(chats.from_browser(held)[0], legacy)
    assert [title for title, _ in chats.choices(merged)] == ["Kept per key?", "Old 1?", "Old 2?"]
    assert merged["current"] == "b" * 32
    assert chats.with_legacy(merged, None) == merged


def test_an_answer_streams_up_to_each_marker_whatever_follows_it():
    from ui.handlers import _stream

    body = "One. [1]\n\n- a\n- b [2]\n\nThree. [3]"
    pieces = list(_stream(body))
    assert pieces == ["One. [1]", "One. [1]\n\n- a\n- b [2]", body]


def test_a_deleted_chat_comes_back_in_its_place():
    held = [("Newer?", "c", 3.0), ("Middle?", "b", 2.0), ("Older?", "a", 1.0)]
    saved = {"chats": [_chat(q, c * 32, t) for q, c, t in held], "current": ""}
    middle = chats.find(saved, "b" * 32)
    after = chats.remove(saved, middle["id"])
    back = chats.restored(after, middle)
    assert [title for title, _ in chats.choices(back)] == ["Newer?", "Middle?", "Older?"]
    assert chats.restored(back, middle) == back  # there already: nothing doubles
    assert chats.restored(after, {**middle, "records": [{"content": "x"}]}) == after  # forged


def test_a_chat_saved_before_addresses_loads_and_a_saved_address_is_kept():
    old = _turn("What does an HR manager do?")
    before_url = {k: v for k, v in CITATION.items() if k != "url"}  # as saved back then
    old[1] = {**old[1], "citations": [before_url]}
    saved = {"chats": [{"id": "e" * 32, "title": "Old", "records": old}], "current": ""}
    assert chats.choices(saved) == [("Old", "e" * 32)]
    kept = chats.find(saved, "e" * 32)["records"][1]
    assert kept["citations"][0]["url"] == ""
    assert "<a " not in cards_of(kept, "en") and "HR manager" in cards_of(kept, "en")

    url = "https://www.prospects.ac.uk/job-profiles/hr-manager"
    cited = [{**CITATION, "url": url}]
    records = [old[0], {**old[1], "citations": cited, "closest": cited}]
    saved, chat_id = chats.remember(chats.empty(), "", records)
    reopened = chats.find(saved, chat_id)["records"][1]
    assert reopened["citations"][0]["url"] == url and reopened["closest"][0]["url"] == url
    assert 'href="https&#58;//www&#46;prospects.ac.uk/job-profiles/hr-manager"' in cards_of(
        reopened, "en"
    )
    too_long = [{**CITATION, "url": "https://x.example/" + "a" * chats.MAX_FIELD_CHARS}]
    assert chats.valid_record({**old[1], "citations": too_long}) is None


def test_an_address_edited_in_the_browser_never_becomes_a_script_link():
    turn = _turn("What does an HR manager do?")
    for url in [
        "javascript:alert(document.cookie)",
        "javascript://example.org/%0aalert(1)",  # has a host, and still runs a script
        " javascript:alert(1)",
        "data:text/html,x",
    ]:
        forged = {**turn[1], "citations": [{**CITATION, "url": url}]}
        saved = {"chats": [{"id": "d" * 32, "title": "t", "records": [turn[0], forged]}]}
        record = chats.find(saved, "d" * 32)["records"][1]  # kept: it is only text
        assert record["citations"][0]["url"] == url
        cards = cards_of(record, "en")
        assert "<a " not in cards and "href" not in cards and "javascript" not in cards, url
        assert "HR manager" in cards


def test_a_pinned_chat_is_listed_first_named_so_and_kept_as_it_is_asked_on():
    held = [("Newest?", "c", 3.0), ("Middle?", "b", 2.0), ("Oldest?", "a", 1.0)]
    saved = {"chats": [_chat(q, c * 32, t) for q, c, t in held], "current": ""}
    pinned = chats.pin(chats.pin(saved, "a" * 32, True), "b" * 32, True)
    assert chats.choices(pinned, "nl") == [
        ("Vastgezet: Middle?", "b" * 32),  # the pinned first, newest first among them
        ("Vastgezet: Oldest?", "a" * 32),
        ("Newest?", "c" * 32),
    ]
    assert chats.pinned(pinned, "a" * 32) and not chats.pinned(pinned, "c" * 32)
    assert chats.changes(saved, pinned) == [
        {"put": {**_chat("Middle?", "b" * 32, 2.0), "pinned": True}},
        {"put": {**_chat("Oldest?", "a" * 32, 1.0), "pinned": True}},
    ]
    asked_on, _ = chats.remember(pinned, "a" * 32, [*_turn("Oldest?"), *_turn("More?")])
    assert chats.pinned(asked_on, "a" * 32)
    assert chats.pinned(chats.rename(pinned, "a" * 32, "Renamed"), "a" * 32)
    unpinned = chats.pin(pinned, "b" * 32, False)
    assert [t for t, _ in chats.choices(unpinned)] == ["Pinned: Oldest?", "Newest?", "Middle?"]
    assert "pinned" not in chats.find(unpinned, "b" * 32)  # as saved before pins existed
    assert chats.changes(pinned, unpinned) == [{"put": _chat("Middle?", "b" * 32, 2.0)}]


def test_a_malformed_pin_keeps_its_chat_unpinned_and_pinned_chats_are_the_last_to_go():
    forged = {**_chat("Forged pin?", "d" * 32, 1.0), "pinned": "yes"}
    saved, gone = chats.from_browser({"chats": [forged]})
    assert not any("remove" in change for change in gone)  # a display flag loses no chat
    assert chats.find(saved, "d" * 32) is not None and not chats.pinned(saved, "d" * 32)
    old = {**_chat("Old but pinned?", "e" * 32, 0.0), "pinned": True}
    newer = [_chat(f"Q{n}?", f"{n:032x}", 1.0 + n) for n in range(chats.MAX_CHATS)]
    saved, gone = chats.from_browser({"chats": [old, *newer]})
    assert chats.find(saved, "e" * 32) is not None
    assert gone == [{"remove": f"{0:032x}"}]  # the oldest unpinned one


def test_a_saved_machine_translation_is_kept_and_an_older_chat_loads_without_one():
    translated = {**CITATION, "language": "nl", "translation": "The HR manager leads."}
    records = _turn("Wat doet een HR-manager?")
    records[1] = {**records[1], "citations": [translated]}
    saved, chat_id = chats.remember(chats.empty(), "", records)
    reopened = chats.find(saved, chat_id)["records"][1]
    assert reopened["citations"][0]["translation"] == "The HR manager leads."
    assert "The HR manager leads." in cards_of(reopened, "en")
    assert "Machinevertaling:" in messages_of([records[0], reopened])[1]["content"]

    old = _turn("q")[1]  # saved before translations: it loads, and stays as it was
    assert chats.valid_record(old) == old
    assert chats.valid_record({**old, "citations": [{**CITATION, "translation": ""}]}) == old
    too_long = {**translated, "translation": "x" * (chats.MAX_FIELD_CHARS + 1)}
    assert chats.valid_record({**records[1], "citations": [too_long]}) is None
