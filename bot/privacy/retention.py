"""Retention: conversations and unanswered questions are kept for a limited time, then purged.

Conversations (the tracker DB) hold every name, 職員番号 and 志望動機 typed into the form; the
unanswered-questions log holds free text and the sender id; the outbox keeps the messages Manabi sent
first (and every delivery attempt). All are purged once older than the
retention period (``MANABI_RETENTION_DAYS``, default 180 days) by ``python -m bot privacy purge``
(a dry run unless ``--apply``), which the operator runs regularly (cron, systemd timer). A
conversation is purged whole, once its *latest* event is older than the period. Registrations are
not purged by age: they are deleted per cohort when the office no longer needs them
(``registrations delete-cohort``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from bot.clock import JST
from bot.privacy.trackers import Conversations, count_inactive, delete_inactive
from bot.state import db as state
from bot.state import outbox
from bot.state.postgres import is_postgresql
from bot.state.unanswered import count_older_than, delete_older_than

_AGE = re.compile(r"^\s*(\d+)\s*([dwh]?)\s*$", re.IGNORECASE)
_UNITS = {"": "days", "d": "days", "w": "weeks", "h": "hours"}


class BadAge(ValueError):
    """Not an age such as ``180d``."""


def parse_age(text: str) -> dt.timedelta:
    """``180d`` / ``180`` (days), ``26w`` (weeks), ``12h`` (hours) → a timedelta."""
    match = _AGE.match(text or "")
    if not match:
        raise BadAge(f"期間は 180d（日）・26w（週）・12h（時間）の形で指定してください: {text!r}")
    return dt.timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


@dataclass(frozen=True)
class Purge:
    """What a purge deletes (dry run) or deleted."""

    cutoff: dt.datetime
    conversations: Conversations | None  # None: no tracker database
    questions: int | None  # None: no state database
    applied: bool
    notifications: int | None = None  # finished outbox messages (None: no state database)


def purge(
    state_db: Path | str,
    tracker_db: Path | str,
    older_than: dt.timedelta,
    *,
    apply: bool,
    now: dt.datetime | None = None,
) -> Purge:
    """Counts (``apply=False``) or deletes what is older than ``older_than``; one transaction per database."""
    cutoff = (now or dt.datetime.now(JST)) - older_than
    if apply:
        conversations = delete_inactive(tracker_db, cutoff.timestamp())
    else:
        conversations = count_inactive(tracker_db, cutoff.timestamp())
    questions = notifications = None
    if is_postgresql(state_db) or Path(state_db).exists():
        conn = state.connect(state_db)
        try:
            questions = delete_older_than(conn, cutoff) if apply else count_older_than(conn, cutoff)
            notifications = outbox.delete_older_than(conn, cutoff) if apply else outbox.count_older_than(conn, cutoff)
        finally:
            conn.close()
    return Purge(cutoff, conversations, questions, apply, notifications)
