"""The periods a question asks about: one (「来月」「年度内」) or several months (「12月と1月」「2月、3月」).

One period is :func:`bot.dates.find_period`'s job; this module only splits a question that names
two or more months into one text per month, so each is read the same way.
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
    return [period] if period else []
