"""Reminders asked for in conversation: understanding (topic ``reminder``, its asks, the lead) and the
answers (which session or deadline, when it is sent, what is cancelled).

Each class has phrasings of its own beyond the issue's examples, and the NLU's intent varies on purpose:
these requests were never trained for, so the words decide, whatever intent the model guessed.
"""

import datetime as dt

import pytest

from bot.answers.model import CANCEL_REMINDERS, LIST_REMINDERS, SET_REMINDERS, Circumstances, ReminderRequest
from bot.answers.reminders import to_cancel
from bot.answers.route import answer
from bot.clock import JST
from bot.registrations import cohorts
from bot.state.reminders import DEADLINE, SESSION, Reminder, Wanted
from bot.understanding.lead_time import lead_days
from bot.understanding.question import Question
from bot.understanding.reader import Message, understander

TODAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)
GUESSES = ["ask_schedule", "ask_course_details", "nlu_fallback", "out_of_scope", "cancel_registration", "stop", None]


@pytest.fixture(scope="module")
def understand(catalogue):
    step = understander(catalogue)

    def read(text, intent=None, previous=None):
        return step.understand(Message(text, intent, 0.7 if intent else 0.0), previous, TODAY)

    return read


@pytest.fixture(scope="module")
def now(catalogue):
    statuses = cohorts.statuses(catalogue, {}, TODAY)
    return Circumstances(
        TODAY,
        open_cohorts=[s.effective_cohort for s in statuses if s.is_open],
        closed_cohorts={s.cohort.id: s.reason for s in statuses if not s.is_open},
        now=NOW,
        channel="teams",
    )


@pytest.fixture(scope="module")
def reply(understand, catalogue, now):
    def run(text, intent=None, previous=None, circumstances=None):
        question = understand(text, intent, previous)
        return question, answer(question, catalogue, circumstances or now)

    return run


# --- understanding: the class, not the examples ----------------------------------------------------------
SET_PHRASES = [
    ("RPA研修の前の日に教えて", "rpa", 1),
    ("RPA研修の前日に知らせて", "rpa", 1),
    ("AI勉強会の3日前に教えてください", "ai_study", 3),
    ("AI勉強会の三日前に通知して", "ai_study", 3),
    ("Excel講座の1週間前にリマインドして", "excel", 7),
    ("excel講座、一週間前にお知らせをお願いします", "excel", 7),
    ("SNS研修を忘れないように通知してほしい", "sns", None),
    ("AI-OCR研修が近づいたら教えて", "ai_ocr", None),
    ("議事録の研修、前もって知らせてもらえますか", "ai_minutes", None),
    ("RPA研修のリマインドお願いします", "rpa", None),
    ("管理職研修の2週間前に連絡してください", "manager", 14),
    ("RPA研修の当日の朝に知らせて", "rpa", 0),
    ("ＲＰＡ研修の前日に教えて！", "rpa", 1),  # full width
]


@pytest.mark.parametrize("text, course, lead", SET_PHRASES)
@pytest.mark.parametrize("intent", GUESSES)
def test_asking_to_be_reminded_of_a_course_is_a_reminder_whatever_the_intent(understand, text, course, lead, intent):
    question = understand(text, intent)
    assert question.topic == "reminder" and question.asks == ("remind",)
    assert question.courses[:1] == (course,)
    assert question.lead_days == lead
    assert not question.vague and question.smalltalk is None


@pytest.mark.parametrize(
    "text",
    [
        "締め切り前にリマインドして",
        "締切の1週間前に知らせて",
        "第7期の締め切りの前日に教えて",
        "リーダー研修の応募締め切りを忘れないように教えて",
        "申込期限が近くなったら知らせて",
    ],
)
def test_asking_to_be_reminded_of_a_deadline(understand, text):
    question = understand(text, "ask_course_details")
    assert question.topic == "reminder" and "deadline" in question.stated_asks


@pytest.mark.parametrize(
    "text",
    [
        "リマインド一覧",
        "リマインドの一覧を見せて",
        "設定したリマインドを確認したい",
        "頼んだリマインドってどうなってる？",
        "通知の予定を教えて",
    ],
)
def test_asking_for_the_list(understand, reply, text):
    question, result = reply(text, "ask_my_registrations")
    assert question.topic == "reminder" and result.start == LIST_REMINDERS


