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
from collections.abc import Iterable
from dataclasses import dataclass

from bot.text.normalize import fold_katakana, normalize

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

    def replace(match: re.Match[str]) -> str:
        tens, ones = match.groups()
        if not (tens or ones):
            return match.group(0)
        return f"{(10 if tens else 0) + _KANJI_DIGITS.get(ones or '', 0)}月"

    return _KANJI_MONTH.sub(replace, text)


_EXPLICIT_YEAR_MONTH = re.compile(r"(\d{4})年\s*(\d{1,2})月")
_REIWA_YEAR_MONTH = re.compile(r"令和\s*(\d{1,2}|元)年\s*(\d{1,2})月")
_MONTH = re.compile(r"(?<!\d)(\d{1,2})月")
_Table = tuple[tuple[tuple[str, ...], int], ...]
# Relative words as typed: in kanji or in kana (find_period folds katakana, also half-width, to hiragana).
# Longer words first, so 再来月 is not read as 来月.
_RELATIVE_WEEKS = (
    (("再来週", "さらいしゅう"), 2),
    (("来週", "らいしゅう"), 1),
    (("今週", "こんしゅう"), 0),
    (("先週", "せんしゅう"), -1),
)
_RELATIVE_MONTHS = (
    (("再来月", "さらいげつ"), 2),
    (("来月", "らいげつ"), 1),
    (("今月", "こんげつ"), 0),
    (("先月", "せんげつ"), -1),
)
_RELATIVE_FISCAL_YEARS = (
    (("再来年度", "さらいねんど"), 2),
    (("来年度", "らいねんど"), 1),
    (("今年度", "本年度", "こんねんど"), 0),
    (("昨年度", "前年度", "さくねんど"), -1),
)
_RELATIVE_YEARS = (
    (("再来年", "さらいねん"), 2),
    (("来年", "らいねん"), 1),
    (("今年", "本年", "ことし"), 0),
    (("去年", "昨年", "きょねん", "さくねん"), -1),
)
# 「その次の月は？」 after 「1月の研修は？」: relative to the period talked about before (else to today).
_FOLLOWING_MONTH = ("次の月", "翌月", "つぎのつき", "よくげつ")
_PRECEDING_MONTH = ("前の月", "前月", "まえのつき", "ぜんげつ")
_UNTIL_YEAR_END = ("年内", "今年中", "ねんない", "ことしじゅう")
_UNTIL_FISCAL_YEAR_END = ("年度内", "ねんどない", "今年度中", "年度末まで")
_NEW_YEAR = ("年明け", "年始", "としあけ", "ねんし")


def _said(text: str, words: Iterable[str]) -> str | None:
    """The first of ``words`` in ``text`` (whose kana :func:`find_period` has folded to hiragana), if any."""
    for word in words:
        if word in text:
            return word
    return None


def _relative(text: str, table: _Table) -> tuple[str, int] | None:
    """(word said, offset) of the first entry of ``table`` named in ``text``."""
    for words, offset in table:
        word = _said(text, words)
        if word:
            return word, offset
    return None


