"""Short follow-ups that continue the previous answer (actions/follow_ups.py, actions/base.py)."""

import pytest

from actions.follow_ups import named_kinds_alone
from actions.schedules import ActionAnswerSchedule, ActionCourseDetails
from actions.study_tips import ActionStudyTips
from actions.subsidies import ActionAskExam, ActionSubsidyAmount
from tests.actions.conftest import answered_as, run_all, texts, tracker


def conversation(*turns, now):
    """Events of earlier turns — (user text, action, answered_as or None) — then the current message."""
    events = []
    for text, action, recorded in turns:
        events += [{"event": "user", "text": text}, {"event": "action", "name": action}]
        if recorded:
            events.append({"event": "slot", "name": "answered_as", "value": recorded})
        events.append({"event": "action", "name": "action_listen"})
    return events + [{"event": "user", "text": now}]


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("G検は？", {"exam"}),
        ("じゃあFEは？", {"exam"}),
        ("G検定ならどう？", {"exam"}),
        ("基本情報と応用情報は？", {"exam"}),
        ("AI-OCR研修は？", {"course"}),
        ("ＲＰＡ研修って？", {"course"}),
        ("G検の勉強法は？", None),
        ("RPA研修はいつ？", None),
        ("来月の研修は？", None),
        ("ありがとう", None),
        ('/ask_study_tips{"exam":"fe"}', None),
    ],
)
def test_a_message_of_names_alone(manabi_env, text, kinds):
    assert named_kinds_alone(text) == kinds


@pytest.mark.parametrize(
    "before, now, intent, exam_or_course, action, expected, recorded_as",
    [
        # QA: 「iパスの勉強方法は？」 → 「G検は？」 gave G検定's exam dates (the NLU said ask_schedule)
        (
            ("iパスの勉強方法は？", "action_study_tips"),
            "G検は？",
            "ask_schedule",
            ("exam", "g_kentei"),
            ActionAnswerSchedule,
            "**G検定**の勉強法です",
            "action_study_tips",
        ),
        (
            ("G検の補助はいくら", "action_subsidy_amount"),
            "じゃあFEは？",
            "ask_study_tips",
            ("exam", "fe"),
            ActionStudyTips,
            "**基本情報技術者試験**の受験料は7,500円",
            "action_subsidy_amount",
        ),
        # a full question is not a follow-up
        (
            ("G検の補助はいくら", "action_subsidy_amount"),
            "FEの勉強法は？",
            "ask_study_tips",
            ("exam", "fe"),
            ActionStudyTips,
            "**基本情報技術者試験**の勉強法です",
            "action_study_tips",
        ),
        # a course alone after study tips is not forced into study tips
        (
            ("G検の勉強法", "action_study_tips"),
            "RPA研修は？",
            "ask_course_details",
            ("course", "rpa"),
            ActionCourseDetails,
            "**RPA活用研修**",
            "action_course_details",
        ),
    ],
)
def test_a_name_alone_continues_the_previous_answer(
    manabi_env, domain, before, now, intent, exam_or_course, action, expected, recorded_as
):
    earlier_text, earlier_action = before
    state = tracker(
        now, intent, [exam_or_course], events=conversation((earlier_text, earlier_action, earlier_action), now=now)
    )
    events, messages = run_all(action(), state, domain)
    assert expected in texts(messages) and answered_as(events) == recorded_as


def test_subsidy_follow_ups_stay_on_the_subsidy(manabi_env, domain):
    """QA: after 「期限は？」 (answered for the subsidy) 「どこに出せばいい？」 got the course picker."""
    first = tracker(
        "期限はいつまで？",
        "ask_course_details",
        slots={"exam": "itpass"},
        events=conversation(
            ("補助の申請方法は？", "action_subsidy_procedure", "action_subsidy_procedure"), now="期限はいつまで？"
        ),
    )
    events, messages = run_all(ActionCourseDetails(), first, domain)
    assert "合格発表日から3か月以内" in texts(messages)
    assert answered_as(events) == "action_subsidy_procedure"
    second = tracker(
        "どこに出せばいい？",
        "ask_course_details",
        slots={"exam": "itpass"},
        events=conversation(
            ("補助の申請方法は？", "action_subsidy_procedure", "action_subsidy_procedure"),
            ("期限はいつまで？", "action_course_details", answered_as(events)),
            now="どこに出せばいい？",
        ),
    )
    reply = texts(run_all(ActionCourseDetails(), second, domain)[1])
    assert "申請方法です" in reply and "電子申請システム" in reply


@pytest.mark.parametrize(
    "text", ["いつ入金されるの？", "G検定の補助はいつ入りますか？", "補助金はいつごろもらえますか"]
)
def test_payment_questions_classified_as_amount_get_the_payment(manabi_env, domain, text):
    events, messages = run_all(ActionSubsidyAmount(), tracker(text, "ask_subsidy_amount"), domain)
    assert texts(messages).startswith("**補助金の支給**") and answered_as(events) == "action_subsidy_procedure"


def test_a_form_question_records_no_answer(manabi_env, domain):
    events, _ = run_all(ActionAskExam(), tracker("補助の対象になる？", "check_subsidy_eligibility"), domain)
    assert answered_as(events) is None
