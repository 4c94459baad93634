"""ja-timex's reading of a question, turned into the period :func:`bot.dates.find_period` would give.

ja-timex (https://github.com/yagays/ja-timex) tags temporal expressions with TIMEX3 values
(``DATE 2027-02-XX``, ``DURATION P1M mod=AFTER`` for 来月 …); deciding which span of days a question
means is left to the caller. This adapter reads the tags generously, so that the comparison measures
what ja-timex recognises, not this glue:

* ``DATE YYYY-MM-XX`` → that month; ``DATE XXXX-MM-XX`` → that month in the year of a relative year
  said before it (来年1月), else its next occurrence (our rule for a bare month);
* ``DURATION PnM/PnW/PnY`` with ``mod`` AFTER/BEFORE/NOW (来月, 先週, 今年) → the month, week
  (Monday to Sunday) or calendar year that many steps from today;
* anything else (a duration without ``mod``: 「3か月」) → no period.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot.dates import Period, month_period

_DATE = re.compile(r"^(\d{4}|XXXX)-(\d{2}|XX)-")
_RELATIVE = re.compile(r"^P(\d+)([MWY])$")
_SIGN = {"AFTER": 1, "BEFORE": -1, "NOW": 0}


def parser(today: dt.date) -> Any:
    """A ja-timex parser whose relative expressions count from ``today`` (imported here: optional)."""
    import pendulum
    from ja_timex import TimexParser  # type: ignore[import-untyped]

    return TimexParser(reference=pendulum.datetime(today.year, today.month, today.day, tz="Asia/Tokyo"))


def timex_period(timex_parser: Any, text: str, today: dt.date) -> Period | None:
    """The period ja-timex's tags for ``text`` name (see the module docstring), or None."""
    relative_year: int | None = None
    for tag in timex_parser.parse(text):
        if tag.type == "DATE":
            found = _DATE.match(tag.value or "")
            if not found or found.group(2) == "XX":
                continue
            month = int(found.group(2))
            if found.group(1) != "XXXX":
                year = int(found.group(1))
            elif relative_year is not None:
                year = relative_year
            else:
                year = today.year if month >= today.month else today.year + 1
            return month_period(year, month) if 1 <= month <= 12 else None
        relative = _RELATIVE.match(tag.value or "") if tag.type == "DURATION" else None
        if not relative or tag.mod not in _SIGN:
            continue
        steps = int(relative.group(1)) * _SIGN[tag.mod]
        unit = relative.group(2)
        if unit == "Y":
            relative_year = today.year + steps  # a month may follow (来年1月)
            continue
        if unit == "M":
            index = today.year * 12 + today.month - 1 + steps
            return month_period(index // 12, index % 12 + 1)
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=steps)
        return Period(monday, monday + dt.timedelta(days=6), tag.text)
    if relative_year is not None:
        return Period(dt.date(relative_year, 1, 1), dt.date(relative_year, 12, 31), f"{relative_year}年")
    return None
