"""How long before its day a reminder is wanted: 「前日」「前の日」「3日前」「1週間前」「前々日」「当日の朝」.

>>> lead_days("RPA研修の前の日に教えて")
1
>>> lead_days("締め切りの２週間前にリマインドして")
14
>>> lead_days("三日前に通知して")
3
>>> lead_days("リマインドして") is None
True
"""

from __future__ import annotations

import re
import unicodedata

from bot.understanding.numbers import number

MAX_LEAD_DAYS = 90  # further ahead than this is not a reminder any more

_NUMBER = r"[0-9]+|[〇一二三四五六七八九十]+"
_WEEKS = re.compile(rf"({_NUMBER}|一|ひと)\s*(?:週間|週)\s*(?:前|まえ)")
_MONTHS = re.compile(rf"({_NUMBER}|ひと)\s*(?:か|ヵ|カ|ヶ|ケ|箇)\s*月\s*(?:前|まえ)")
_DAYS = re.compile(rf"({_NUMBER})\s*日\s*(?:前|まえ)")
_TWO_DAYS = re.compile(r"前々日|前前日|ぜんぜんじつ|2日前")
_ONE_DAY = re.compile(r"前日|前の日|ぜんじつ|まえのひ|前夜|前の晩")
_ONE_WEEK = re.compile(r"前の週|前週|まえのしゅう")
_SAME_DAY = re.compile(r"当日|とうじつ|その日の朝|直前|ちょくぜん|朝いち")


def lead_days(text: str) -> int | None:
    """Days before the session (or deadline) the person wants to hear of it; None if they do not say."""
    text = unicodedata.normalize("NFKC", text)
    for pattern, unit in ((_MONTHS, 30), (_WEEKS, 7), (_DAYS, 1)):
        found = pattern.search(text)
        if found:
            count = 1 if found.group(1) == "ひと" else number(found.group(1))
            if count is not None:
                return min(count * unit, MAX_LEAD_DAYS)
    if _TWO_DAYS.search(text):
        return 2
    if _ONE_DAY.search(text):
        return 1
    if _ONE_WEEK.search(text):
        return 7
    if _SAME_DAY.search(text):
        return 0
    return None
