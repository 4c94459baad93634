"""Admission control for Teams turns: bounded, in order per sender, and nothing acknowledged is lost.

The webhook answers 202 at once and runs the turn later. Without bounds, every accepted activity
became a task of its own (10,000 posts → 10,001 live tasks), and many turns of one sender all
waited for the same conversation lock in Rasa's lock store, where the in-memory store's 60-second
tickets left some stuck for good. Here:

* a turn is admitted only while fewer than ``max_pending`` turns are waiting or running in all,
  and fewer than ``max_per_sender`` for its sender; otherwise the caller answers 503 with
  Retry-After, which the Bot Connector retries later (nothing was acknowledged, nothing is lost);
* each sender's turns run one after the other, in the order they were admitted, by one worker
  that exists only while the sender has turns (so Rasa never sees two turns of one conversation
  at once, and no lock ticket ever waits);
* at most ``concurrent`` turns of different senders run at the same time;
* :meth:`close` stops admitting (later requests get 503) and :meth:`drain` waits for every turn
  already admitted to finish: what was acknowledged with 202 is answered before the server stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable

logger = logging.getLogger(__name__)

Turn = Callable[[], Awaitable[None]]

ADMITTED, BUSY, SENDER_BUSY, CLOSED = "admitted", "busy", "sender busy", "closed"


class TurnQueue:
    """Per-sender FIFO queues of turns with global and per-sender bounds (see the module)."""

    def __init__(self, max_pending: int, max_per_sender: int, concurrent: int) -> None:
        self.max_pending = max_pending
        self.max_per_sender = max_per_sender
        self._running = asyncio.Semaphore(concurrent)
        self._queues: dict[Hashable, deque[Turn]] = {}
        self._workers: dict[Hashable, asyncio.Task] = {}
        self._running_turn: dict[Hashable, bool] = {}  # a sender's turn taken off the queue and not finished
        self._pending = 0  # admitted and not finished, over all senders
        self._idle = asyncio.Event()
        self._idle.set()
        self.closed = False

    @property
    def pending(self) -> int:
        return self._pending

    @property
    def workers(self) -> int:
        return len(self._workers)

    def admit(self, sender: Hashable, turn: Turn) -> str:
        """Queues ``turn`` for ``sender``; returns ADMITTED, or why not (BUSY, SENDER_BUSY, CLOSED).

        Synchronous on purpose: the caller decides between 202 and 503 with no await in between.
        """
        if self.closed:
            return CLOSED
        if self._pending >= self.max_pending:
            return BUSY
        queue = self._queues.setdefault(sender, deque())
        running = 1 if self._running_turn.get(sender) else 0
        if len(queue) + running >= self.max_per_sender:
            return SENDER_BUSY
        queue.append(turn)
        self._pending += 1
        self._idle.clear()
        if sender not in self._workers:
            self._workers[sender] = asyncio.create_task(self._work(sender))
        return ADMITTED

    async def _work(self, sender: Hashable) -> None:
        """Runs the sender's turns in order until their queue is empty, then ends."""
        queue = self._queues[sender]
        try:
            while queue:
                turn = queue.popleft()
                self._running_turn[sender] = True
                try:
                    async with self._running:
                        await turn()
                except asyncio.CancelledError:
                    raise
                except Exception:  # one failing turn must not take the sender's later turns with it
                    logger.exception("Teams: a turn failed.")
                finally:
                    self._running_turn.pop(sender, None)
                    self._finished()
        finally:
            self._workers.pop(sender, None)
            self._queues.pop(sender, None)
            while queue:  # cancelled at shutdown: the rest will not run
                queue.popleft()
                self._finished()

    def _finished(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self._idle.set()

    def close(self) -> None:
        """Admits nothing more; turns already admitted still run."""
        self.closed = True

    async def drain(self, timeout: float) -> int:
        """Waits until every admitted turn has finished; returns how many were still pending when
        ``timeout`` ran out (then cancelled, and logged as an error: they were acknowledged)."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
            return 0
        except asyncio.TimeoutError:
            left = self._pending
            logger.error("Teams: %d acknowledged turns did not finish within %.0f s of shutdown.", left, timeout)
            for task in list(self._workers.values()):
                task.cancel()
            await asyncio.gather(*self._workers.values(), return_exceptions=True)
            return left
