"""Validation of the Bearer JWT the Bot Connector service sends with every activity.

Follows Microsoft's "Authenticate requests from the Bot Connector service to your bot":
keys from the OpenID metadata document's ``jwks_uri``; RS256 only (whatever the token header
claims); issuer from an allow-list; audience = our app id; exp/nbf with 5 minutes of clock skew;
the ``serviceurl`` claim equal to the activity's serviceUrl; the signing key's ``endorsements``
containing the activity's channelId. Any failure is an ``AuthError`` (401, or 403 for a tenant
that is not allowed) whose ``reason`` is safe to log: it never contains the token.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt

from bot.channels.refusal import Refusal
from bot.channels.teams.config import SigningKeyPolicy, TeamsConfigError, TeamsSettings, check_url
from bot.channels.teams.http import HttpClient

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"
TEAMS_CHANNEL_ID = "msteams"
CLOCK_SKEW_SECONDS = 300
_JWT_REASONS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ExpiredSignatureError, "token expired"),
    (jwt.ImmatureSignatureError, "token not yet valid"),
    (jwt.InvalidAudienceError, "wrong audience"),
    (jwt.InvalidIssuerError, "issuer not allowed"),
    (jwt.InvalidSignatureError, "bad signature"),
    (jwt.MissingRequiredClaimError, "required claim missing"),
)


class AuthError(Refusal):
    """A request that must be rejected; ``status`` is the HTTP status, ``reason`` is loggable."""


class KeyFetchError(Exception):
    """The OpenID metadata or the JWKS could not be fetched or held no usable key."""


@dataclass(frozen=True)
class SigningKey:
    """A public key of the Bot Connector and the channel ids it is endorsed for."""

    key: Any
    endorsements: frozenset[str]


class KeyStore:
    """Caches the connector's signing keys; fetched lazily, refreshed in the background.

    No request ever waits for a refresh while usable keys are cached: every ``key_refresh_seconds`` a
    background task fetches the keys again and requests keep being checked with the cached ones
    meanwhile (a metadata host that hangs or drops packets stalls nobody). Cached keys are usable
    for ``key_max_age_seconds`` after the last successful fetch; older ones are not trusted any more
    (a key Microsoft withdrew must not stay valid forever). A request waits for a fetch only when no
    usable key can decide it: no keys yet (first use, or too old), or a token naming an unknown
    ``kid`` (keys rotate; at most one such refresh per ``unknown_kid_refresh_seconds``, so forged
    tokens cannot make us hammer Microsoft), and then for at most ``key_wait_seconds``. After a
    failed fetch we wait ``key_retry_seconds`` before trying again. At most one fetch runs at a time.
    (The durations are those of the :class:`SigningKeyPolicy`.)
    """

    def __init__(
        self,
        metadata_url: str,
        http: HttpClient,
        policy: SigningKeyPolicy,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._metadata_url = metadata_url
        self._http = http
        self._policy = policy
        self._max_age_seconds = max(policy.key_max_age_seconds, policy.key_refresh_seconds)
        self._clock = clock
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at = -math.inf
        self._failed_at = -math.inf
        self._kid_refresh_at = -math.inf
        self._refresh_task: asyncio.Task | None = None

    @property
    def loaded(self) -> bool:
        """True while a key set fetched less than ``key_max_age_seconds`` ago is cached."""
        return self._usable(self._clock())

    def _usable(self, now: float) -> bool:
        return bool(self._keys) and now - self._fetched_at < self._max_age_seconds

    async def get(self, kid: str) -> SigningKey:
        """Returns the key for ``kid``; raises AuthError(401) if there is none."""
        now = self._clock()
        if self._usable(now):
            if now - self._fetched_at >= self._policy.key_refresh_seconds:
                self._start_refresh("scheduled")  # in the background: the cached keys answer meanwhile
            if kid in self._keys:
                return self._keys[kid]
            if now - self._kid_refresh_at >= self._policy.unknown_kid_refresh_seconds:
                self._kid_refresh_at = now
                await self._wait(self._start_refresh("unknown kid"))
        else:
            await self._wait(self._start_refresh("expired" if self._keys else "initial"))
        if not self._usable(self._clock()):
            raise AuthError(401, "signing keys too old" if self._keys else "signing keys not available yet")
        if kid not in self._keys:
            raise AuthError(401, "unknown signing key id")
        return self._keys[kid]

    async def wait_refreshed(self) -> None:
        """Waits for the fetch in progress, if any (tests; monitoring)."""
        if self._refresh_task is not None:
            await asyncio.shield(self._refresh_task)

    def close(self) -> None:
        """Cancels a fetch in progress (server stop)."""
        if self._refresh_task is not None and not self._refresh_task.done():
            self._refresh_task.cancel()

    def _start_refresh(self, why: str) -> asyncio.Task | None:
        """The fetch in progress, or a new one; None while failed fetches are not retried yet."""
        if self._refresh_task is not None and not self._refresh_task.done():
            return self._refresh_task
        if self._clock() - self._failed_at < self._policy.key_retry_seconds:
            return None
        self._refresh_task = asyncio.create_task(self._refresh(why))
        return self._refresh_task

    async def _wait(self, task: asyncio.Task | None) -> None:
        if task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), self._policy.key_wait_seconds)
        except asyncio.TimeoutError:
            logger.warning(
                "Teams: signing keys still loading after %.0f s; rejecting meanwhile.", self._policy.key_wait_seconds
            )

    async def _refresh(self, why: str) -> None:
        try:
            keys = await self._fetch()
        except KeyFetchError as error:
            self._failed_at = self._clock()
            logger.warning("Teams: could not load Bot Connector signing keys (%s): %s", why, error)
        except Exception:  # never let a background task die unobserved
            self._failed_at = self._clock()
            logger.exception("Teams: loading the Bot Connector signing keys failed (%s).", why)
        else:
            self._keys, self._fetched_at = keys, self._clock()
            logger.info("Teams: loaded %d Bot Connector signing keys (%s).", len(keys), why)

    async def _fetch(self) -> dict[str, SigningKey]:
        metadata = await self._get_json(self._metadata_url)
        jwks_uri = metadata.get("jwks_uri")
        if not isinstance(jwks_uri, str):
            raise KeyFetchError("OpenID metadata has no jwks_uri")
        try:
            jwks_uri = check_url("jwks_uri", jwks_uri)
        except TeamsConfigError as error:
            raise KeyFetchError(str(error)) from None
        jwks = await self._get_json(jwks_uri)
        keys = {}
        for jwk in jwks.get("keys") or []:
            kid, key = _parse_jwk(jwk)
            if kid and key:
                keys[kid] = key
        if not keys:
            raise KeyFetchError("the key set holds no usable RSA key")
        return keys

    async def _get_json(self, url: str) -> Mapping[str, Any]:
        session = await self._http.session()
        try:
            async with session.get(url) as response:
                if response.status != 200:
                    raise KeyFetchError(f"GET {url} answered {response.status}")
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise KeyFetchError(f"GET {url} failed: {type(error).__name__}") from None
        if not isinstance(body, dict):
            raise KeyFetchError(f"GET {url} did not return a JSON object")
        return body


def _parse_jwk(jwk: Any) -> tuple[str | None, SigningKey | None]:
    """(kid, SigningKey) for a usable RSA JWK, (None, None) for anything else."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or not isinstance(jwk.get("kid"), str):
        return None, None
    try:
        key = jwt.PyJWK(jwk, algorithm=ALGORITHM).key
    except (jwt.PyJWTError, ValueError, TypeError):
        logger.warning("Teams: skipping an unreadable signing key (kid %s).", jwk.get("kid"))
        return None, None
    endorsements = jwk.get("endorsements") or []
    return jwk["kid"], SigningKey(key, frozenset(e for e in endorsements if isinstance(e, str)))


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer …`` header; AuthError(401) if there is none."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError(401, "missing bearer token")
    return token.strip()