@pytest.mark.parametrize(
    "text, everything, courses",
    [
        ("リマインドを取り消して", False, ()),
        ("通知を止めて", False, ()),
        ("通知はもういいです", False, ()),
        ("リマインドは不要になりました", False, ()),
        ("もう知らせなくていいよ", False, ()),
        ("リマインド解除", False, ()),
        ("RPA研修のリマインドはいらない", False, ("rpa",)),
        ("AI勉強会の通知をキャンセルしたい", False, ("ai_study",)),
        ("リマインドを全部取り消して", True, ()),
        ("通知をすべて止めてください", True, ()),
    ],
)
@pytest.mark.parametrize("intent", ["cancel_registration", "stop", "help", None])
def test_asking_to_cancel(reply, text, everything, courses, intent):
    question, result = reply(text, intent)
    assert question.topic == "reminder"
    assert result.start == CANCEL_REMINDERS
    assert result.reminder.everything is everything and result.reminder.courses == courses


@pytest.mark.parametrize(
    "text, intent, topic",
    [
        ("研修の日程を知らせてください", "ask_schedule", "course"),  # tell me now, not later
        ("RPA研修はいつ？", "ask_schedule", "course"),
        ("ITパスポートの勉強法を教えてほしい", "ask_study_tips", "study"),
        ("3日前に教えてもらった補助の件ですが、いくらでしたっけ", "ask_subsidy_amount", "subsidy"),  # told before
        ("前日に教えていただいた会場はどこでしたか", "ask_course_details", "course"),
        ("合格通知が届きました。補助はいくら？", "ask_subsidy_amount", "subsidy"),
        ("申込を取り消したい", "cancel_registration", "registration"),  # the registration, not a reminder
    ],
)
def test_other_questions_stay_what_they_were(understand, text, intent, topic):
    assert understand(text, intent).topic == topic


def test_a_reminder_of_what_was_just_asked_about(understand):
    before = understand("1月のExcel講座はいつ？", "ask_schedule")
    question = understand("前日に教えて", "nlu_fallback", before)
    assert question.topic == "reminder" and question.courses == ("excel",) and question.period == before.period
    deadline = understand("第7期の締め切りは？", "ask_course_details")
    assert "deadline" in understand("その1週間前に知らせて", None, deadline).stated_asks


def test_naming_the_course_after_being_asked_which(understand):
    asked = understand("前日に知らせて", "nlu_fallback")
    assert asked.topic == "reminder" and not asked.courses
    named = understand("RPA研修", "ask_schedule", asked)
    assert named.topic == "reminder" and named.courses == ("rpa",) and named.asks == ("remind",)


@pytest.mark.parametrize(
    "text, days",
    [
        ("前日に", 1),
        ("前の日", 1),
        ("ぜんじつに", 1),
        ("前々日", 2),
        ("5日前", 5),
        ("十日前", 10),
        ("１週間前", 7),
        ("二週間前", 14),
        ("ひと月前", None),
        ("1か月前", 30),
        ("前の週に", 7),
        ("当日の朝", 0),
        ("直前に", 0),
        ("リマインドして", None),
        ("100日前", 90),  # at most three months ahead
    ],
)
def test_lead_days(text, days):
    assert lead_days(text) == days


# --- answers -------------------------------------------------------------------------------------------------
def test_the_day_before_the_next_session_at_nine(reply):
    _, result = reply("RPA研修の前の日に教えて", "ask_schedule")
    assert result.start == SET_REMINDERS
    (wanted,) = result.reminder.wanted
    assert (wanted.kind, wanted.target, wanted.lead_days) == (SESSION, "rpa-1", 1)
    assert wanted.due_at == dt.datetime(2026, 12, 15, 9, 0, tzinfo=JST)
    assert result.reminder.titles == ("RPA活用研修（12月16日（水） 10:00〜）",)


def test_the_session_in_the_month_named(reply):
    _, result = reply("2月のAI勉強会の前日に知らせて")
    assert [w.target_date for w in result.reminder.wanted] == [dt.date(2027, 2, 10)]


