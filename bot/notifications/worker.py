"""The delivery worker: the one process that sends what the outbox holds (``python -m bot notifications worker``).

Every round (about once a second when idle, sooner when a message finishes) it

1. takes or renews the lease ``delivery`` in the state database (bot/state/leases.py): with several
   servers running, one worker sends and the others wait; a worker that took over first marks what the
   previous one left half-sent as interrupted (bot/state/outbox.py, :func:`recover_interrupted`);
2. moves reminders with the catalogue and queues those that fell due (bot/notifications/schedule.py);
3. sends waiting Teams messages, at most ``concurrency`` at once and one at a time per person, each
   through the rate limiter (bot/notifications/ratelimit.py), recording every attempt and its answer.

After an answer: sent; retried later (429/5xx/no answer: Retry-After when given, else exponential
backoff with jitter; given up after ``max_attempts``); dead (403/404: the person's reference is marked
dead and the office sees it); failed (Teams refused the message). Times come from the injectable
clock (bot/clock.py), so tests move it; the rate limits count real seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import os
import random
import re
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from bot.catalogue.queries import Catalogue, CatalogueMissing
from bot.channels.teams.proactive import DEAD, FAILED, RETRY, SENT, Delivery, Target
from bot.clock import Clock, SystemClock
from bot.log_limits import RateLimitedLog
from bot.notifications import schedule
from bot.notifications.compose import Message, compose
from bot.notifications.ratelimit import RateLimiter
from bot.notifications.settings import NotifySettings
from bot.state import conversation_refs, leases, outbox
from bot.state import db as state
from bot.state.db import Error as DbError
from bot.state.db import transaction
from bot.state.outbox import OutboxMessage

logger = logging.getLogger(__name__)
_trouble = RateLimitedLog(logger)  # a missing catalogue or a locked database, once a second, would flood the log

LEASE = "delivery"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

Hook = Callable[[str, OutboxMessage], Awaitable[None] | None]

# what a round of the worker survives: the next round tries again
_TRY_AGAIN: tuple[type[Exception], ...] = (*DbError, CatalogueMissing)


class Sender(Protocol):
    """What the worker needs of a channel (bot/channels/teams/proactive.py: ProactiveSender)."""

    async def create_conversation(self, target: Target) -> Delivery: ...

    async def send(self, target: Target, message: Mapping[str, Any]) -> Delivery: ...

    async def close(self) -> None: ...


class CatalogueWatch:
    """The built catalogue, opened again when `catalogue build` replaced the file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._catalogue: Catalogue | None = None
        self._seen: tuple[int, int] | None = None

    def current(self) -> tuple[Catalogue, bool]:
        """(the catalogue, whether it changed since the last call); CatalogueMissing if not built."""
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            raise CatalogueMissing(f"catalogue database not found: {self.path}") from None
        seen = (info.st_ino, info.st_mtime_ns)
        if self._catalogue is None or seen != self._seen:
            if self._catalogue is not None:
                self._catalogue.close()
            self._catalogue, self._seen = Catalogue(self.path), seen
            return self._catalogue, True
        return self._catalogue, False


