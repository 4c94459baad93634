"""Numbers people type in Japanese: 5, ５, 五, 十二, 半; durations such as 「5か月」「半年」「1年」.

>>> months_in("合格発表から5か月たちました")
5.0
>>> months_in("半年前に合格")
6
>>> months_in("三ヶ月以内")
3.0
>>> number("二十")
20
"""

from __future__ import annotations

import re
import unicodedata

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"[0-9０-９]+|[〇零一二三四五六七八九十]+"
# 「か月」 also as typed in kana (「４かげつ」「3カゲツ」)
_MONTHS = re.compile(rf"({_NUMBER}|半)\s*(?:(?:か|ヵ|カ|ヶ|ケ|箇|个)?\s*月(?!曜)|(?:か|カ)(?:げつ|ゲツ))")
_YEARS = re.compile(rf"({_NUMBER}|半)\s*年(?!度|生|代|目|月)")
_WEEKS = re.compile(rf"({_NUMBER})\s*(?:週間|週)")
WEEKS_PER_MONTH = 4.345


def number(text: str) -> int | None:
    """Arabic (half or full width) or kanji numerals up to 99; None if ``text`` is not one."""
    text = unicodedata.normalize("NFKC", text.strip())
    if text.isdigit():
        return int(text)
    if not text or any(c not in _KANJI_DIGITS and c != "十" for c in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_KANJI_DIGITS.get(tens, 1) if tens else 1) * 10 + (_KANJI_DIGITS.get(ones, 0) if ones else 0)
    value = 0
    for char in text:
        value = value * 10 + _KANJI_DIGITS[char]
    return value


def months_in(text: str) -> float | None:
    """A duration in months (「5か月」「半年」「1年」; 「3か月と1週間」 → 3.23), or None if the text names none.

    A bare month (「5月」) is a calendar month, not a duration: only forms with か/ヶ/カ, or 半年 and
    years, count. Weeks count as a fraction of a month, so 「3か月と1週間前」 is past three months.
    """
    weeks = _WEEKS.search(text)
    extra = (number(weeks.group(1)) or 0) / WEEKS_PER_MONTH if weeks else 0.0
    for match in _MONTHS.finditer(text):
        between = text[match.start() : match.end()]
        if match.group(1) == "半":
            continue
        if not re.search(r"[かヵカヶケ箇个]", between):  # 「かげつ」 has its か
            continue  # 「5月」 is May
        value = number(match.group(1))
        if value is not None:
            return round(value + extra, 2)
    years = _YEARS.search(text)
    if years:
        if years.group(1) == "半":
            return 6
        value = number(years.group(1))
        if value is not None and value < 100:  # 「20年前」; a calendar year (2026年) is not a duration
            return value * 12
    return round(extra, 2) if weeks else None


def age_decade(text: str) -> int | None:
    """「20代」 → 20, 「45歳」 → 40; None if the text gives no age."""
    decade = re.search(rf"({_NUMBER})\s*代", text)
    if decade:
        value = number(decade.group(1))
        return value if value and value >= 10 else None
    years_old = re.search(rf"({_NUMBER})\s*(?:歳|才)", text)
    if years_old:
        value = number(years_old.group(1))
        return (value // 10) * 10 if value and 15 <= value <= 80 else None
    return None


_HOURS = re.compile(rf"({_NUMBER})\s*時間(?:\s*({_NUMBER})\s*分)?")
_MINUTES = re.compile(rf"({_NUMBER})\s*分")


def hours_in(text: str) -> float | None:
    """The first duration of a text in hours: 「1時間30分」 → 1.5, 「約200時間（5月〜11月）」 → 200,
    「30〜40時間」 → 40 (a range counts as its upper end), 「90分」 → 1.5; None if it names none."""
    found = _HOURS.search(text)
    if found:
        hours = number(found.group(1))
        minutes = number(found.group(2)) if found.group(2) else 0
        return None if hours is None else hours + (minutes or 0) / 60
    found = _MINUTES.search(text)
    value = number(found.group(1)) if found else None
    return value / 60 if value is not None else None
