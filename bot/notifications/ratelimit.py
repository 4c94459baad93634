"""Sliding-window rate limits: per conversation (7 a second, 60 in 30 s) and per tenant (30 a second).

Each window keeps the moments of the sends it allows; a send waits until every window it belongs to
has room. A 429 from Teams pauses that conversation for its Retry-After. Time is the monotonic clock
(real seconds, whatever the business clock says); it is injectable for tests. Each window is held a
little longer than Teams counts (``MARGIN``), so that network jitter cannot make two sends a window
apart arrive inside one.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from bot.notifications.settings import NotifySettings

Sleep = Callable[[float], Awaitable[Any]]
MARGIN = 0.05  # seconds added to every window


class Window:
    """At most ``limit`` events in any ``seconds``."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self._events: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0: it fits now)."""
        while self._events and self._events[0] <= now - self.seconds:
            self._events.popleft()
        if len(self._events) < self.limit:
            return 0.0
        return self._events[0] + self.seconds - now

    def add(self, now: float) -> None:
        self._events.append(now)

    @property
    def idle(self) -> bool:
        return not self._events


class RateLimiter:
    """Waits until a send to a conversation is allowed, then counts it."""

    def __init__(
        self, settings: NotifySettings, monotonic: Callable[[], float] = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self._settings = settings
        self._monotonic = monotonic
        self._sleep = sleep
        self._tenant = Window(settings.tenant_per_second, 1.0 + MARGIN)
        self._conversations: dict[str, tuple[Window, Window]] = {}
        self._paused: dict[str, float] = {}

    def _windows(self, conversation: str) -> tuple[Window, ...]:
        if conversation not in self._conversations:
            s = self._settings
            self._conversations[conversation] = (
                Window(s.conversation_per_second, 1.0 + MARGIN),
                Window(s.conversation_per_30s, 30.0 + MARGIN),
            )
        return (*self._conversations[conversation], self._tenant)

    def delay(self, conversation: str) -> float:
        """Seconds until a send to ``conversation`` is allowed."""
        now = self._monotonic()
        paused = self._paused.get(conversation, 0.0) - now
        return max([paused, *(w.wait(now) for w in self._windows(conversation))])

    async def acquire(self, conversation: str) -> None:
        """Returns when a send to ``conversation`` is allowed, having counted it."""
        while True:
            wait = self.delay(conversation)
            if wait <= 0:  # no await between the check and the count: concurrent senders cannot both pass
                now = self._monotonic()
                for window in self._windows(conversation):
                    window.add(now)
                return
            await self._sleep(wait)

    def pause(self, conversation: str, seconds: float) -> None:
        """Teams said 429: nothing more to this conversation for ``seconds``."""
        self._paused[conversation] = max(self._paused.get(conversation, 0.0), self._monotonic() + seconds)

    def forget_idle(self) -> None:
        """Drops the windows of conversations with nothing in the last 30 s (memory stays bounded)."""
        now = self._monotonic()
        for conversation, windows in list(self._conversations.items()):
            for window in windows:
                window.wait(now)
            if all(w.idle for w in windows) and self._paused.get(conversation, 0.0) <= now:
                del self._conversations[conversation]
                self._paused.pop(conversation, None)
