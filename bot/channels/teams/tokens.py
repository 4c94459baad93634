"""The bot's own access token for the Bot Connector (OAuth 2.0 client credentials).

Single-tenant bots get it from ``{login}/{tenant}/oauth2/v2.0/token``; legacy multi-tenant bots
set the tenant to ``botframework.com``. The token is cached and refreshed a few minutes before it
expires. Neither the secret nor the token is ever logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp

from bot.channels.teams.config import TeamsSettings
from bot.channels.teams.http import HttpClient

logger = logging.getLogger(__name__)

REFRESH_MARGIN_SECONDS = 300


class TokenError(Exception):
    """No token could be obtained; nothing may be sent."""


class TokenProvider:
    """Fetches, caches and refreshes the client-credentials token."""

    def __init__(self, settings: TeamsSettings, http: HttpClient, clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._http = http
        self._clock = clock
        self._token: str | None = None
        self._refresh_at = 0.0
        self._lock = asyncio.Lock()

    async def get_token(self) -> str:
        """A valid access token; raises TokenError if the login service does not give one."""
        async with self._lock:
            token = self._token
            if token is None or self._clock() >= self._refresh_at:
                self._token = None  # an expired token must not survive a failed refresh
                token = self._token = await self._fetch()
            return token

    def invalidate(self) -> None:
        """Forgets the cached token (e.g. after the connector answered 401)."""
        self._token = None

    async def _fetch(self) -> str:
        body = await self._post()
        token, expires_in = body.get("access_token"), body.get("expires_in")
        try:
            lifetime = float(expires_in)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            lifetime = 0.0
        if not isinstance(token, str) or not token or lifetime <= 0:
            raise TokenError("the token response has no usable access_token/expires_in")
        # Refresh a few minutes early; for very short-lived tokens, half way through.
        self._refresh_at = self._clock() + lifetime - min(REFRESH_MARGIN_SECONDS, lifetime / 2)
        logger.info("Teams: obtained a Bot Connector token valid for %d s.", int(lifetime))
        return token

    async def _post(self) -> Mapping[str, Any]:
        settings = self._settings
        form = {
            "grant_type": "client_credentials",
            "client_id": settings.app_id,
            "client_secret": settings.app_password,
            "scope": settings.token_scope,
        }
        session = await self._http.session()
        try:
            async with session.post(settings.token_url, data=form) as response:
                status, text = response.status, await response.text()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise TokenError(f"token request failed: {type(error).__name__}") from None
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        if status != 200 or not isinstance(body, dict):
            raise TokenError(f"token endpoint answered {status}: {_error_summary(body)}")
        return body


def _error_summary(body: Any) -> str:
    """The error code and first line of an Entra error (e.g. AADSTS700016), without secrets."""
    if not isinstance(body, dict):
        return "no JSON body"
    description = str(body.get("error_description") or "").splitlines()
    return f"{body.get('error', 'error')}: {description[0] if description else ''}".strip()
