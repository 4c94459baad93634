"""Today's date, injectable so tests (and demos) can pin it.

``MANABI_TODAY=2026-11-24`` pins the date for a whole process; code that needs "today" takes a
:class:`Clock` argument defaulting to :func:`clock_from_env`, so unit tests pass a FixedClock.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Protocol

JST = dt.timezone(dt.timedelta(hours=9), "JST")  # Japan has no daylight saving time


class Clock(Protocol):
    def today(self) -> dt.date: ...


class SystemClock:
    """The real date in Japan, whatever the server's time zone."""

    def today(self) -> dt.date:
        return dt.datetime.now(JST).date()


class FixedClock:
    """Always the same day."""

    def __init__(self, day: dt.date):
        self._day = day

    def today(self) -> dt.date:
        return self._day

    def __repr__(self) -> str:
        return f"FixedClock({self._day.isoformat()})"


def clock_from_env(env: Mapping[str, str] | None = None) -> Clock:
    """A FixedClock when ``MANABI_TODAY`` is set (YYYY-MM-DD), else the system clock."""
    env = os.environ if env is None else env
    pinned = env.get("MANABI_TODAY")
    if not pinned:
        return SystemClock()
    try:
        return FixedClock(dt.date.fromisoformat(pinned))
    except ValueError:
        raise ValueError(f"MANABI_TODAY must be YYYY-MM-DD, got {pinned!r}") from None
