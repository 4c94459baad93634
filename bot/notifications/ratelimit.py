"""Sliding-window rate limits: per conversation (7 a second, 60 in 30 s) and per tenant (30 a second).

A send takes a place in every window it belongs to and holds it from the moment it starts until the
connector has answered; a window is full while ``limit`` places were taken within ``seconds`` of now,
counting each from its *answer*. Teams notes a message at some moment between our sending it and its
answer, so counting from the answer guarantees that no ``limit + 1`` messages can reach Teams within
``seconds`` however the network delays them (plus ``MARGIN`` for clocks). A 429 pauses that
conversation for its Retry-After. Time is the monotonic clock (real seconds, whatever the business
clock says); it is injectable for tests.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from bot.notifications.settings import NotifySettings

Sleep = Callable[[float], Awaitable[Any]]
MARGIN = 0.05  # seconds added to every window
IN_FLIGHT_POLL = 0.01  # how often a full window whose oldest send is unanswered is looked at again


class Place:
    """One send's place in its windows: open while in flight, then the moment of its answer."""

    def __init__(self) -> None:
        self.answered_at: float | None = None


class Window:
    """At most ``limit`` sends in any ``seconds``."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self._places: deque[Place] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more send fits (0: it fits now)."""
        while self._places and self._places[0].answered_at is not None:
            if self._places[0].answered_at > now - self.seconds:
                break
            self._places.popleft()
        if len(self._places) < self.limit:
            return 0.0
        oldest = self._places[0].answered_at
        return IN_FLIGHT_POLL if oldest is None else oldest + self.seconds - now

    def take(self, place: Place) -> None:
        self._places.append(place)

    @property
    def idle(self) -> bool:
        return not self._places


class RateLimiter:
    """``async with limiter.sending(conversation): …`` waits until the send is allowed, then holds its place."""

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

    @asynccontextmanager
    async def sending(self, conversation: str) -> AsyncIterator[None]:
        """Waits until a send to ``conversation`` is allowed; holds its place until the block ends (the
        connector answered, or the send failed)."""
        while True:
            wait = self.delay(conversation)
            if wait <= 0:  # no await between the check and the taking: concurrent senders cannot both pass
                break
            await self._sleep(wait)
        place = Place()
        for window in self._windows(conversation):
            window.take(place)
        try:
            yield
        finally:
            place.answered_at = self._monotonic()

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
