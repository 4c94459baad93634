"""The periods a question asks about: one (「来月」「年度内」) or several months (「12月と1月」「2月、3月」).

One period is :func:`bot.dates.find_period`'s job; this module splits a question that names two or
more months into one text per month, so each is read the same way, and reads 「12月9日の次の…」
「1月以降」 as the time after (or from) the period named.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.dates import Period, find_period
from bot.text.normalize import normalize

# Two or more months joined by と / や / 、 / ・ / から (「12月と1月」「1月・2月」「1～3月」 is one span, not this).
_MONTH = r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})月"
_SEVERAL = re.compile(rf"({_MONTH})((?:\s*(?:と|や|、|・|,|及び|および)\s*{_MONTH})+)")
_EACH = re.compile(_MONTH)
# 「12月9日の次の勉強会」「来週より後」: after the period; 「1月以降」: from its start on.
_AFTER = re.compile(
    r"(?:日|月|週|年度|年|/\d{1,2})\s*(?:より後|よりあと|の後|のあと|の次(?!の?(?:月|週|年))|以後|より先|を過ぎて)"
)
_FROM = re.compile(r"(?:日|月|週|年度|年|/\d{1,2})\s*以降")
OPEN_END_DAYS = 400  # "after …" reaches past the next fiscal year's sessions


def find_periods(text: str, today: dt.date, previous: Period | None = None) -> list[Period]:
    """Every period the text asks about, in order; empty if none."""
    normalised = normalize(text)
    several = _SEVERAL.search(normalised)
    if several:
        months = _EACH.findall(several.group(0))
        before = normalised[: several.start()]
        found = [find_period(before + month, today, previous) for month in months]
        periods = [p for p in found if p is not None]
        if len(periods) > 1:
            return list(dict.fromkeys(periods))
    period = find_period(text, today, previous)
    if period and _AFTER.search(normalised):
        start = period.end + dt.timedelta(days=1)
        period = Period(start, start + dt.timedelta(days=OPEN_END_DAYS), f"{period.label}より後")
    elif period and _FROM.search(normalised):
        period = Period(period.start, period.start + dt.timedelta(days=OPEN_END_DAYS), f"{period.label}以降")
    return [period] if period else []
