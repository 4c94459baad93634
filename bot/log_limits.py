"""Repeated warnings logged at a bounded rate, so that one client cannot fill the disk with them.

A review measured ~2,000 rejection lines per second from a single client. :class:`RateLimitedLog`
lets ``burst`` lines per key through in every ``window_seconds``; the rest are counted, and the
next line let through for that key says how many similar ones were left out. Keys are what makes
two warnings "the same" (e.g. status and reason of a rejection, never the client's address, which
an attacker chooses freely); at most ``max_keys`` are remembered, the least recent dropped first.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass
class _Window:
    started: float
    logged: int = 0
    suppressed: int = 0


class RateLimitedLog:
    """``log.warning_for(key, message, *args)``: at most ``burst`` lines per key per window."""

    def __init__(
        self,
        logger: logging.Logger,
        burst: int = 5,
        window_seconds: float = 60.0,
        max_keys: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.burst = burst
        self.window_seconds = window_seconds
        self.max_keys = max_keys
        self._clock = clock
        self._windows: OrderedDict[Hashable, _Window] = OrderedDict()

    def reset(self) -> None:
        """Forgets every window (tests)."""
        self._windows.clear()

    def warning_for(self, key: Hashable, message: str, *args: object) -> bool:
        """Logs at WARNING unless ``key`` used up its burst; returns whether a line was written."""
        return self.log(logging.WARNING, key, message, *args)

    def log(self, level: int, key: Hashable, message: str, *args: object) -> bool:
        now = self._clock()
        window = self._windows.get(key)
        if window is None or now - window.started >= self.window_seconds:
            suppressed = window.suppressed if window else 0
            window = _Window(now, suppressed=suppressed)
        self._windows[key] = window
        self._windows.move_to_end(key)
        while len(self._windows) > self.max_keys:
            self._windows.popitem(last=False)
        if window.logged >= self.burst:
            window.suppressed += 1
            return False
        window.logged += 1
        if window.suppressed:
            message += " (%d similar messages suppressed)"
            args = (*args, window.suppressed)
            window.suppressed = 0
        self.logger.log(level, message, *args)
        return True