class DeliveryWorker:
    def __init__(
        self,
        state_db: Path,
        catalogue_db: Path,
        sender: Sender | None,
        settings: NotifySettings | None = None,
        clock: Clock | None = None,
        *,
        name: str | None = None,
        tenant_id: str | None = None,
        service_url: str | None = None,
        hook: Hook | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or NotifySettings()
        self.clock = clock or SystemClock()
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.conn = state.connect(state_db)
        self.catalogue = CatalogueWatch(catalogue_db)
        self.sender = sender
        self.tenant_id = tenant_id  # for people who never wrote to the bot: the bot's own tenant …
        self.service_url = service_url  # … and, when no reference in it names one, this serviceUrl
        self.limiter = RateLimiter(self.settings, monotonic)
        self.holding = False
        self._hook = hook
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._renewed_at: dt.datetime | None = None
        self._reconciled_at: dt.datetime | None = None
        self._said_unconfigured = False

    # ---- the loop ------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Rounds until ``stop`` is set; then finishes the messages in flight and gives the lease up."""
        logger.info("delivery worker %s started", self.name)
        try:
            while not stop.is_set():
                try:
                    await self.step()
                except _TRY_AGAIN as error:  # the next round tries again
                    _trouble.warning_for(type(error).__name__, "delivery worker: %s", error)
                self._wake.clear()
                waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
                await asyncio.wait(waits, timeout=self._pause(), return_when=asyncio.FIRST_COMPLETED)
                for waiting in waits:
                    waiting.cancel()
        finally:
            await self.finish()

    def _pause(self) -> float:
        """Until the next round: the poll interval, or sooner when a retry falls due before it."""
        if not self.holding or len(self._in_flight) >= self.settings.concurrency:
            return self.settings.poll_seconds  # a message finishing wakes the loop at once
        next_due = outbox.next_due_at(self.conn)
        if next_due is None:
            return self.settings.poll_seconds
        until = (dt.datetime.fromisoformat(next_due) - self.clock.now()).total_seconds()
        # due already but not sent this round (its person has one in flight): the finish wakes us
        return self.settings.poll_seconds if until <= 0 else min(self.settings.poll_seconds, max(0.02, until))

    async def finish(self, timeout: float = 30) -> None:
        if self._in_flight:
            await asyncio.wait(set(self._in_flight.values()), timeout=timeout)
        if self.holding:
            with contextlib.suppress(*DbError):
                leases.release(self.conn, LEASE, self.name)
            self.holding = False
        if self.sender is not None:
            await self.sender.close()
        self.conn.close()

    async def step(self) -> None:
        """One round (see the module docstring)."""
        now = self.clock.now()
        if not self._hold_lease(now):
            return
        catalogue, changed = self.catalogue.current()
        stale = (
            self._reconciled_at is None
            or (now - self._reconciled_at).total_seconds() >= self.settings.reconcile_seconds
        )
        if changed or stale:
            schedule.reconcile(self.conn, catalogue, now, self.settings.reminder_hour)
            self._reconciled_at = now
        schedule.enqueue_due(self.conn, catalogue, now)
        self._dispatch(catalogue, now)
        self.limiter.forget_idle()

    def _hold_lease(self, now: dt.datetime) -> bool:
        ttl = dt.timedelta(seconds=self.settings.lease_seconds)
        if self.holding and self._renewed_at and now - self._renewed_at < ttl / 3:
            return True
        held = leases.acquire(self.conn, LEASE, self.name, now, ttl)
        if held and not self.holding and not self._in_flight:
            recovered = outbox.recover_interrupted(self.conn, now)
            if recovered:
                logger.warning("delivery worker: %d messages were left half-sent; sending them again", recovered)
        if held != self.holding:
            logger.info("delivery worker %s %s the lease", self.name, "holds" if held else "waits for")
        self.holding, self._renewed_at = held, now if held else None
        return held

    # ---- sending --------------------------------------------------------------------------------
    def _dispatch(self, catalogue: Catalogue, now: dt.datetime) -> None:
        free = self.settings.concurrency - len(self._in_flight)
        if free <= 0:
            return
        for message in outbox.due(self.conn, now, free, skip_people=self._in_flight):
            composed = compose(message, catalogue, self.conn, now.date())
            if composed is None:  # its reason has gone (cancelled since, session removed)
                with transaction(self.conn):
                    outbox.withdraw(self.conn, "id = ?", [message.id])
                continue
            if self.sender is None:
                if not self._said_unconfigured:
                    logger.warning("delivery worker: Teams is not configured (MANABI_TEAMS_APP_ID); messages wait")
                    self._said_unconfigured = True
                return
            attempt = outbox.claim(self.conn, message.id, self.name, now, lease=(LEASE, self.name))
            if attempt is None:
                continue
            task = asyncio.ensure_future(self._deliver(message, attempt, composed))
            self._in_flight[message.person_id] = task
            task.add_done_callback(functools.partial(self._done, message.person_id))

    def _done(self, person_id: str, task: asyncio.Task[None]) -> None:
        self._in_flight.pop(person_id, None)
        self._wake.set()
        if not task.cancelled() and task.exception() is not None:
            logger.error("delivery worker: a send stopped: %r", task.exception())

    async def _deliver(self, message: OutboxMessage, attempt: int, composed: Message) -> None:
        assert self.sender is not None
        try:
            target, problem = self._target(message.person_id)
            if target is None:
                self._finish(message, attempt, problem)
                return
            if target.conversation_id is None:
                async with self.limiter.sending(f"create:{message.person_id}"):
                    created = await self.sender.create_conversation(target)
                if created.outcome != SENT or not created.external_id:
                    self._finish(message, attempt, created, target)
                    return
                target = replace(target, conversation_id=created.external_id)
                self._remember_created(message.person_id, target)
            async with self.limiter.sending(target.conversation_id or ""):
                await self._call_hook("sending", message)
                delivery = await self.sender.send(target, composed)
            await self._call_hook("answered", message)  # a stop here is the one window for a repeat
            self._finish(message, attempt, delivery, target)
        except asyncio.CancelledError:
            raise  # the message stays 'sending': the next worker sends it again
        except Exception:
            logger.exception("delivery worker: sending message %d failed", message.id)
            self._finish(message, attempt, Delivery(RETRY, None, "internal error (see the worker's log)"))

    async def _call_hook(self, point: str, message: OutboxMessage) -> None:
        if self._hook is not None:
            result = self._hook(point, message)
            if result is not None:
                await result

    def _target(self, person_id: str) -> tuple[Target | None, Delivery]:
        ref = conversation_refs.get(self.conn, person_id)
        if ref is not None and ref.is_dead:
            return None, Delivery(DEAD, None, f"reference dead since {ref.dead_at}: {ref.dead_reason}")
        if ref is not None:
            return Target(ref.service_url, ref.tenant_id, ref.member_id, ref.conversation_id, ref.bot_id), Delivery(
                SENT, None, ""
            )
        # Never wrote to the bot: reach them by creating the 1:1 conversation (their Entra object id).
        service_url = conversation_refs.service_url_for(self.conn, self.tenant_id) or self.service_url
        if _GUID.match(person_id) and service_url:
            return Target(service_url, self.tenant_id, person_id, None, None), Delivery(SENT, None, "")
        return None, Delivery(FAILED, None, "no conversation reference: the person has not used the bot in Teams")

    def _remember_created(self, person_id: str, target: Target) -> None:
        conversation_refs.remember(
            self.conn,
            person_id,
            service_url=target.service_url,
            tenant_id=target.tenant_id,
            user_id=target.member_id if (target.member_id or "").startswith("29:") else None,
            aad_object_id=person_id if _GUID.match(person_id) else None,
            conversation_id=target.conversation_id,
            bot_id=target.bot_id,
            now=self.clock.now(),
        )

    def _finish(self, message: OutboxMessage, attempt: int, delivery: Delivery, target: Target | None = None) -> None:
        now = self.clock.now()
        done: dict[str, Any] = {"http_status": delivery.http_status, "detail": delivery.detail, "now": now}
        if delivery.outcome == SENT:
            outbox.record(self.conn, message.id, attempt, outcome=SENT, external_id=delivery.external_id, **done)
            return
        if delivery.outcome == DEAD:
            if delivery.http_status is not None:  # Teams said so now (not an already dead reference)
                with transaction(self.conn):
                    conversation_refs.mark_dead(self.conn, message.person_id, delivery.detail, now)
            outbox.record(self.conn, message.id, attempt, outcome=DEAD, **done)
            return
        tried = message.attempts + 1
        if delivery.outcome == FAILED or tried >= self.settings.max_attempts:
            if delivery.outcome != FAILED:
                done["detail"] = f"gave up after {tried} attempts: {delivery.detail}"
            outbox.record(self.conn, message.id, attempt, outcome=FAILED, **done)
            return
        delay = self.retry_delay(tried, delivery.retry_after)
        if delivery.http_status == 429 and target is not None and target.conversation_id:
            self.limiter.pause(target.conversation_id, delay)
        retry_at = now + dt.timedelta(seconds=delay)
        outbox.record(self.conn, message.id, attempt, outcome=RETRY, retry_at=retry_at, **done)

    def retry_delay(self, tried: int, retry_after: float | None) -> float:
        """Retry-After when Teams gave one, else exponential backoff with jitter (capped)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.settings.retry_max_seconds)
        base = self.settings.retry_base_seconds
        backoff: float = base * 2 ** (tried - 1) + random.uniform(0, base)
        return min(backoff, self.settings.retry_max_seconds)
