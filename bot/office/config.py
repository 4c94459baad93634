"""Settings of the office console, from the environment (docs/web.md lists them).

| variable | default | meaning |
| --- | --- | --- |
| ``MANABI_OFFICE_ENABLED`` | ``1`` | ``0`` turns the console off: every ``/office`` URL answers 404 |
| ``MANABI_OFFICE_PORT`` | unset | serve the console on its own port (own process) instead of the Rasa server's |
| ``MANABI_OFFICE_HOST`` | ``MANABI_HOST`` | the interface of that port |
| ``MANABI_OFFICE_IDLE_MINUTES`` | ``30`` | a login session ends after this long without a request |
| ``MANABI_OFFICE_SESSION_HOURS`` | ``8`` | … and this long after the login in any case |
| ``MANABI_OFFICE_COOKIE_SECURE`` | ``0`` | ``1`` behind HTTPS: the session cookie is only sent over HTTPS |
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot.settings import env_int

PREFIX = "/office"
_FALSE = {"0", "false", "no", "off"}


def flag(value: str | None, default: bool) -> bool:
    """An on/off environment value ('1', 'true', 'on' / '0', 'false', 'off'); unset → default."""
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in _FALSE


@dataclass(frozen=True)
class OfficeSettings:
    enabled: bool = True
    own_port: int | None = None
    own_host: str = "127.0.0.1"
    idle: dt.timedelta = dt.timedelta(minutes=30)
    lifetime: dt.timedelta = dt.timedelta(hours=8)
    cookie_secure: bool = False

    @property
    def on_rasa_server(self) -> bool:
        """True when the Rasa server itself serves /office (enabled, no port of its own)."""
        return self.enabled and self.own_port is None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OfficeSettings:
        env = os.environ if env is None else env
        port = env.get("MANABI_OFFICE_PORT") or None
        own_port = env_int(env, "MANABI_OFFICE_PORT", 1, minimum=1) if port else None
        if own_port is not None and own_port > 65535:
            raise ValueError(f"MANABI_OFFICE_PORT must be between 1 and 65535, got {own_port}")
        return cls(
            enabled=flag(env.get("MANABI_OFFICE_ENABLED"), True),
            own_port=own_port,
            own_host=env.get("MANABI_OFFICE_HOST") or env.get("MANABI_HOST") or "127.0.0.1",
            idle=dt.timedelta(minutes=env_int(env, "MANABI_OFFICE_IDLE_MINUTES", 30, minimum=1)),
            lifetime=dt.timedelta(hours=env_int(env, "MANABI_OFFICE_SESSION_HOURS", 8, minimum=1)),
            cookie_secure=flag(env.get("MANABI_OFFICE_COOKIE_SECURE"), False),
        )
