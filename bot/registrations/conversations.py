"""The person's conversation in Rasa's SQL tracker store (``MANABI_TRACKER_DB``), for data deletion.

The conversation holds what the person typed into the form (name, 職員番号, 志望動機), so deleting a
person's data deletes it too. Rasa's ``SQLTrackerStore`` keeps one row per event in ``events``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from bot.settings import PROJECT_ROOT


def tracker_db_path(env: Mapping[str, str] | None = None) -> Path:
    """``MANABI_TRACKER_DB`` (as in endpoints.yml), default ``var/trackers.sqlite``."""
    env = os.environ if env is None else env
    path = Path(env.get("MANABI_TRACKER_DB") or "var/trackers.sqlite")
    return path if path.is_absolute() else PROJECT_ROOT / path


def delete_conversation(tracker_db: Path, sender_id: str) -> int | None:
    """Delete the sender's events; returns how many, or None when there is no tracker store."""
    if not Path(tracker_db).exists():
        return None
    conn = sqlite3.connect(str(tracker_db), timeout=10, isolation_level=None)
    try:
        has_events = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").fetchone()
        if not has_events:
            return None
        conn.execute("BEGIN IMMEDIATE")
        deleted = conn.execute("DELETE FROM events WHERE sender_id = ?", (sender_id,)).rowcount
        conn.execute("COMMIT")
        return deleted
    finally:
        conn.close()
