"""Answers to structured questions (bot.answers): catalogue rows in, the facts of each reply out.

Questions are built by hand here, so each test pins one decision of the route; the understanding
that builds them from text is tested in tests/unit/test_understanding.py.
"""

import datetime as dt

import pytest

from bot.answers.model import LIST_REGISTRATIONS, START_CANCELLATION, START_REGISTRATION, Circumstances
from bot.answers.route import answer
from bot.dates import month_period
from bot.registrations import cohorts
from bot.understanding.question import DENIED, HYPOTHETICAL, OTHER, PersonFact, Question

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def now(catalogue):
    statuses = cohorts.statuses(catalogue, {}, TODAY)
    return Circumstances(
        TODAY,
        open_cohorts=[s.effective_cohort for s in statuses if s.is_open],
        closed_cohorts={s.cohort.id: s.reason for s in statuses if not s.is_open},
    )


@pytest.fixture
def ask(catalogue, now):
    def reply(**fields):
        fields.setdefault("text", "…")
        result = answer(Question(**fields), catalogue, now)
        result.text = (
            "\n".join(r.text for r in result.replies)
            + "\n"
            + "\n".join(b["title"] for r in result.replies for b in r.buttons)
        )
        return result

    return reply


# --- courses -------------------------------------------------------------------------------------
def test_the_next_session_of_any_course(ask):
    text = ask(topic="course", asks=("next",)).text
    assert "いちばん近い研修は、**2026年12月9日（水） 15:00〜17:00のAI勉強会**" in text and "12月16日" in text


def test_how_many_remain_and_the_last_of_the_fiscal_year(ask):
    text = ask(topic="course", asks=("count", "last"), courses=("ai_study",)).text
    assert "あと**4回**" in text and "最後の回は、**2027年3月10日（水）" in text


def test_the_earliest_in_a_month(ask):
    text = ask(topic="course", asks=("next",), period=month_period(2027, 1)).text
    assert "2027年1月13日（水）" in text and "AI勉強会" in text


def test_two_months_are_both_answered(ask):
    text = ask(
        topic="course", asks=("when",), period=month_period(2026, 12), more_periods=(month_period(2027, 1),)
    ).text
    assert "2026年12月の研修は2件" in text and "2027年1月の研修は5件" in text


def test_each_course_named_gets_its_dates(ask):
    text = ask(topic="course", asks=("when",), courses=("rpa", "ai_ocr")).text
    assert "2026年12月16日（水）" in text and "2027年1月21日（木）" in text


def test_a_phase_by_name(ask):
    text = ask(topic="course", asks=("when",), phases=("leader:2",)).text
    assert "「演習」は**7月〜8月**" in text and "Power BI" in text


@pytest.mark.parametrize(
    "asks, expected",
    [
        (("deadline",), "2027年3月31日（水）"),
        (("seats",), "定員は20名"),
        (("target",), "概ね30代"),
        (("hours",), "80〜100時間"),
        (("content",), "サービスデザイン思考"),
    ],
)
def test_one_fact_of_a_course(ask, asks, expected):
    assert expected in ask(topic="course", asks=asks, courses=("leader",)).text


def test_a_course_taken_any_time_has_an_end_not_a_deadline(ask):
    assert "2027年3月31日（水）まで" in ask(topic="course", asks=("deadline",), courses=("basic_elearning",)).text


def test_an_age_is_a_guideline_not_a_bar(ask):
    text = ask(topic="registration", asks=("register",), facts=(PersonFact("age", 20),)).text
    assert "目安" in text and "20代の方も応募できます" in text


def test_an_exams_dates_are_the_organisers(ask):
    text = ask(topic="exam", asks=("when",), exams=("g_kentei",)).text
    assert "日本ディープラーニング協会" in text and "AI勉強会" in text


# --- the subsidy ----------------------------------------------------------------------------------
def test_each_amount_and_the_total(ask):
    text = ask(topic="subsidy", asks=("amount", "total"), exams=("itpass", "g_kentei")).text
    assert "3,750円" in text and "6,600円" in text and "合計10,350円" in text


@pytest.mark.parametrize(
    "asks, expected",
    [
        (("times",), "同じ試験につき1人1回まで"),
        (("rounding",), "1円未満切り捨て"),
        (("rate",), "半額"),
        (("payment",), "翌月の給与支給日"),
        (("documents",), "受験票の写し"),
        (("deadline",), "合格発表日から3か月以内"),
    ],
)
def test_questions_about_the_rules_are_answered_from_the_rule_rows(ask, asks, expected):
    result = ask(topic="subsidy", asks=asks)
    assert expected in result.text and result.question.awaiting is None


def test_who_can_get_it_for_the_db_exam(ask):
    text = ask(topic="subsidy", asks=("target",), exams=("db",)).text
    assert "デジタル行政戦略課" in text and "正規職員と再任用職員" in text


def test_past_the_deadline_is_not_any_more_and_why(ask):
    text = ask(topic="subsidy", asks=("eligibility",), facts=(PersonFact("months_since_pass", 5.0),)).text
    assert "対象外" in text and "申請期限" in text and "3か月以内" in text


