"""Settings of the web chat, from its ``credentials.yml`` block (``"${ENV}"`` values, as for Teams).

* ``session_secret`` (``MANABI_WEB_SECRET``): signs the chat cookie (at least 32 characters). Unset:
  one is made per process, and every restart starts new conversations;
* ``trusted_header`` (``MANABI_WEB_TRUSTED_HEADER``): a header with the person's id set by the
  intranet's reverse proxy, e.g. ``X-Remote-User`` (unset: cookies only);
* ``trusted_proxies`` (``MANABI_WEB_TRUSTED_PROXIES``): the addresses/networks that header is
  accepted from, e.g. ``10.0.0.5, 10.1.0.0/24``;
* ``cookie_secure`` (``MANABI_WEB_COOKIE_SECURE``): ``1`` behind HTTPS (the cookie then only goes over HTTPS);
* ``max_chars`` (``MANABI_WEB_MAX_CHARS``, default 500): the longest message (the page shows a counter).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.exceptions import RasaException

from bot.channels.teams.config import expand_env
from bot.office.config import flag

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,64}$")
MIN_SECRET_CHARS = 32


class WebConfigError(RasaException):
    """The ``WebInput`` block of credentials.yml is invalid."""


@dataclass(frozen=True)
class WebSettings:
    secret: bytes = field(repr=False, default=b"")
    trusted_header: str | None = None
    trusted_proxies: tuple[Network, ...] = ()
    cookie_secure: bool = False
    max_chars: int = 500
    secret_generated: bool = False

    def is_trusted_proxy(self, address: str | None) -> bool:
        if not address or not self.trusted_header:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)

    @classmethod
    def from_credentials(
        cls, credentials: Mapping[str, Any] | None, env: Mapping[str, str] | None = None
    ) -> WebSettings:
        raw = {
            key: expand_env(str(value), env).strip() for key, value in (credentials or {}).items() if value is not None
        }
        secret = raw.get("session_secret") or ""
        generated = not secret
        if generated:
            secret = secrets.token_urlsafe(48)
            logger.warning("Web chat: MANABI_WEB_SECRET is not set; conversations will not survive a restart.")
        elif len(secret) < MIN_SECRET_CHARS:
            raise WebConfigError(f"Web chat: MANABI_WEB_SECRET must have at least {MIN_SECRET_CHARS} characters.")
        header = raw.get("trusted_header") or None
        if header and not _HEADER_NAME.match(header):
            raise WebConfigError(f"Web chat: trusted_header '{header}' is not a header name.")
        proxies = []
        for item in re.split(r"[,\s]+", raw.get("trusted_proxies") or ""):
            if item:
                try:
                    proxies.append(ipaddress.ip_network(item, strict=False))
                except ValueError:
                    raise WebConfigError(f"Web chat: trusted_proxies has '{item}', not an address.") from None
        if header and not proxies:
            raise WebConfigError("Web chat: trusted_header needs trusted_proxies (the proxy's addresses).")
        try:
            max_chars = int(raw.get("max_chars") or 500)
        except ValueError:
            raise WebConfigError("Web chat: max_chars must be a whole number.") from None
        if not 10 <= max_chars <= 4000:
            raise WebConfigError("Web chat: max_chars must be between 10 and 4000.")
        return cls(
            secret=secret.encode("utf-8"),
            trusted_header=header,
            trusted_proxies=tuple(proxies),
            cookie_secure=flag(raw.get("cookie_secure"), False),
            max_chars=max_chars,
            secret_generated=generated,
        )
