"""The saved conversations, as plain values (the browser part is in test_browser)."""

from ui import chats


def _turn(question: str) -> tuple[list[dict[str, str]], list[dict[str, str] | None]]:
    messages = [{"role": "user", "content": question}, {"role": "assistant", "content": "…"}]
    return messages, [{"question": question}, {"answer": "…"}]


def test_a_chat_is_saved_under_its_first_question_and_updated_in_place():
    messages, records = _turn("What does an HR manager do on a normal working day?")
    saved, chat_id = chats.remember(chats.empty(), "", messages, records)
    assert saved["current"] == chat_id
    assert chats.choices(saved) == [
        ("What does an HR manager do on a normal working day?", chat_id)
    ]
    more, more_records = _turn("And the HR assistant?")
    saved, same = chats.remember(saved, chat_id, messages + more, records + more_records)
    assert same == chat_id and len(saved["chats"]) == 1
    assert len(chats.find(saved, chat_id)["messages"]) == 4


def test_newest_first_renamed_removed_and_capped():
    saved = chats.empty()
    ids = []
    for n in range(chats.MAX_CHATS + 2):
        saved, chat_id = chats.remember(saved, "", *_turn(f"Question {n}?"))
        ids.append(chat_id)
    listed = chats.choices(saved)
    assert len(listed) == chats.MAX_CHATS and listed[0] == ("Question 31?", ids[-1])
    saved = chats.rename(saved, ids[-1], "  Payroll   questions ")
    assert chats.choices(saved)[0][0] == "Payroll questions"
    saved = chats.remove(saved, ids[-1])
    assert saved["current"] == "" and chats.find(saved, ids[-1]) is None


def test_a_long_first_question_is_shortened_and_garbage_in_storage_is_ignored():
    long_question = "Ik ben net teamleider geworden en vraag me af " * 4
    assert len(chats.title_of([{"question": long_question}])) <= chats.MAX_TITLE_CHARS + 2
    assert chats.choices({"chats": "not a list"}) == []
    assert chats.choices({"chats": [{"id": 3}, "x"]}) == []
    assert chats.opened(None, "missing") == chats.empty()