class BotFrameworkAuthenticator:
    """Checks the connector's token against the activity it came with."""

    def __init__(self, settings: TeamsSettings, keys: KeyStore) -> None:
        self._settings = settings
        self.keys = keys

    async def authenticate(self, authorization: str | None, service_url: str, channel_id: str) -> dict:
        """Returns the verified claims or raises AuthError(401)."""
        token = bearer_token(authorization)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError(401, "malformed token") from None
        if header.get("alg") != ALGORITHM:
            raise AuthError(401, "token algorithm not allowed")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthError(401, "token has no key id")
        signing_key = await self.keys.get(kid)
        claims = self._decode(token, signing_key)
        if str(claims.get("serviceurl", "")).rstrip("/") != service_url.rstrip("/"):
            raise AuthError(401, "serviceurl claim does not match the activity")
        if channel_id not in signing_key.endorsements:
            raise AuthError(401, f"signing key not endorsed for channel {channel_id[:40]!r}")
        return claims

    def _decode(self, token: str, signing_key: SigningKey) -> dict:
        try:
            claims: dict = jwt.decode(
                token,
                signing_key.key,
                algorithms=[ALGORITHM],
                audience=self._settings.app_id,
                issuer=list(self._settings.allowed_issuers),
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
            return claims
        except jwt.PyJWTError as error:
            reason = next((r for kind, r in _JWT_REASONS if isinstance(error, kind)), "invalid token")
            raise AuthError(401, reason) from None


def check_tenant(settings: TeamsSettings, tenant_id: str | None) -> None:
    """Raises AuthError(403) unless ``tenant_id`` is on the allow-list (an empty list allows nobody:
    the sender id is only meaningful within a tenant we trust)."""
    if (tenant_id or "").lower() not in {t.lower() for t in settings.allowed_tenants}:
        raise AuthError(403, f"tenant {(tenant_id or '(none)')[:64]!r} not allowed")


def check_channel(channel_id: str) -> None:
    """Raises AuthError(403) for any channel but Teams (Web Chat, Direct Line, Slack … share the
    Bot Service but not Teams' identities: their sender ids are chosen by the client)."""
    if channel_id != TEAMS_CHANNEL_ID:
        raise AuthError(403, f"channel {channel_id[:40]!r} not accepted (only {TEAMS_CHANNEL_ID})")
