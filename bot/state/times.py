"""Moments as the state database stores them: JST ISO 8601 to the millisecond (to the second in the
older tables: :func:`timestamp`).

One format everywhere, so that the text compares like the time it stands for (``not_before <= ?``).
"""

from __future__ import annotations

import datetime as dt

from bot.clock import JST


def stamp(moment: dt.datetime) -> str:
    """``2026-12-15T09:00:00.000+09:00``"""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=JST)
    return moment.astimezone(JST).isoformat(timespec="milliseconds")


def timestamp(now: dt.datetime | None = None) -> str:
    """``2026-12-15T09:00:00+09:00``, to the second, as the registrations, feedback and office tables
    store it; the current time when ``now`` is not given."""
    return (now or dt.datetime.now(JST)).astimezone(JST).isoformat(timespec="seconds")


def moment(text: str) -> dt.datetime:
    """The stored text as an aware datetime in JST."""
    value = dt.datetime.fromisoformat(text)
    return (value if value.tzinfo else value.replace(tzinfo=JST)).astimezone(JST)
