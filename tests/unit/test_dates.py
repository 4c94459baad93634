"""Japanese dates, fiscal years and the periods named in questions (today pinned)."""

import datetime as dt

import pytest

from bot.clock import FixedClock, SystemClock, clock_from_env
from bot.dates import find_period, fiscal_year, format_date, format_year_month, reiwa_fiscal_year_label

TODAY = dt.date(2026, 11, 24)


def test_format_date():
    assert format_date(dt.date(2026, 12, 16)) == "2026年12月16日（水）"
    assert format_date(dt.date(2027, 3, 31)) == "2027年3月31日（水）"
    assert format_year_month("2027-05") == "2027年5月"


@pytest.mark.parametrize(
    "day, year, label",
    [
        (dt.date(2026, 11, 24), 2026, "令和8年度"),
        (dt.date(2027, 3, 31), 2026, "令和8年度"),  # March belongs to the previous fiscal year
        (dt.date(2027, 4, 1), 2027, "令和9年度"),
        (dt.date(2019, 5, 1), 2019, "令和元年度"),
    ],
)
def test_fiscal_year(day, year, label):
    assert fiscal_year(day) == year
    assert reiwa_fiscal_year_label(year) == label


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("来月の研修は？", "2026-12-01", "2026-12-31"),
        ("今月", "2026-11-01", "2026-11-30"),
        ("再来月", "2027-01-01", "2027-01-31"),
        ("1月の研修", "2027-01-01", "2027-01-31"),  # a bare month is its next occurrence
        ("１２月", "2026-12-01", "2026-12-31"),
        ("十二月の予定", "2026-12-01", "2026-12-31"),
        ("11月", "2026-11-01", "2026-11-30"),
        ("2027年2月", "2027-02-01", "2027-02-28"),
        ("令和9年1月", "2027-01-01", "2027-01-31"),
        ("来年1月", "2027-01-01", "2027-01-31"),
        ("来週の研修", "2026-11-30", "2026-12-06"),
        ("先週", "2026-11-16", "2026-11-22"),
        # typed in kana, or half-width kana
        ("らいげつのけんしゅう", "2026-12-01", "2026-12-31"),
        ("さらいげつ", "2027-01-01", "2027-01-31"),
        ("ﾗｲｹﾞﾂの研修", "2026-12-01", "2026-12-31"),
        ("こんしゅうの研修", "2026-11-23", "2026-11-29"),
        # years, fiscal years and the turn of the year
        ("去年の12月の研修", "2025-12-01", "2025-12-31"),
        ("昨年12月", "2025-12-01", "2025-12-31"),
        ("今年の研修", "2026-01-01", "2026-12-31"),
        ("来年度の研修は？", "2027-04-01", "2028-03-31"),
        ("今年度の研修", "2026-04-01", "2027-03-31"),
        ("らいねんどのけんしゅう", "2027-04-01", "2028-03-31"),
        ("年度内に受けられる研修", "2026-11-24", "2027-03-31"),
        ("年内の研修", "2026-11-24", "2026-12-31"),
        ("年明けの研修", "2027-01-01", "2027-01-31"),
        ("2027年2月", "2027-02-01", "2027-02-28"),
    ],
)
def test_find_period(text, start, end):
    period = find_period(text, TODAY)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["研修一覧", "13月の研修", "RPA研修はいつ？", "3か月以内"])
def test_no_period(text):
    assert find_period(text, TODAY) is None


@pytest.mark.parametrize(
    "text, label",
    [
        ("らいしゅうの研修", "来週（11月30日（月）〜12月6日（日））"),
        ("来年度", "令和9年度（2027年4月〜2028年3月）"),
        ("年度内", "今年度中（11月24日（火）〜2027年3月31日（水））"),
        ("年明け", "2027年1月"),
        ("去年", "2025年"),
    ],
)
def test_period_labels(text, label):
    assert find_period(text, TODAY).label == label


def test_new_year_in_january_is_this_january():
    assert find_period("年明けの研修", dt.date(2027, 1, 10)).start == dt.date(2027, 1, 1)


def test_clock_from_env():
    assert clock_from_env({"MANABI_TODAY": "2026-11-24"}).today() == TODAY
    assert isinstance(clock_from_env({}), SystemClock)
    assert FixedClock(TODAY).today() == TODAY
    with pytest.raises(ValueError, match="MANABI_TODAY"):
        clock_from_env({"MANABI_TODAY": "24/11/2026"})


def test_the_following_month_counts_from_the_period_asked_about_before():
    january = find_period("1月の研修は？", TODAY)
    assert find_period("その次の月は？", TODAY, previous=january).label == "2027年2月"
    assert find_period("前の月は？", TODAY, previous=january).label == "2026年12月"
    assert find_period("翌月は？", TODAY).label == "2026年12月"  # nothing asked before: from today


def test_this_year_until_its_end():
    assert find_period("今年中に受けたい", TODAY).end == dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    "text, day",
    [
        ("1/13の研修は？", dt.date(2027, 1, 13)),  # already past this year: next year's
        ("１２月９日って何かある？", dt.date(2026, 12, 9)),  # full width
        ("2027年2月10日の勉強会", dt.date(2027, 2, 10)),
        ("来年の3/10は？", dt.date(2027, 3, 10)),
        ("あしたの研修", dt.date(2026, 11, 25)),
    ],
)
def test_a_day_named_is_a_one_day_period(text, day):
    period = find_period(text, TODAY)
    assert period and period.start == period.end == day and period.label == format_date(day)


@pytest.mark.parametrize("text", ["補助は1/2ですか", "受験料の2/3？", "2月30日の研修", "今日は研修について聞きたい"])
def test_fractions_impossible_days_and_today_are_no_day(text):
    period = find_period(text, TODAY)
    assert period is None or period.start != period.end
