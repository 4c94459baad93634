"""When a reminder is sent: ``lead_days`` before its day, at the reminder hour, in Japan time."""

from __future__ import annotations

import datetime as dt

from bot.clock import JST


def due_moment(day: dt.date, lead_days: int, hour: int) -> dt.datetime:
    """``lead_days`` before ``day`` at ``hour``:00 JST (1 day before 2026-12-16, 9 → 2026-12-15 09:00)."""
    return dt.datetime.combine(day - dt.timedelta(days=lead_days), dt.time(hour), JST)
