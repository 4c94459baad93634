"""Weekly figures for the office: messages people sent, fallbacks, and the share of 👎 among ratings.

* messages: user messages (typed or button clicks) in Rasa's tracker store, read-only;
* fallbacks: questions logged as unanswered (NLU fallback, out of scope, not understood);
* 👎 rate: 👎 / all ratings given that week (no ratings: no rate).

Weeks start on Monday, Japan time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bot.state import feedback, unanswered
from bot.state.db import Connection
from bot.state.db import Error as DbError
from bot.state.trackers import messages_by_day_sql, open_trackers

JST_OFFSET_SECONDS = 9 * 3600


@dataclass(frozen=True)
class Week:
    start: dt.date
    messages: int
    fallbacks: int
    thumbs_up: int
    thumbs_down: int

    @property
    def rated(self) -> int:
        return self.thumbs_up + self.thumbs_down

    @property
    def down_rate(self) -> float | None:
        return self.thumbs_down / self.rated if self.rated else None

    @property
    def label(self) -> str:
        return f"{self.start.month}/{self.start.day}"


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def messages_by_day(tracker_db: Path | str, since: dt.date) -> dict[str, int]:
    """{'2026-11-24': n} user messages per day (Japan time) in the tracker store; {} without one."""
    start = dt.datetime.combine(since, dt.time(), dt.timezone(dt.timedelta(hours=9))).timestamp()
    try:
        with open_trackers(tracker_db, readonly=True) as conn:
            if conn is None:
                return {}
            rows = conn.execute(messages_by_day_sql(conn), (JST_OFFSET_SECONDS, start)).fetchall()
    except DbError:
        return {}
    return {day: int(count) for day, count in rows}


def weeks(state: Connection, tracker_db: Path | str, today: dt.date, count: int = 12) -> list[Week]:
    """The last ``count`` weeks up to the one containing ``today``, oldest first."""
    first = week_start(today) - dt.timedelta(weeks=count - 1)
    messages = messages_by_day(tracker_db, first)
    fallbacks = unanswered.counts_by_day(state, first)
    ratings = feedback.counts_by_day(state, first)
    totals = {first + dt.timedelta(weeks=i): [0, 0, 0, 0] for i in range(count)}
    for source, column in ((messages, 0), (fallbacks, 1)):
        for day, n in source.items():
            bucket = totals.get(week_start(dt.date.fromisoformat(day)))
            if bucket is not None:
                bucket[column] += n
    for day, by_rating in ratings.items():
        bucket = totals.get(week_start(dt.date.fromisoformat(day)))
        if bucket is not None:
            bucket[2] += by_rating.get(feedback.UP, 0)
            bucket[3] += by_rating.get(feedback.DOWN, 0)
    return [Week(start, *values) for start, values in sorted(totals.items())]
