"""Delivery against the fake Bot Framework, for the tests (tests/channels/test_notifications_delivery.py)
and the measurement (``python -m benchmarks.notifications``): applicants with Teams conversation
references, and a worker that sends to the fake (bot/devtools/fake_botframework.py) until the outbox
is done."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.channels.teams.config import TeamsSettings
from bot.channels.teams.proactive import ProactiveSender
from bot.clock import JST, ShiftedClock
from bot.devtools.fake_botframework import BOT_ID, FakeBotFramework
from bot.notifications.settings import NotifySettings
from bot.notifications.worker import DeliveryWorker
from bot.registrations import store
from bot.registrations.model import Application
from bot.state import conversation_refs

COHORT = "leader-7"
START = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)
# Quick retries so that the tests wait seconds, not minutes; the rate limits stay Teams' own.
FAST = NotifySettings(retry_base_seconds=0.2, poll_seconds=0.05, lease_seconds=5)


@dataclass(frozen=True)
class Person:
    person_id: str  # an Entra object id, as the Teams channel makes sender ids
    conversation_id: str
    label: str


def person(index: int) -> Person:
    return Person(str(uuid.UUID(int=index + 1)), f"a:personal-{index:04d}", f"p{index:03d}")


def with_reference(conn: sqlite3.Connection, fake: FakeBotFramework, who: Person, personal: bool = True) -> None:
    """What the Teams channel keeps when the person writes to the bot (bot/channels/teams/channel.py)."""
    conversation_refs.remember(
        conn,
        who.person_id,
        service_url=fake.service_url,
        tenant_id=fake.tenant_id,
        user_id=f"29:user-{who.label}",
        aad_object_id=who.person_id,
        conversation_id=who.conversation_id if personal else None,
        bot_id=BOT_ID,
        now=START,
    )


_KANJI_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")


def register(conn: sqlite3.Connection, who: Person, seats: int = 20, cohort: str = COHORT) -> store.RegisterResult:
    """Registers the person (a name without digits and a 職員番号 of their own, as the store requires)."""
    number = int(who.label[1:])
    application = Application(
        cohort_id=cohort,
        person_id=who.person_id,
        name=f"職員{who.label}".translate(_KANJI_DIGITS),
        department="市民課",
        staff_number=f"{100000 + number:06d}",
        recommendation="self",
        motivation="業務改善に取り組みたいです",
        channel="teams",
    )
    return store.register(conn, application, seats)


def sender_for(fake: FakeBotFramework) -> ProactiveSender:
    return ProactiveSender(TeamsSettings.from_credentials(fake.credentials()))


def worker_for(
    fake: FakeBotFramework,
    state_db: Path,
    catalogue_db: Path,
    settings: NotifySettings = FAST,
    clock: ShiftedClock | None = None,
    **kwargs: Any,
) -> DeliveryWorker:
    return DeliveryWorker(
        state_db,
        catalogue_db,
        sender_for(fake),
        settings,
        clock or ShiftedClock(START),
        tenant_id=fake.tenant_id,
        **kwargs,
    )


def unfinished(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()[0])


async def run_until(worker: DeliveryWorker, done: Callable[[], bool], timeout: float = 60) -> None:
    """Runs the worker until ``done()`` (checked every 50 ms), then stops it; AssertionError on timeout."""
    stop = asyncio.Event()
    task = asyncio.ensure_future(worker.run(stop))
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while not done():
            if task.done():
                task.result()  # the worker failed: show why
                raise AssertionError("the worker stopped on its own")
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"not done within {timeout:.0f}s")
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def deliver_all(worker: DeliveryWorker, conn: sqlite3.Connection, timeout: float = 60) -> None:
    """Runs the worker until nothing waits in the outbox."""
    await run_until(worker, lambda: unfinished(conn) == 0, timeout)


def statuses(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())


def messages_to(fake: FakeBotFramework, conversation_id: str) -> list[dict[str, Any]]:
    return [r.activity for r in fake.arrivals(conversation_id) if r.activity.get("type") == "message"]
