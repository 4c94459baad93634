"""The one answering action, given a tracker: what it sends and the events it returns.

The understanding and the route are tested on their own (tests/unit/test_reader.py,
tests/unit/test_route.py); here the action's own job is checked: messages sent, the question and
the person's facts kept in slots, the office's log, forms started, failures become apologies.
"""

import json
import sqlite3

import pytest

from actions.answer import ActionAnswer
from actions.assistance import ActionCoreFallback
from actions.context import QUESTION
from tests.actions.conftest import run, slot_events, texts, tracker


def question_slot(events):
    value = slot_events(events).get(QUESTION)
    return json.loads(value) if value else None


def test_a_schedule_question(manabi_env, domain):
    events, messages = run(ActionAnswer(), tracker("RPA研修はいつ？", "ask_schedule", [("course", "rpa")]), domain)
    assert "2026年12月16日（水） 10:00〜11:30" in texts(messages)
    kept = question_slot(events)
    assert (kept["topic"], kept["courses"], kept["asks"]) == ("course", ["rpa"], ["when"])


def test_a_follow_up_reads_the_kept_question(manabi_env, domain):
    first, _ = run(
        ActionAnswer(), tracker("リーダー研修の内容は？", "ask_course_details", [("course", "leader")]), domain
    )
    slots = {QUESTION: slot_events(first)[QUESTION]}
    events, messages = run(ActionAnswer(), tracker("締め切りは？", "ask_course_details", slots=slots), domain)
    assert "第7期" in texts(messages) and "2027年3月31日（水）" in texts(messages)
    assert question_slot(events)["context"] == "follow_up"


def test_the_eligibility_check_asks_then_answers_and_remembers(manabi_env, domain):
    events, messages = run(
        ActionAnswer(),
        tracker("G検定の補助の対象になりますか", "check_subsidy_eligibility", [("exam", "g_kentei")]),
        domain,
    )
    assert "任用形態" in texts(messages)
    assert question_slot(events)["awaiting"] == "employment_type"
    slots = {QUESTION: slot_events(events)[QUESTION]}
    events, messages = run(ActionAnswer(), tracker("正規職員です", "inform", slots=slots), domain)
    assert "合格していますか" in texts(messages)
    assert slot_events(events)["employment_type"] == "regular"
    slots = {QUESTION: slot_events(events)[QUESTION], "employment_type": "regular"}
    events, messages = run(ActionAnswer(), tracker("はい", "affirm", slots=slots), domain)
    assert "補助の対象です" in texts(messages) and "6,600円" in texts(messages)
    assert question_slot(events)["awaiting"] is None


def test_out_of_scope_is_answered_politely_and_logged(manabi_env, domain):
    _, messages = run(ActionAnswer(), tracker("今日の天気は？", "out_of_scope", sender="staff-9"), domain)
    assert "お答えできません" in texts(messages) and "内線 2345" in texts(messages)
    rows = (
        sqlite3.connect(manabi_env / "manabi.sqlite")
        .execute("SELECT sender_id, text, reason, intent FROM unanswered_questions")
        .fetchall()
    )
    assert rows == [("staff-9", "今日の天気は？", "out_of_scope", "out_of_scope")]


def test_an_unclear_question_offers_the_closest_topics_and_is_logged(manabi_env, domain):
    _, messages = run(ActionAnswer(), tracker("ITパスポートのことなんですけど", "inform", [("exam", "itpass")]), domain)
    assert "もしかして" in texts(messages)
    assert [b["title"] for b in messages[0]["buttons"]][:2] == [
        "ITパスポート試験の補助額",
        "ITパスポート試験の補助の対象か確認",
    ]
    reason = sqlite3.connect(manabi_env / "manabi.sqlite").execute("SELECT reason FROM unanswered_questions").fetchone()
    assert reason == ("vague",)


def test_small_talk_is_the_domain_response(manabi_env, domain):
    _, messages = run(ActionAnswer(), tracker("ありがとう", "thank"), domain)
    assert [m.get("response") for m in messages] == ["utter_thank"]


def test_a_greeting_is_answered_in_kind(manabi_env, domain):
    _, messages = run(ActionAnswer(), tracker("お疲れさまです", "greet"), domain)
    assert texts(messages).startswith("お疲れさまです。") and "まなびアシスタント" in texts(messages)


def test_a_wish_to_register_starts_the_registration(manabi_env, domain):
    events, messages = run(
        ActionAnswer(), tracker("リーダー研修に応募したいです", "ask_course_details", [("course", "leader")]), domain
    )
    assert {"event": "followup", "timestamp": None, "name": "action_registration_start"} in events
    assert messages == []


def test_my_registrations_are_listed(manabi_env, domain):
    _, messages = run(ActionAnswer(), tracker("申込状況を教えて", "ask_my_registrations"), domain)
    assert "登録されている申込はありません" in texts(messages)


def test_a_failure_becomes_an_apology(manabi_env, domain, monkeypatch):
    import actions.answer

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(actions.answer, "answer", broken)
    events, messages = run(ActionAnswer(), tracker("RPA研修はいつ？", "ask_schedule"), domain)
    assert events == [] and "申し訳ありません" in texts(messages) and "内線 2345" in texts(messages)


@pytest.mark.parametrize("loop, expected", [(None, "読み取れませんでした"), ("registration_form", "直前の質問")])
def test_the_dialogue_fallback_takes_the_message_back(manabi_env, domain, loop, expected):
    events, messages = run(ActionCoreFallback(), tracker("嘱託職員です", active_loop=loop), domain)
    assert events == [{"event": "rewind", "timestamp": None}] and expected in texts(messages)