def find_period(text: str, today: dt.date, previous: Period | None = None) -> Period | None:
    """The month, week, fiscal year or year a question is about, relative to ``today``; None if none.

    A bare month (「1月」) means its next occurrence: in November, 1月 is next January; with a year word
    (「去年の12月」「来年1月」) it is that year's. 「年明け」 is the coming January, 「年内」 the rest of
    this year, 「年度内」 the rest of this fiscal year (April–March). 「その次の月」「前の月」 count from
    the month named before them (「1月の次の月」), else that of ``previous`` (the period asked about
    before), else today's.
    """
    text = fold_katakana(_kanji_month_to_digits(normalize(text)))  # ライゲツ, ﾗｲｹﾞﾂ → らいげつ
    day = _explicit_day(text, today)
    if day:
        return day
    explicit = _explicit_month(text)
    if explicit:
        return explicit
    for words, step in ((_FOLLOWING_MONTH, 1), (_PRECEDING_MONTH, -1)):
        word = _said(text, words)
        if word:  # 「1月の次の月」 counts from 1月; 「その次の月は？」 from the month asked before
            named = find_period(text[: text.index(word)], today)
            base = named or previous
            return month_period(*_add_months(base.start if base else today, step))
    found = _relative(text, _RELATIVE_WEEKS)
    if found:
        word, weeks = found
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks)
        sunday = monday + dt.timedelta(days=6)
        return Period(
            monday,
            sunday,
            f"{_kanji(word, _RELATIVE_WEEKS)}（{format_short_date(monday)}〜{format_short_date(sunday)}）",
        )
    found = _relative(text, _RELATIVE_MONTHS)
    if found:
        return month_period(*_add_months(today, found[1]))
    if _said(text, _UNTIL_FISCAL_YEAR_END):
        end = dt.date(fiscal_year(today) + 1, 3, 31)
        return Period(today, end, f"今年度中（{format_short_date(today)}〜{format_date(end)}）")
    found = _relative(text, _RELATIVE_FISCAL_YEARS)
    if found:
        year = fiscal_year(today) + found[1]
        return Period(
            dt.date(year, 4, 1),
            dt.date(year + 1, 3, 31),
            f"{reiwa_fiscal_year_label(year)}（{year}年4月〜{year + 1}年3月）",
        )
    if _said(text, _NEW_YEAR):
        return month_period(today.year if today.month == 1 else today.year + 1, 1)
    if _said(text, _UNTIL_YEAR_END):
        end = dt.date(today.year, 12, 31)
        return Period(today, end, f"年内（{format_short_date(today)}〜{format_short_date(end)}）")
    found = _relative(text, _RELATIVE_YEARS)
    month = _MONTH.search(text)
    if found:
        year = today.year + found[1]
        if month:
            return _checked_month(year, int(month.group(1)))
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")
    if month:
        number = int(month.group(1))
        year = today.year if number >= today.month else today.year + 1
        return _checked_month(year, number)
    return None


_YEAR_MONTH_DAY = re.compile(r"(?<!\d)(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})(?!\d)")
_MONTH_DAY = re.compile(r"(?<![\d/])(\d{1,2})\s*(?:月\s*(\d{1,2})\s*日|/\s*(\d{1,2})(?![\d/]))")
_FRACTIONS = {(1, 2), (1, 3), (2, 3), (1, 4), (3, 4)}  # 「1/2」 is the subsidy rate, not 1月2日
# 今日 is left out: 「今日は…について聞きたい」 says when the person asks, not what about.
_RELATIVE_DAYS = ((("明後日", "あさって"), 2), (("明日", "あした"), 1))


def day_period(day: dt.date) -> Period:
    """One day, labelled 2026年12月16日（水）."""
    return Period(day, day, format_date(day))


def _explicit_day(text: str, today: dt.date) -> Period | None:
    """「12月16日」「12/16」「2027年1月13日」 (a bare date is its next occurrence), 「明日」."""
    match = _YEAR_MONTH_DAY.search(text)
    if match:
        return _checked_day(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _MONTH_DAY.search(text)
    if match:
        month, day = int(match.group(1)), int(match.group(2) or match.group(3))
        if match.group(3) and (month, day) in _FRACTIONS:
            return None
        year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
        said_year = _relative(text, _RELATIVE_YEARS)
        return _checked_day(today.year + said_year[1] if said_year else year, month, day)
    found = _relative(text, _RELATIVE_DAYS)
    if found:
        return day_period(today + dt.timedelta(days=found[1]))
    return None


def _checked_day(year: int, month: int, day: int) -> Period | None:
    try:
        return day_period(dt.date(year, month, day)) if 2000 <= year <= 2100 else None
    except ValueError:
        return None


def _explicit_month(text: str) -> Period | None:
    """「2027年2月」「令和9年1月」."""
    match = _EXPLICIT_YEAR_MONTH.search(text)
    if match:
        return _checked_month(int(match.group(1)), int(match.group(2)))
    match = _REIWA_YEAR_MONTH.search(text)
    if match:
        number = 1 if match.group(1) == "元" else int(match.group(1))
        return _checked_month(number + REIWA_OFFSET, int(match.group(2)))
    return None


def _kanji(word: str, table: _Table) -> str:
    """The kanji form of a relative word, for the label (らいしゅう → 来週)."""
    for words, _ in table:
        if word in words:
            return words[0]
    return word


def _checked_month(year: int, month: int) -> Period | None:
    return month_period(year, month) if 1 <= month <= 12 and 2000 <= year <= 2100 else None