def test_two_courses_get_one_each(reply):
    _, result = reply("RPA研修とAI-OCR研修の前日に教えて")
    assert [w.target for w in result.reminder.wanted] == ["rpa-1", "ai-ocr-1"]


def test_a_deadline_a_week_before_or_the_day_before_once_the_week_has_begun(reply, now):
    _, result = reply("締め切り前にリマインドして")
    (wanted,) = result.reminder.wanted
    assert (wanted.kind, wanted.target, wanted.lead_days) == (DEADLINE, "leader-7", 7)
    assert wanted.due_at == dt.datetime(2027, 3, 24, 9, 0, tzinfo=JST)
    late = Circumstances(
        dt.date(2027, 3, 26), open_cohorts=now.open_cohorts, now=dt.datetime(2027, 3, 26, 12, tzinfo=JST)
    )
    _, result = reply("締め切り前にリマインドして", circumstances=late)
    assert result.reminder.wanted[0].lead_days == 1


def test_too_late_says_so_and_sets_nothing(reply, now):
    evening = Circumstances(TODAY, open_cohorts=now.open_cohorts, now=dt.datetime(2026, 12, 15, 18, tzinfo=JST))
    _, result = reply("RPA研修の前日に教えて", circumstances=evening)
    assert result.start is None and "すでに過ぎている" in result.replies[0].text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("前日に知らせて", "何についてお知らせしましょうか"),
        ("基礎研修の前日に教えて", "期間中いつでも受講できる研修"),
        ("リーダー研修の前日に教えて", "締め切り（2027年3月31日（水））の前にお知らせ"),
        ("RPA研修の締め切り前に教えて", "受講希望の締め切りがありません"),
        ("3月のRPA研修の前日に教えて", "2027年3月に**RPA活用研修**の開催はありません"),
        ("第6期の締め切り前に教えて", "受付を終了しているため"),
        ("補助の申請期限が近づいたら教えて", "合格した日から数える"),
    ],
)
def test_what_cannot_be_reminded_of_is_explained(reply, text, expected):
    _, result = reply(text)
    assert result.start is None
    assert expected in "\n".join(r.text for r in result.replies)


def test_channels_that_cannot_be_reached_are_told_so(reply, now):
    rest = Circumstances(TODAY, open_cohorts=now.open_cohorts, now=NOW, channel="rest")
    _, result = reply("RPA研修の前日に教えて", circumstances=rest)
    assert result.start is None and "Teams か Web チャット" in result.replies[0].text


def _reminder(number, kind=SESSION, course="rpa", target="rpa-1"):
    due = dt.datetime(2026, 12, 15, 9, tzinfo=JST)
    wanted = Wanted(kind, target, course, dt.date(2026, 12, 16), 1, due)
    return Reminder(**vars(wanted), id=number, person_id="p", status="pending", created_at="", updated_at="")


@pytest.mark.parametrize(
    "request_, pending, chosen, why",
    [
        (ReminderRequest(), [], [], "none"),
        (ReminderRequest(), [1], [1], None),  # the only one
        (ReminderRequest(), [1, 2], [], "which"),  # which of them?
        (ReminderRequest(everything=True), [1, 2], [1, 2], None),
        (ReminderRequest(courses=("rpa",)), [1, 2], [1], None),
        (ReminderRequest(courses=("sns",)), [1, 2], [], "no_match"),
        (ReminderRequest(deadline=True), [1, 2], [2], None),
        (ReminderRequest(cohort="leader-7"), [1, 2], [2], None),
    ],
)
def test_which_reminders_are_cancelled(request_, pending, chosen, why):
    stored = {1: _reminder(1), 2: _reminder(2, DEADLINE, "leader", "leader-7")}
    found, reason = to_cancel(request_, [stored[n] for n in pending])
    assert [r.id for r in found] == chosen and reason == why


def test_a_reminder_question_is_kept_for_the_next_message():
    question = Question(text="RPA研修の前日に教えて", topic="reminder", asks=("remind",), courses=("rpa",), lead_days=1)
    assert Question.from_json(question.to_json()) == question
