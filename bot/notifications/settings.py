"""The delivery worker's settings, from the environment (``MANABI_NOTIFY_*``; docs/notifications.md).

The rate limits default to what Microsoft documents for a bot in Teams: per conversation 7 messages
a second and 60 in 30 seconds, per tenant about 30–50 a second (we stay at the low end).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class NotifySettings:
    conversation_per_second: int = 7
    conversation_per_30s: int = 60
    tenant_per_second: int = 30
    concurrency: int = 8  # messages in flight at once (never two for one person)
    retry_base_seconds: float = 2.0  # first retry after about this long, doubling, with jitter
    retry_max_seconds: float = 600.0
    max_attempts: int = 10  # then the message is given up (the office sees it)
    poll_seconds: float = 1.0  # how often the queue and the reminders are looked at when idle
    lease_seconds: float = 30.0  # a worker that stops renewing is replaced after this long
    reconcile_seconds: float = 300.0  # reminders are checked against the catalogue at least this often
    reminder_hour: int = 9  # reminders are sent at this hour (JST) of their day

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> NotifySettings:
        env = os.environ if env is None else env
        defaults = cls()
        values = {}
        for name, default in vars(defaults).items():
            raw = env.get(f"MANABI_NOTIFY_{name.upper()}")
            if not raw:
                continue
            try:
                value = type(default)(raw)
            except ValueError:
                raise ValueError(f"MANABI_NOTIFY_{name.upper()} must be a number, got {raw!r}") from None
            if value <= 0 and name != "reminder_hour":
                raise ValueError(f"MANABI_NOTIFY_{name.upper()} must be positive, got {raw!r}")
            values[name] = value
        settings = cls(**values)
        if not 0 <= settings.reminder_hour <= 23:
            raise ValueError("MANABI_NOTIFY_REMINDER_HOUR must be an hour between 0 and 23")
        return settings