def test_a_second_subsidy_for_the_same_exam(ask):
    facts = (PersonFact("previous_subsidies", 1),)
    text = ask(topic="subsidy", asks=("eligibility",), exams=("fe",), facts=facts).text
    assert "対象外" in text and "1人1回" in text


def test_the_person_asking_is_asked_the_missing_fact(ask):
    result = ask(topic="subsidy", asks=("eligibility",), exams=("itpass",))
    assert "任用形態" in result.text and result.question.awaiting == "employment_type"


def test_a_supposed_pass_gets_a_conditional_answer_not_a_question(ask):
    facts = (PersonFact("pass_status", "passed", HYPOTHETICAL),)
    result = ask(topic="subsidy", asks=("eligibility",), exams=("itpass",), facts=facts)
    assert "3,750円" in result.text and "正規職員と再任用職員" in result.text
    assert result.question.awaiting is None


def test_someone_else_is_answered_for_that_person(ask):
    facts = (PersonFact("employment_type", "fiscal_year", about=OTHER),)
    result = ask(topic="subsidy", asks=("eligibility",), exams=("itpass",), facts=facts)
    assert "その方は" in result.text and "対象外" in result.text and result.question.awaiting is None
    assert result.remember == {}  # nothing about someone else is kept as the person's own


def test_the_db_department_denied(ask):
    facts = (PersonFact("department", "digital_strategy", DENIED),)
    assert "対象外" in ask(topic="subsidy", asks=("eligibility",), exams=("db",), facts=facts).text


def test_two_exams_checked_at_once(ask):
    facts = (PersonFact("employment_type", "regular"), PersonFact("pass_status", "passed"))
    result = ask(topic="subsidy", asks=("eligibility",), exams=("itpass", "g_kentei"), facts=facts)
    assert result.text.count("**補助の対象です。**") == 2 and "補助の合計**：10,350円" in result.text
    assert result.remember == {"employment_type": "regular"}


def test_an_exam_we_do_not_cover(ask):
    result = ask(topic="subsidy", not_offered=("簿記",), not_offered_kind="exam")
    assert "「簿記」は受験料補助の対象外です" in result.text and "G検定" in result.text
    assert result.log == "not_offered"


# --- study ------------------------------------------------------------------------------------------
def test_general_advice_when_no_exam_is_named(ask):
    text = ask(text="時間がなくても続けるコツは？", topic="study", asks=("study",)).text
    assert text.index("忙しくても続けるには") < text.index("これから始める方へ")


def test_a_place_to_study_together(ask):
    text = ask(topic="study", asks=("study_group",), exams=("g_kentei",)).text
    assert "AI勉強会" in text and "12月9日" in text


# --- registration, small talk, unsure ----------------------------------------------------------------
@pytest.mark.parametrize(
    "asks, start",
    [(("register",), START_REGISTRATION), (("my_status",), LIST_REGISTRATIONS), (("cancel",), START_CANCELLATION)],
)
def test_what_needs_a_form_or_the_state_database_is_started(ask, asks, start):
    assert ask(topic="registration", asks=asks).start == start


def test_applying_through_this_chat_is_offered(ask):
    result = ask(topic="registration", asks=("apply_here",))
    assert "このチャットから" in result.text and "応募する" in result.text and result.question.offer == "register"


def test_a_closed_cohort_named(ask):
    text = ask(topic="registration", asks=("register",), cohort="leader-6").text
    assert "第6期" in text and "締め切りました" in text and "第7期" in text


def test_no_new_form_inside_a_form(catalogue, now):
    from dataclasses import replace

    result = answer(
        Question("応募したい", topic="registration", asks=("register",)),
        catalogue,
        replace(now, active_form="registration_form"),
    )
    assert result.start is None and "途中です" in result.replies[0].text


def test_unclear_gets_the_closest_topics(ask):
    result = ask(topic="subsidy", exams=("itpass",), vague=True)
    assert "もしかして" in result.text and "ITパスポート試験の勉強法" in result.text and result.log == "vague"


def test_nothing_understood_is_logged(ask):
    result = ask(text="ほげほげ", intent="nlu_fallback")
    assert "読み取れませんでした" in result.text and result.log == "low_confidence"
    result = ask(text="今日の天気は？", intent="out_of_scope", confidence=0.9)
    assert "お答えできません" in result.text and result.log == "out_of_scope"


def test_small_talk_is_a_response(ask):
    assert ask(smalltalk="thank").response == "utter_thank"


@pytest.mark.parametrize(
    "said, opening",
    [
        ("お疲れさまです", "お疲れさまです。"),
        ("おはようございます", "おはようございます。"),
        ("こんにちは", "こんにちは。"),
    ],
)
def test_a_greeting_is_answered_in_kind(ask, said, opening):
    result = ask(text=said, smalltalk="greet")
    assert result.text.startswith(opening) and "まなびアシスタント" in result.text and result.response is None


# --- added with the third development batch (issue 10) ------------------------------------------
def test_an_amount_asked_is_answered_at_once_even_with_a_verdict_word(ask):
    result = ask(topic="subsidy", asks=("amount", "eligibility"), exams=("ap",))
    assert "3,750円" in result.text and result.question.awaiting is None


