"""Read-only catalogue queries on the sample data, with today pinned to 2026-11-24."""

import datetime as dt

import pytest

from bot.catalogue.queries import Catalogue, CatalogueMissing

TODAY = dt.date(2026, 11, 24)


def test_the_sample_facts(catalogue):
    leader = catalogue.course("leader")
    assert leader["name"] == "デジタル行政推進リーダー育成研修"
    assert [(p["name"], p["months"], p["hours"]) for p in catalogue.phases("leader")] == [
        ("講義", "5月〜6月", "30〜40時間"),
        ("演習", "7月〜8月", "30〜40時間"),
        ("課題解決プロジェクト", "9月〜10月", "80〜100時間"),
        ("政策提案", "11月", "20時間"),
    ]
    cohort = catalogue.cohort("leader-7")
    assert (
        cohort["name"],
        cohort["fiscal_year"],
        cohort["starts"],
        cohort["ends"],
        cohort["seats"],
        cohort["apply_until"],
        cohort["status"],
    ) == ("第7期", 2027, "2027-05", "2027-11", 20, "2027-03-31", "open")
    assert {e["id"]: e["fee"] for e in catalogue.exams()} == {
        "itpass": 7500,
        "fe": 7500,
        "ap": 7500,
        "db": 7500,
        "g_kentei": 13200,
    }
    policy = catalogue.subsidy_policy()
    assert policy["documents"] == ["受験票の写し", "合格証書（合格通知）の写し", "領収書（受験料の支払いが分かるもの）"]
    assert policy["contact"]["extension"] == "2345"
    assert policy["apply_within_months"] == 3


def test_ai_study_sessions(catalogue):
    sessions = catalogue.upcoming_sessions("ai_study", TODAY, limit=10)
    assert [s["starts_on"] for s in sessions] == ["2026-12-09", "2027-01-13", "2027-02-10", "2027-03-10"]
    assert {(s["start_time"], s["end_time"]) for s in sessions} == {("15:00", "17:00")}


def test_upcoming_excludes_past_sessions(catalogue):
    assert catalogue.upcoming_sessions("ai_study", dt.date(2027, 1, 14), limit=10)[0]["starts_on"] == "2027-02-10"
    assert catalogue.upcoming_sessions("rpa", dt.date(2026, 12, 17)) == []


def test_sessions_in_january(catalogue):
    sessions = catalogue.sessions_between(dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    dated = [(s["starts_on"], s["course_id"]) for s in sessions if s["starts_on"] == s["ends_on"]]
    assert dated == [
        ("2027-01-13", "ai_study"),
        ("2027-01-15", "excel"),
        ("2027-01-20", "sns"),
        ("2027-01-21", "ai_ocr"),
        ("2027-01-28", "manager"),
    ]
    assert [s["course_id"] for s in sessions if s["starts_on"] != s["ends_on"]] == ["basic_elearning"]


def test_rules_apply_per_exam(catalogue):
    assert [r["id"] for r in catalogue.subsidy_rules("db")] == [
        "employment",
        "passed",
        "db_department",
        "deadline",
        "once",
    ]
    assert "db_department" not in [r["id"] for r in catalogue.subsidy_rules("itpass")]
    employment = catalogue.subsidy_rules("itpass")[0]
    assert employment["allowed"] == ["regular", "reappointed"]


def test_study_tips_and_related_course(catalogue):
    tips = catalogue.study_tips("g_kentei")
    assert tips["course_id"] == "ai_study" and tips["materials"] and tips["advice"]
    assert catalogue.study_tips("nope") is None


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


@pytest.mark.parametrize(
    "text, name",
    [
        ("英検の受験料は？", "英検"),
        ("簿記2級の補助は？", "簿記2級"),
        ("TOEICも補助の対象？", "TOEIC"),
        ("秘書検定は？", "秘書検定"),
        ("G検の補助は？", None),
        ("情報処理技術者試験の補助", None),
        ("資格試験の補助はある？", None),
        ("補助はいくら？", None),
    ],
)
def test_exams_we_do_not_cover_are_named(catalogue, text, name):
    assert catalogue.uncatalogued_exam_name(text) == name
