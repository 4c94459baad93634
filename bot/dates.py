"""Japanese dates: display format, fiscal years (April–March, 令和) and periods named in questions.

>>> import datetime as dt
>>> format_date(dt.date(2026, 12, 16))
'2026年12月16日（水）'
>>> reiwa_fiscal_year_label(2027)
'令和9年度'
>>> find_period("来月の研修は？", dt.date(2026, 11, 24)).label
'2026年12月'
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from bot.text.normalize import normalize

WEEKDAYS = "月火水木金土日"
REIWA_OFFSET = 2018  # 令和1年 = 2019
_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def format_date(day: dt.date) -> str:
    """2026年12月16日（水）"""
    return f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）"


def format_short_date(day: dt.date) -> str:
    """12月16日（水）"""
    return f"{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）"


def format_year_month(value: str) -> str:
    """'2027-05' → '2027年5月'"""
    year, month = value.split("-")
    return f"{int(year)}年{int(month)}月"


def fiscal_year(day: dt.date) -> int:
    """The fiscal year (named by the calendar year it starts in) that contains ``day``."""
    return day.year if day.month >= 4 else day.year - 1


def reiwa_fiscal_year_label(year: int) -> str:
    """2027 → 令和9年度 (2019 → 令和元年度)."""
    number = year - REIWA_OFFSET
    return f"令和{'元' if number == 1 else number}年度"


@dataclass(frozen=True)
class Period:
    """A span of days named in a question, e.g. 「来月」 or 「1月」."""

    start: dt.date
    end: dt.date
    label: str


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(dt.date(year, month, 1), dt.date(year, month, last), f"{year}年{month}月")


def _add_months(day: dt.date, months: int) -> tuple:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


_KANJI_MONTH = re.compile(r"(十)?([一二三四五六七八九])?月")


def _kanji_month_to_digits(text: str) -> str:
    """十二月 → 12月, 一月 → 1月 (only directly before 月)."""
    def replace(match: re.Match) -> str:
        tens, ones = match.groups()
        if not (tens or ones):
            return match.group(0)
        return f"{(10 if tens else 0) + _KANJI_DIGITS.get(ones or '', 0)}月"
    return _KANJI_MONTH.sub(replace, text)


_EXPLICIT_YEAR_MONTH = re.compile(r"(\d{4})年\s*(\d{1,2})月")
_REIWA_YEAR_MONTH = re.compile(r"令和\s*(\d{1,2}|元)年\s*(\d{1,2})月")
_RELATIVE_YEAR_MONTH = re.compile(r"(今年|来年)の?\s*(\d{1,2})月")
_MONTH = re.compile(r"(?<!\d)(\d{1,2})月")
_RELATIVE_MONTHS = (("再来月", 2), ("来月", 1), ("今月", 0), ("先月", -1))
_RELATIVE_WEEKS = (("再来週", 2), ("来週", 1), ("今週", 0))


def find_period(text: str, today: dt.date) -> Optional[Period]:
    """The month or week a question is about, relative to ``today``; None if it names none.

    A bare month (「1月」) means its next occurrence: in November, 1月 is next January.
    """
    text = _kanji_month_to_digits(normalize(text))
    for word, weeks in _RELATIVE_WEEKS:
        if word in text:
            monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks)
            sunday = monday + dt.timedelta(days=6)
            return Period(monday, sunday, f"{word}（{format_short_date(monday)}〜{format_short_date(sunday)}）")
    for word, months in _RELATIVE_MONTHS:
        if word in text:
            return month_period(*_add_months(today, months))
    match = _EXPLICIT_YEAR_MONTH.search(text)
    if match:
        return _checked_month(int(match.group(1)), int(match.group(2)))
    match = _REIWA_YEAR_MONTH.search(text)
    if match:
        number = 1 if match.group(1) == "元" else int(match.group(1))
        return _checked_month(number + REIWA_OFFSET, int(match.group(2)))
    match = _RELATIVE_YEAR_MONTH.search(text)
    if match:
        year = today.year + (1 if match.group(1) == "来年" else 0)
        return _checked_month(year, int(match.group(2)))
    match = _MONTH.search(text)
    if match:
        month = int(match.group(1))
        year = today.year if month >= today.month else today.year + 1
        return _checked_month(year, month)
    return None


def _checked_month(year: int, month: int) -> Optional[Period]:
    return month_period(year, month) if 1 <= month <= 12 and 2000 <= year <= 2100 else None