def test_told_facts_and_an_amount_give_a_conditional_verdict_without_asking_back(ask):
    result = ask(topic="subsidy", asks=("amount",), exams=("g_kentei",), facts=(PersonFact("pass_status", "passed"),))
    assert "6,600円" in result.text and "次の条件を満たせば" in result.text and result.question.awaiting is None


def test_told_facts_and_is_there_a_subsidy_asks_back_what_is_missing(ask):
    result = ask(topic="subsidy", asks=("available",), exams=("fe",), facts=(PersonFact("pass_status", "passed"),))
    assert result.question.awaiting == "employment_type"


def test_a_category_asked_about_gets_its_verdict_without_an_exam(ask):
    facts = (PersonFact("employment_type", "fiscal_year"),)
    result = ask(topic="subsidy", asks=("fee", "eligibility"), facts=facts)
    assert "対象外" in result.text


def test_a_limit_met_exactly_is_said_to_be_met(ask):
    result = ask(topic="subsidy", asks=("deadline",), facts=(PersonFact("months_since_pass", 3.0),))
    assert "3か月以内なので申請できます" in result.text and "対象外" not in result.text


def test_past_the_deadline_in_words_fails_the_deadline_rule(ask):
    facts = (PersonFact("past_deadline", 1, HYPOTHETICAL),)
    result = ask(topic="subsidy", asks=("deadline",), facts=facts)
    assert "その場合は補助の対象外です" in result.text


def test_the_rules_themselves_do_not_claim_the_deadline_has_passed(ask):
    result = ask(topic="subsidy", asks=("deadline",))
    assert "3か月以内" in result.text and "過ぎているため" not in result.text


def test_a_course_and_an_exam_asked_together_get_both_answers(ask):
    result = ask(
        topic="course",
        asks=("next",),
        stated_asks=("next", "amount"),
        courses=("rpa",),
        exams=("itpass",),
    )
    assert "RPA活用研修" in result.text and "3,750円" in result.text


def test_exam_dates_asked_with_no_exam_named_list_every_exam(ask):
    text = ask(topic="exam", asks=("when",)).text
    assert "ITパスポート" in text and "G検定" in text


def test_an_answer_is_never_empty(ask):
    result = ask(topic="exam", text="合格発表って")
    assert result.replies and "もしかして" in result.text


def test_every_upcoming_session_when_all_are_asked_for(ask):
    few = ask(topic="course", asks=("when",), courses=("ai_study",)).text
    every = ask(topic="course", asks=("when", "list"), courses=("ai_study",)).text
    assert "2027年3月10日" in every and "2027年3月10日" not in few


def test_every_rule_when_all_the_conditions_are_asked_for(ask):
    text = ask(topic="subsidy", asks=("target", "list")).text
    assert "正規職員と再任用職員" in text and "3か月以内" in text and "1人1回" in text


def test_a_category_without_an_exam_gets_what_holds_for_it(ask):
    facts = (PersonFact("employment_type", "reappointed", HYPOTHETICAL),)
    result = ask(topic="subsidy", asks=("target",), facts=facts)
    assert "再任用職員は補助の対象です" in result.text and result.question.awaiting is None


def test_facts_told_without_an_exam_get_the_conditions_not_a_question_back(ask):
    result = ask(topic="subsidy", asks=("available",), facts=(PersonFact("employment_type", "regular"),))
    assert "次の条件を満たせば" in result.text and result.question.awaiting is None


def test_an_exams_own_rule_comes_with_its_amount(ask):
    assert "情報部門" in ask(topic="subsidy", asks=("amount",), exams=("db",)).text
    assert "情報部門" not in ask(topic="subsidy", asks=("amount",), exams=("fe",)).text


def test_a_name_we_do_not_offer_beside_one_we_do_gets_both(ask):
    text = ask(
        topic="subsidy", asks=("amount",), exams=("itpass",), not_offered=("TOEIC",), not_offered_kind="exam"
    ).text
    assert "3,750円" in text and "TOEIC" in text


def test_courses_of_a_format_and_the_earliest_of_them(ask):
    listed = ask(topic="course", asks=("format",), course_format="オンライン").text
    assert "オンラインの研修は" in listed and "RPA活用研修" in listed and "AI勉強会" not in listed
    earliest = ask(topic="course", asks=("next",), course_format="オンライン").text
    assert "RPA活用研修" in earliest and "AI勉強会" not in earliest


def test_the_shortest_and_the_longest_course(ask):
    assert "いちばん短いのは**AI議事録活用研修**（1時間）" in ask(topic="course", asks=("shortest",)).text
    assert "いちばん長いのは**デジタル行政推進リーダー育成研修**" in ask(topic="course", asks=("longest",)).text


def test_the_cheapest_and_the_dearest_exam(ask):
    assert "いちばん安いのはITパスポート試験" in ask(topic="exam", asks=("cheapest",)).text
    assert "いちばん高いのはG検定（13,200円）" in ask(topic="subsidy", asks=("priciest",)).text
