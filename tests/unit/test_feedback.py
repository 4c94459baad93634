"""Feedback: answer ids read back from Rasa events, the store (one rating per answer), the exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.cli import main
from bot.feedback.answers import Answer, answer_id, find_answer, iter_answers, split_answer_id
from bot.feedback.export import feedback_csv, feedback_json
from bot.feedback.ratings import rate_answer
from bot.state import db as state
from bot.state import feedback


def conversation() -> list:
    intent = {"name": "ask_subsidy_amount", "confidence": 0.93}
    return [
        ActionExecuted("action_listen"),
        UserUttered("ITパスポートの補助はいくら？", intent=intent, message_id="m1"),
        ActionExecuted("action_subsidy_amount"),
        BotUttered("補助額は3,750円です。", {"custom": {"card": {"title": "補助"}}}),
        BotUttered("ほかに質問はありますか？"),
        ActionExecuted("action_listen"),
        UserUttered(
            "/ask_study_tips",
            intent={"name": "ask_study_tips", "confidence": 1.0},
            message_id="m2",
            metadata={"display_text": "勉強法を見る"},
        ),
        ActionExecuted("action_study_tips"),
        BotUttered("", {"custom": {"card": {"title": "ITパスポートの勉強法"}}}),
    ]


def test_answers_are_numbered_per_user_message_with_their_action_and_intent():
    found = list(iter_answers(conversation()))
    assert [a.answer_id for a in found] == ["m1#0", "m1#1", "m2#0"]
    first = found[0]
    assert (first.question, first.action, first.intent, first.confidence) == (
        "ITパスポートの補助はいくら？",
        "action_subsidy_amount",
        "ask_subsidy_amount",
        0.93,
    )
    assert found[2].question == "勉強法を見る"  # a button click is recorded by its title
    assert found[2].text == "ITパスポートの勉強法"  # a card without text is named by its title
    assert find_answer(conversation(), "m1#1").text == "ほかに質問はありますか？"
    assert find_answer(conversation(), "m3#0") is None


@pytest.mark.parametrize("value", [None, "", "m1", "m1#", "#0", "m1#x", 5, "m1#99999", "x" * 400 + "#0"])
def test_malformed_answer_ids_are_refused(value):
    assert split_answer_id(value) is None


def test_answer_ids_split_at_the_last_separator():
    assert split_answer_id(answer_id("a#b", 3)) == ("a#b", 3)


@pytest.fixture
def conn(state_location):
    """SQLite, then PostgreSQL (tests/conftest.py)."""
    connection = state.connect(state_location)
    yield connection
    connection.close()


def test_a_second_rating_replaces_the_first(conn):
    assert rate_answer(conn, conversation(), sender_id="web:a", answer_id="m1#0", rating="up", channel="web")
    rate_answer(
        conn, conversation(), sender_id="web:a", answer_id="m1#0", rating="down", channel="web", comment=" 金額が古い "
    )
    rows = feedback.list_feedback(conn)
    assert len(rows) == 1
    assert (rows[0]["rating"], rows[0]["comment"], rows[0]["intent"]) == ("down", "金額が古い", "ask_subsidy_amount")
    assert feedback.ratings_for(conn, "web:a", ["m1#0", "m1#1"]) == {
        "m1#0": {"rating": "down", "comment": "金額が古い"}
    }
    assert feedback.ratings_for(conn, "web:b", ["m1#0"]) == {}  # someone else's rating is not shown
    assert feedback.remove(conn, "m1#0", "up") is False
    assert feedback.remove(conn, "m1#0") is True and feedback.list_feedback(conn) == []


def test_a_rating_for_an_answer_not_in_the_conversation_is_not_stored(conn):
    assert rate_answer(conn, conversation(), sender_id="web:a", answer_id="other#0", rating="up", channel="web") is None
    assert feedback.list_feedback(conn) == []


def test_a_comment_is_kept_only_with_thumbs_down(conn):
    rate_answer(conn, conversation(), sender_id="web:a", answer_id="m1#1", rating="up", channel="web", comment="x")
    assert feedback.list_feedback(conn)[0]["comment"] is None


def test_an_unknown_rating_is_an_error(conn):
    with pytest.raises(ValueError):
        feedback.rate(
            conn,
            Answer("a#0", question="", text="", action=None, intent=None, confidence=None, answered_at=None, data={}),
            sender_id="s",
            rating="meh",
            channel=None,
        )


def test_message_ids_of_other_systems_map_to_answers(conn):
    feedback.remember_refs(conn, "teams", "aad-1", [("reply-1", "act-1#0"), ("reply-2", "act-1#1")])
    assert feedback.find_ref(conn, "teams", "reply-2") == ("act-1#1", "aad-1")
    assert feedback.find_ref(conn, "teams", "reply-3") is None


def test_exports_for_excel_and_json_without_sender_ids(conn):
    rate_answer(
        conn,
        conversation(),
        sender_id="web:a",
        answer_id="m1#0",
        rating="down",
        channel="web",
        comment="=cmd|' /C calc'!A0",
    )
    rows = feedback.list_feedback(conn)
    data = feedback_csv(rows)
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][2:5] == ["評価", "コメント", "質問"]
    assert table[1][2] == "👎" and table[1][3] == "'=cmd|' /C calc'!A0"
    records = json.loads(feedback_json(rows))
    assert records[0]["question"] == "ITパスポートの補助はいくら？" and "sender_id" not in records[0]


def test_feedback_export_command(conn, tmp_path, capsysbinary, state_location):
    rate_answer(conn, conversation(), sender_id="web:a", answer_id="m1#0", rating="up", channel="web")
    out = tmp_path / "feedback.csv"
    assert main(["feedback", "export", "--db", str(state_location), "--out", str(out)]) == 0
    assert "ITパスポートの補助はいくら？" in out.read_text(encoding="utf-8-sig")
    assert main(["feedback", "export", "--db", str(state_location), "--format", "json", "--rating", "down"]) == 0
    assert json.loads(capsysbinary.readouterr().out) == []
