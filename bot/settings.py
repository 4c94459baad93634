"""Every configurable path, port and clock value, read once from the environment.

Defaults give the embedded local set-up (SQLite files under ``var/``, servers on 127.0.0.1);
``make``/``.ci/run`` and the tests override them through environment variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def http_url(host: str, port: int, path: str = "") -> str:
    """``http://host:port`` followed by ``path``; an IPv6 address is put in brackets (``http://[::1]:5005``)."""
    return f"http://[{host}]:{port}{path}" if ":" in host else f"http://{host}:{port}{path}"


@dataclass(frozen=True)
class Settings:
    catalogue_dir: Path
    catalogue_db: Path
    state_db: Path
    today: str | None
    host: str
    rasa_port: int
    action_port: int
    log_dir: Path
    # The action server trusts its caller (the Rasa server) with any sender's name: it listens on
    # loopback whatever ``host`` says, unless an operator explicitly sets MANABI_ACTION_HOST.
    action_host: str = "127.0.0.1"
    tracker_db: Path = PROJECT_ROOT / "var" / "trackers.sqlite"
    max_message_chars: int = 2000  # longer messages are answered by the channel, never parsed
    log_max_bytes: int = 10 * 1024 * 1024  # server logs rotate at this size …
    log_backups: int = 5  # … keeping this many older files
    retention_days: int = 180  # conversations and unanswered questions older than this are purged
    # Beyond one machine (docs/deploy.md): with a PostgreSQL URL the state DB and the conversations
    # live in that database instead of the SQLite files above; with a Redis URL the Rasa servers
    # share their conversation locks and the Teams channel its duplicate and welcome bookkeeping.
    database_url: str | None = None
    redis_url: str | None = None

    @property
    def state_location(self) -> Path | str:
        """Where the state DB is: the PostgreSQL URL, else the SQLite file (bot.state.db.connect)."""
        return self.database_url or self.state_db

    @property
    def tracker_location(self) -> Path | str:
        """Where the conversations are: the PostgreSQL URL, else the SQLite tracker file."""
        return self.database_url or self.tracker_db

    @property
    def rasa_url(self) -> str:
        return http_url(self.host, self.rasa_port)

    @property
    def action_url(self) -> str:
        return http_url(self.action_host, self.action_port, "/webhook")


def _path(env: Mapping[str, str], name: str, default: str) -> Path:
    value = Path(env.get(name) or default)
    return value if value.is_absolute() else PROJECT_ROOT / value


def env_int(env: Mapping[str, str], name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    """The whole number ``env[name]`` (``default`` when unset); a clear error outside minimum…maximum."""
    raw = env.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if maximum is not None and not minimum <= value <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}, got {value}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def _url(env: Mapping[str, str], name: str, schemes: tuple[str, ...]) -> str | None:
    value = (env.get(name) or "").strip()
    if not value:
        return None
    if not value.startswith(tuple(f"{scheme}://" for scheme in schemes)):
        raise ValueError(
            f"{name} must start with {' or '.join(s + '://' for s in schemes)}, got {value.split(':')[0]!r}"
        )
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: ``os.environ``)."""
    env = os.environ if env is None else env
    return Settings(
        catalogue_dir=_path(env, "MANABI_CATALOGUE_DIR", "data/catalogue"),
        catalogue_db=_path(env, "MANABI_CATALOGUE_DB", "var/catalogue.sqlite"),
        state_db=_path(env, "MANABI_STATE_DB", "var/manabi.sqlite"),
        today=env.get("MANABI_TODAY") or None,
        host=env.get("MANABI_HOST") or "127.0.0.1",
        rasa_port=env_int(env, "MANABI_RASA_PORT", 5005, minimum=1, maximum=65535),
        action_port=env_int(env, "MANABI_ACTION_PORT", 5055, minimum=1, maximum=65535),
        log_dir=_path(env, "MANABI_LOG_DIR", "var/log"),
        action_host=env.get("MANABI_ACTION_HOST") or "127.0.0.1",
        tracker_db=_path(env, "MANABI_TRACKER_DB", "var/trackers.sqlite"),
        max_message_chars=env_int(env, "MANABI_MAX_MESSAGE_CHARS", 2000, minimum=1),
        log_max_bytes=env_int(env, "MANABI_LOG_MAX_BYTES", 10 * 1024 * 1024, minimum=1024),
        log_backups=env_int(env, "MANABI_LOG_BACKUPS", 5, minimum=1),
        retention_days=env_int(env, "MANABI_RETENTION_DAYS", 180, minimum=1),
        database_url=_url(env, "MANABI_DATABASE_URL", ("postgresql", "postgres")),
        redis_url=_url(env, "MANABI_REDIS_URL", ("redis", "rediss")),
    )
