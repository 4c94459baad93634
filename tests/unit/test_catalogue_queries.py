"""Read-only catalogue queries on the frozen test catalogue: typed rows with real dates."""

import datetime as dt

import pytest

from bot.catalogue.queries import Catalogue, CatalogueMissing
from bot.catalogue.rows import Cohort, Course, Session

TODAY = dt.date(2026, 11, 24)


def test_the_sample_facts(catalogue):
    leader = catalogue.course("leader")
    assert isinstance(leader, Course) and leader.name == "デジタル行政推進リーダー育成研修"
    assert [(p.name, p.months, p.hours) for p in catalogue.phases("leader")] == [
        ("講義", "5月〜6月", "30〜40時間"),
        ("演習", "7月〜8月", "30〜40時間"),
        ("課題解決プロジェクト", "9月〜10月", "80〜100時間"),
        ("政策提案", "11月", "20時間"),
    ]
    cohort = catalogue.cohort("leader-7")
    assert isinstance(cohort, Cohort)
    assert (cohort.name, cohort.fiscal_year, cohort.starts, cohort.last_day, cohort.seats, cohort.apply_until) == (
        "第7期",
        2027,
        dt.date(2027, 5, 1),
        dt.date(2027, 11, 30),
        20,
        dt.date(2027, 3, 31),
    )
    assert cohort.status == "open" and cohort.course_name == leader.name
    assert {e.id: e.fee for e in catalogue.exams()} == {
        "itpass": 7500,
        "fe": 7500,
        "ap": 7500,
        "db": 7500,
        "g_kentei": 13200,
    }
    policy = catalogue.policy()
    assert policy.documents == ("受験票の写し", "合格証書（合格通知）の写し", "領収書（受験料の支払いが分かるもの）")
    assert policy.contact.extension == "2345"


def test_ai_study_sessions(catalogue):
    sessions = catalogue.upcoming_sessions("ai_study", TODAY, limit=10)
    assert all(isinstance(s, Session) for s in sessions)
    assert [s.starts_on for s in sessions] == [
        dt.date(2026, 12, 9),
        dt.date(2027, 1, 13),
        dt.date(2027, 2, 10),
        dt.date(2027, 3, 10),
    ]
    assert {(s.start_time, s.end_time) for s in sessions} == {("15:00", "17:00")}
    assert all(s.is_dated and s.course_name == "AI勉強会" for s in sessions)


def test_upcoming_excludes_past_sessions(catalogue):
    assert catalogue.upcoming_sessions("ai_study", dt.date(2027, 1, 14), limit=10)[0].starts_on == dt.date(2027, 2, 10)
    assert catalogue.upcoming_sessions("rpa", dt.date(2026, 12, 17)) == []


def test_sessions_in_january(catalogue):
    sessions = catalogue.sessions_between(dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    dated = [(s.starts_on.day, s.course_id) for s in sessions if s.is_dated]
    assert dated == [(13, "ai_study"), (15, "excel"), (20, "sns"), (21, "ai_ocr"), (28, "manager")]
    assert [s.course_id for s in sessions if not s.is_dated] == ["basic_elearning"]


def test_cohorts_running_in_a_period(catalogue):
    assert [k.id for k in catalogue.cohorts_between(dt.date(2027, 7, 1), dt.date(2027, 7, 31))] == ["leader-7"]
    assert catalogue.cohorts_between(dt.date(2027, 12, 1), dt.date(2027, 12, 31)) == []


def test_rules_apply_per_exam(catalogue):
    assert [r.id for r in catalogue.rules("db")] == ["employment", "passed", "db_department", "deadline", "once"]
    assert "db_department" not in [r.id for r in catalogue.rules("itpass")]
    employment = catalogue.rules("itpass")[0]
    assert employment.allowed == ("regular", "reappointed") and employment.answers == ("target",)
    once = next(r for r in catalogue.rules() if r.id == "once")
    assert (once.kind, once.fact, once.at_most, once.answers) == ("limit", "previous_subsidies", 0, ("times",))


def test_study_tips_and_related_course(catalogue):
    tips = catalogue.study_tips("g_kentei")
    assert catalogue.exam("g_kentei").related_course == "ai_study" and tips.materials and tips.advice
    assert catalogue.study_tips("nope") is None
    assert [a.id for a in catalogue.study_advice()] == ["busy", "start", "practice"]


def test_words_are_built_with_readings(catalogue):
    words = {(w.target, w.word): w for w in catalogue.name_words()}
    assert words[("sns", "広報")].reading == "コウホウ" and words[("sns", "広報")].strong
    assert words[("leader", "kintone")].source == "description" and not words[("leader", "kintone")].strong
    question_words = {(w.name, w.word) for w in catalogue.question_words()}
    assert ("deadline", "締め切り") in question_words and ("hypothetical", "たら") in question_words
    assert "subsidy" in catalogue.ask_topics()["amount"]
    assert "簿記" in [u.name for u in catalogue.not_offered()]


@pytest.mark.parametrize(
    "text, kind, target",
    [
        ("ｱｲﾊﾟｽ", "exam", "itpass"),
        ("あいぱす", "exam", "itpass"),
        ("ITパスポード", "exam", "itpass"),
        ("FE", "exam", "fe"),
        ("DBスペ", "exam", "db"),
        ("G検", "exam", "g_kentei"),
        ("リーダー研修", "course", "leader"),
        ("Excel講座", "course", "excel"),
        ("AI-OCR研修", "course", "ai_ocr"),
        ("会計年度任用職員", "employment_type", "fiscal_year"),
        ("再任用", "employment_type", "reappointed"),
        ("デジ戦", "department", "digital_strategy"),
        ("自薦", "recommendation", "self"),
    ],
)
def test_aliases_resolve(catalogue, text, kind, target):
    assert catalogue.matcher.best(text, kind).target == target


def test_missing_database(tmp_path):
    with pytest.raises(CatalogueMissing):
        Catalogue(tmp_path / "none.sqlite")
