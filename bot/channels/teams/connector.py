"""Sends activities to the Bot Connector: ``POST {serviceUrl}/v3/conversations/{id}/activities/{replyToId}``.

Our token only ever goes to a serviceUrl whose host is on the allow-list, and nothing is sent
without a token. 429 and 5xx answers (and network errors) are retried with exponential backoff,
honouring ``Retry-After``; a 401/403 makes us fetch a fresh token once.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
from yarl import URL

from bot.channels.teams.config import TeamsSettings, is_loopback
from bot.channels.teams.http import HttpClient
from bot.channels.teams.tokens import TokenError, TokenProvider

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[Any]]


class ConnectorError(Exception):
    """An activity could not be delivered."""


def is_allowed_service_url(url: str, allowed_hosts: Iterable[str]) -> bool:
    """True if ``url`` is https (or http to loopback) and its host matches the allow-list.

    ``*.example.com`` matches any subdomain of example.com (not example.com itself).
    """
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    secure = parts.scheme == "https" or (parts.scheme == "http" and is_loopback(host))
    if not host or not secure or parts.username or parts.password:
        return False
    return any(host.endswith(pattern[1:]) if pattern.startswith("*.") else host == pattern for pattern in allowed_hosts)


def activity_url(service_url: str, conversation_id: str, reply_to_id: str | None = None) -> str:
    """The connector URL for a new activity (or a reply); ids are percent-encoded (they hold ':', ';', '@')."""
    url = f"{service_url.rstrip('/')}/v3/conversations/{quote(conversation_id, safe='')}/activities"
    return f"{url}/{quote(reply_to_id, safe='')}" if reply_to_id else url


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Parses ``Retry-After`` (delta-seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


class ConnectorClient:
    """Posts activities with our bearer token, retrying transient failures."""

    def __init__(
        self,
        settings: TeamsSettings,
        http: HttpClient,
        tokens: TokenProvider,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._settings = settings
        self._http = http
        self._tokens = tokens
        self._sleep = sleep

    async def send(
        self,
        service_url: str,
        conversation_id: str,
        activity: Mapping[str, Any],
        reply_to_id: str | None = None,
    ) -> Mapping[str, Any]:
        """Delivers ``activity``; returns the connector's JSON answer or raises ConnectorError."""
        if not is_allowed_service_url(service_url, self._settings.allowed_service_hosts):
            raise ConnectorError(f"serviceUrl host not allowed: {urlsplit(service_url).hostname}")
        url = activity_url(service_url, conversation_id, reply_to_id)
        attempts, renewed_token = self._settings.sending.send_attempts, False
        for attempt in range(1, attempts + 1):
            status, retry_after, body = await self._post(url, await self._token(), activity)
            if status is not None and 200 <= status < 300:
                return body
            if status in (401, 403) and not renewed_token:
                self._tokens.invalidate()  # maybe revoked or rotated: one retry with a fresh token
                renewed_token = True
                continue
            if (status is None or status == 429 or status >= 500) and attempt < attempts:
                delay = self._delay(attempt, retry_after)
                logger.warning(
                    "Teams: connector answered %s; retrying in %.1f s (%d/%d).",
                    status if status is not None else "nothing",
                    delay,
                    attempt,
                    attempts - 1,
                )
                await self._sleep(delay)
                continue
            raise ConnectorError(f"connector answered {status if status is not None else 'nothing'}")
        raise ConnectorError(f"gave up after {attempts} attempts")

    async def post_once(
        self, url: str, activity: Mapping[str, Any]
    ) -> tuple[int | None, float | None, Mapping[str, Any]]:
        """One POST with our token, no retries: (status, Retry-After seconds, JSON body); status None on
        a network error. For callers that keep their own record of every attempt (the delivery worker).
        Raises ConnectorError when the host is not allowed or no token can be had (nothing was sent)."""
        if not is_allowed_service_url(url, self._settings.allowed_service_hosts):
            raise ConnectorError(f"serviceUrl host not allowed: {urlsplit(url).hostname}")
        return await self._post(url, await self._token(), activity)

    def renew_token(self) -> None:
        """Forgets the cached token (the connector answered 401)."""
        self._tokens.invalidate()

    async def _token(self) -> str:
        try:
            return await self._tokens.get_token()
        except TokenError as error:
            raise ConnectorError(f"no access token, not sending: {error}") from None

    async def _post(
        self, url: str, token: str, activity: Mapping[str, Any]
    ) -> tuple[int | None, float | None, Mapping[str, Any]]:
        """(status, Retry-After seconds, JSON body); status None on a network error."""
        session = await self._http.session()
        headers = {"Authorization": f"Bearer {token}"}
        try:
            async with session.post(URL(url, encoded=True), json=activity, headers=headers) as response:
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    body = None
                return response.status, retry_after, body if isinstance(body, dict) else {}
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("Teams: sending to the connector failed: %s", type(error).__name__)
            return None, None, {}

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        policy = self._settings.sending
        if retry_after is not None:
            return float(min(retry_after, policy.max_retry_after))
        base = policy.retry_base_delay
        return float(min(base * 2 ** (attempt - 1) + random.uniform(0, base), policy.max_retry_after))
