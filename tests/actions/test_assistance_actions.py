"""Study tips with context, contact, the unanswered log, and failures becoming apologies."""

import sqlite3

from actions.assistance import ActionContact, ActionCoreFallback, ActionInformTopic, ActionLogUnanswered
from actions.schedules import ActionAnswerSchedule
from actions.study_tips import ActionStudyTips
from bot.state import db as state
from tests.actions.conftest import run, slot_events, texts, tracker


def test_study_tips_for_the_remembered_exam(manabi_env, domain):
    """「ITパスポートの補助は？」 then 「それの勉強法は？」: the exam comes from the slot."""
    events, messages = run(
        ActionStudyTips(), tracker("それの勉強法は？", "ask_study_tips", slots={"exam": "itpass"}), domain
    )
    reply = texts(messages)
    assert "ITパスポート試験" in reply and "100〜150時間" in reply and "シラバス" in reply and "過去問題" in reply
    assert slot_events(events) == {"exam": "itpass"}


def test_g_kentei_tips_point_to_the_ai_study_group(manabi_env, domain):
    reply = texts(run(ActionStudyTips(), tracker("G検の勉強法", "ask_study_tips", [("exam", "g_kentei")]), domain)[1])
    assert "AI勉強会" in reply and "2026年12月9日（水）" in reply and "公式テキスト" in reply


def test_study_tips_without_an_exam_asks_which(manabi_env, domain):
    _, messages = run(ActionStudyTips(), tracker("勉強法を教えて", "ask_study_tips"), domain)
    assert "どの試験" in texts(messages)
    assert all(b["payload"].startswith("/ask_study_tips") for b in messages[0]["buttons"])


def test_contact(manabi_env, domain):
    reply = texts(run(ActionContact(), tracker("問い合わせ先は？", "ask_contact"), domain)[1])
    assert "デジタル行政戦略課（内線 2345）" in reply


def test_out_of_scope_is_logged(manabi_env, domain):
    state = tracker("今日の天気は？", "out_of_scope", sender="staff-9")
    reply = texts(run(ActionLogUnanswered(), state, domain)[1])
    assert "お答えできません" in reply and "内線 2345" in reply
    rows = (
        sqlite3.connect(manabi_env / "manabi.sqlite")
        .execute("SELECT sender_id, text, reason, intent FROM unanswered_questions")
        .fetchall()
    )
    assert rows == [("staff-9", "今日の天気は？", "out_of_scope", "out_of_scope")]


def test_low_confidence_is_logged_with_the_best_guess(manabi_env, domain):
    state = tracker("ほげほげ", "nlu_fallback", confidence=0.5)
    state.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "greet", "confidence": 0.31},
    ]
    reply = texts(run(ActionLogUnanswered(), state, domain)[1])
    assert "読み取れませんでした" in reply
    row = (
        sqlite3.connect(manabi_env / "manabi.sqlite")
        .execute("SELECT reason, intent, confidence FROM unanswered_questions")
        .fetchone()
    )
    assert row == ("low_confidence", "greet", 0.31)


def test_button_payloads_are_not_logged(manabi_env, domain):
    run(ActionLogUnanswered(), tracker("/nonsense", "nlu_fallback"), domain)
    conn = state.connect(manabi_env / "manabi.sqlite")
    assert conn.execute("SELECT COUNT(*) FROM unanswered_questions").fetchone()[0] == 0


def test_bare_exam_name_offers_topics(manabi_env, domain):
    events, messages = run(ActionInformTopic(), tracker("FEです", "inform", [("exam", "fe")]), domain)
    assert "基本情報技術者試験ですね" in texts(messages) and len(messages[0]["buttons"]) == 3
    assert slot_events(events) == {"exam": "fe"}


def test_a_fact_outside_the_form_starts_the_subsidy_check(manabi_env, domain):
    """「DBスペの補助って出る？」→ amount, then 「再任用です」: check eligibility with what is known."""
    events, messages = run(
        ActionInformTopic(),
        tracker("再任用です", "inform", [("employment_type", "reappointed")], slots={"exam": "db"}),
        domain,
    )
    assert events == [{"event": "followup", "timestamp": None, "name": "subsidy_form"}]
    assert "確認しますね" in texts(messages)


def test_a_broken_catalogue_gives_a_polite_apology(manabi_env, domain, monkeypatch, tmp_path):
    monkeypatch.setenv("MANABI_CATALOGUE_DB", str(tmp_path / "missing.sqlite"))
    events, messages = run(ActionAnswerSchedule(), tracker("RPA研修はいつ？", "ask_schedule"), domain)
    assert events == []
    assert "申し訳ありません" in texts(messages) and "内線 2345" in texts(messages)
    assert "Traceback" not in texts(messages)


def test_core_fallback_in_a_form_takes_the_answer_back(manabi_env, domain):
    """An answer the form cannot use: apologise, ask again, revert the message so the form keeps
    waiting (without the revert Rasa predicted the fallback 10 times and the conversation hung)."""
    state = tracker("嘱託職員です", "inform", slots={"requested_slot": "employment_type"}, active_loop="subsidy_form")
    events, messages = run(ActionCoreFallback(), state, domain)
    assert events == [{"event": "rewind", "timestamp": None}]
    assert "読み取れませんでした" in texts(messages) and "やめる" in texts(messages)
    row = (
        sqlite3.connect(manabi_env / "manabi.sqlite")
        .execute("SELECT text, reason FROM unanswered_questions")
        .fetchone()
    )
    assert row == ("嘱託職員です", "not_understood")


def test_core_fallback_outside_a_form(manabi_env, domain):
    events, messages = run(ActionCoreFallback(), tracker("うーん", "deny"), domain)
    assert events == [{"event": "rewind", "timestamp": None}]
    assert "内線 2345" in texts(messages)


def test_blank_message_is_neither_an_apology_nor_logged(manabi_env, domain):
    reply = texts(run(ActionLogUnanswered(), tracker("　 ", "nlu_fallback"), domain)[1])
    assert "空" in reply and "申し訳" not in reply
    conn = state.connect(manabi_env / "manabi.sqlite")
    assert conn.execute("SELECT COUNT(*) FROM unanswered_questions").fetchone()[0] == 0


def test_study_tips_for_an_exam_we_do_not_cover(manabi_env, domain):
    """「英検の勉強法」 after talking about ITパスポート must not answer for ITパスポート."""
    events, messages = run(
        ActionStudyTips(), tracker("英検の勉強法は？", "ask_study_tips", slots={"exam": "itpass"}), domain
    )
    assert "「英検」は勉強法のご案内の対象" in texts(messages) and "100〜150時間" not in texts(messages)
    assert events == []


def test_an_english_question_is_asked_to_be_japanese(manabi_env, domain):
    reply = texts(run(ActionLogUnanswered(), tracker("When is the next RPA training?", "nlu_fallback"), domain)[1])
    assert "Please ask in Japanese" in reply and "内線 2345" in reply
    reply = texts(run(ActionLogUnanswered(), tracker("RPA研修はいつ？ ok", "nlu_fallback"), domain)[1])
    assert "Please ask in Japanese" not in reply


def test_study_tips_for_each_exam_named(manabi_env, domain):
    events, messages = run(
        ActionStudyTips(),
        tracker("ITパスとG検定の勉強法", "ask_study_tips", [("exam", "itpass"), ("exam", "g_kentei")]),
        domain,
    )
    assert len(messages) == 2
    assert "ITパスポート試験" in messages[0]["text"] and "G検定" in messages[1]["text"]
    assert events[-1]["value"] == "g_kentei"
