"""Today's date and the time in Japan, injectable so tests (and demos) can pin them.

``MANABI_TODAY=2026-11-24`` pins the date for a whole process; code that needs "today" takes a
:class:`Clock` argument defaulting to :func:`clock_from_env`, so unit tests pass a FixedClock.
``now()`` is the moment in JST (a pinned date keeps the real time of day); the notification worker
schedules by it, and tests move it with :class:`ShiftedClock`.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Mapping
from typing import Protocol

JST = dt.timezone(dt.timedelta(hours=9), "JST")  # Japan has no daylight saving time


class Clock(Protocol):
    def today(self) -> dt.date: ...

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The real date and time in Japan, whatever the server's time zone."""

    def today(self) -> dt.date:
        return self.now().date()

    def now(self) -> dt.datetime:
        return dt.datetime.now(JST)


class FixedClock:
    """Always the same day (at the real time of day)."""

    def __init__(self, day: dt.date):
        self._day = day

    def today(self) -> dt.date:
        return self._day

    def now(self) -> dt.datetime:
        return dt.datetime.combine(self._day, dt.datetime.now(JST).timetz())

    def __repr__(self) -> str:
        return f"FixedClock({self._day.isoformat()})"


class ShiftedClock:
    """Starts at a chosen moment and runs with real time; :meth:`advance` jumps forward (tests)."""

    def __init__(self, start: dt.datetime, monotonic: Callable[[], float] = time.monotonic):
        if start.tzinfo is None:
            start = start.replace(tzinfo=JST)
        self._start = start.astimezone(JST)
        self._monotonic = monotonic
        self._began = monotonic()
        self._shift = dt.timedelta()

    def now(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=self._monotonic() - self._began) + self._shift

    def today(self) -> dt.date:
        return self.now().date()

    def advance(self, delta: dt.timedelta) -> None:
        self._shift += delta

    def set(self, moment: dt.datetime) -> None:
        """Jump to ``moment`` (which may not be earlier than now)."""
        self.advance(max(dt.timedelta(), moment.astimezone(JST) - self.now()))


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
