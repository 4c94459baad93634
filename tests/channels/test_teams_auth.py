"""Inbound token validation against the fake OpenID metadata / JWKS."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from bot.channels.teams.auth import (
    AuthError,
    BotFrameworkAuthenticator,
    KeyStore,
    bearer_token,
    check_channel,
    check_tenant,
)
from bot.channels.teams.config import SigningKeyPolicy, TeamsSettings
from bot.channels.teams.http import HttpClient
from bot.devtools.fake_botframework import OTHER_TENANT_ID, TENANT_ID, FakeBotFramework, ManualClock, rsa_key


def make(fake: FakeBotFramework, http: HttpClient, clock: ManualClock, **policy: float) -> BotFrameworkAuthenticator:
    settings = TeamsSettings.from_credentials(fake.credentials())
    keys = dataclasses.replace(SigningKeyPolicy(unknown_kid_refresh_seconds=300, key_retry_seconds=0), **policy)
    return BotFrameworkAuthenticator(settings, KeyStore(fake.metadata_url, http, keys, clock=clock))


async def check(
    auth: BotFrameworkAuthenticator,
    fake: FakeBotFramework,
    token: str,
    *,
    service_url: str = "",
    channel_id: str = "msteams",
) -> dict:
    return await auth.authenticate(f"Bearer {token}", service_url or fake.service_url, channel_id)


async def rejected(auth: BotFrameworkAuthenticator, fake: FakeBotFramework, token: str, **kwargs: str) -> str:
    with pytest.raises(AuthError) as error:
        await check(auth, fake, token, **kwargs)
    assert error.value.status == 401
    return error.value.reason


@pytest.mark.asyncio
async def test_valid_token_is_accepted(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    auth = make(fake_botframework, http, ManualClock())
    claims = await check(auth, fake_botframework, fake_botframework.sign())
    assert claims["aud"] == fake_botframework.app_id


@pytest.mark.parametrize(
    "claims, reason",
    [
        ({"aud": "00000000-0000-0000-0000-000000000000"}, "wrong audience"),
        ({"iss": "https://sts.windows.net/evil/"}, "issuer not allowed"),
        # times relative to when the test runs (not when it is collected, possibly minutes earlier)
        ({"exp": lambda now: now - 301 - 5}, "token expired"),
        ({"nbf": lambda now: now + 301 + 5}, "token not yet valid"),
        ({"exp": None}, "required claim missing"),
        ({"iss": None}, "required claim missing"),
        ({"serviceurl": "https://smba.trafficmanager.net/emea/"}, "serviceurl claim"),
        ({"serviceurl": None}, "serviceurl claim"),
    ],
)
@pytest.mark.asyncio
async def test_claims_are_checked(
    fake_botframework: FakeBotFramework, http: HttpClient, claims: dict, reason: str
) -> None:
    auth = make(fake_botframework, http, ManualClock())
    now = int(time.time())
    claims = {name: value(now) if callable(value) else value for name, value in claims.items()}
    assert reason in await rejected(auth, fake_botframework, fake_botframework.sign(**claims))


@pytest.mark.asyncio
async def test_five_minutes_of_clock_skew_are_tolerated(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    auth = make(fake_botframework, http, ManualClock())
    now = int(time.time())
    await check(auth, fake_botframework, fake_botframework.sign(exp=now - 240))
    await check(auth, fake_botframework, fake_botframework.sign(nbf=now + 240))


@pytest.mark.asyncio
async def test_signature_from_another_key_is_rejected(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    auth = make(fake_botframework, http, ManualClock())
    forged = fake_botframework.sign(key=rsa_key(2))  # same kid, wrong private key
    assert await rejected(auth, fake_botframework, forged) == "bad signature"


def hand_made_token(header: dict, claims: dict, hmac_key: bytes | None) -> str:
    """A JWT built by hand, as an attacker would (PyJWT refuses to make these)."""

    def segment(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{segment(json.dumps(header).encode())}.{segment(json.dumps(claims).encode())}"
    signature = hmac.new(hmac_key, signing_input.encode(), hashlib.sha256).digest() if hmac_key else b""
    return f"{signing_input}.{segment(signature)}"


@pytest.mark.asyncio
async def test_only_rs256_whatever_the_header_says(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake = fake_botframework
    auth = make(fake, http, ManualClock())
    public_pem = (
        rsa_key(0)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    claims = {
        "iss": "https://api.botframework.com",
        "aud": fake.app_id,
        "exp": int(time.time()) + 60,
        "serviceurl": fake.service_url,
    }
    # The classic confusion attack (HMAC keyed with the public key) and an unsigned token.
    hs256 = hand_made_token({"alg": "HS256", "typ": "JWT", "kid": "test-key-1"}, claims, public_pem)
    unsigned = hand_made_token({"alg": "none", "typ": "JWT", "kid": "test-key-1"}, claims, None)
    rs512 = fake.sign(algorithm="RS512")
    for token in (hs256, unsigned, rs512):
        assert await rejected(auth, fake, token) == "token algorithm not allowed"
    assert fake.metadata_requests == 0


@pytest.mark.asyncio
async def test_missing_or_malformed_header(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    auth = make(fake_botframework, http, ManualClock())
    for header in (None, "", "Basic abc", "Bearer", "Bearer   "):
        with pytest.raises(AuthError, match="missing bearer token"):
            await auth.authenticate(header, fake_botframework.service_url, "msteams")
    assert await rejected(auth, fake_botframework, "not-a-jwt") == "malformed token"
    assert fake_botframework.metadata_requests == 0  # nothing fetched for garbage


@pytest.mark.asyncio
async def test_key_must_be_endorsed_for_the_channel(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake_botframework.add_key("webchat-only", endorsements=["webchat"])
    auth = make(fake_botframework, http, ManualClock())
    token = fake_botframework.sign(key=rsa_key(1), kid="webchat-only")
    assert "not endorsed" in await rejected(auth, fake_botframework, token)
    # the msteams key is not endorsed for another channel either
    assert "not endorsed" in await rejected(auth, fake_botframework, fake_botframework.sign(), channel_id="slack")


@pytest.mark.asyncio
async def test_unknown_kid_triggers_exactly_one_rate_limited_refresh(
    fake_botframework: FakeBotFramework, http: HttpClient
) -> None:
    fake, clock = fake_botframework, ManualClock()
    auth = make(fake, http, clock)
    await check(auth, fake, fake.sign())
    assert (fake.metadata_requests, fake.jwks_requests) == (1, 1)

    stranger = fake.sign(key=rsa_key(1), kid="never-published")
    assert await rejected(auth, fake, stranger) == "unknown signing key id"
    assert (fake.metadata_requests, fake.jwks_requests) == (2, 2)
    assert await rejected(auth, fake, stranger) == "unknown signing key id"
    assert (fake.metadata_requests, fake.jwks_requests) == (2, 2)  # rate limited

    await check(auth, fake, fake.sign())  # still serving
    clock.now += 301
    await rejected(auth, fake, stranger)
    assert fake.jwks_requests == 3


@pytest.mark.asyncio
async def test_rotated_key_is_picked_up_on_unknown_kid(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake = fake_botframework
    auth = make(fake, http, ManualClock())
    await check(auth, fake, fake.sign())
    fake.add_key("rotated-key")
    await check(auth, fake, fake.sign(key=rsa_key(1), kid="rotated-key"))
    assert fake.jwks_requests == 2


@pytest.mark.asyncio
async def test_keys_are_refreshed_every_24_hours(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake, clock = fake_botframework, ManualClock()
    auth = make(fake, http, clock)
    await check(auth, fake, fake.sign())
    clock.now += 23 * 3600
    await check(auth, fake, fake.sign())
    assert fake.jwks_requests == 1
    clock.now += 3600
    await check(auth, fake, fake.sign())  # answered with the cached keys at once …
    await auth.keys.wait_refreshed()  # … while they are fetched again in the background
    assert fake.jwks_requests == 2


@pytest.mark.asyncio
async def test_openid_down_rejects_until_keys_load(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake, clock = fake_botframework, ManualClock()
    fake.openid_available = False
    auth = make(fake, http, clock, key_retry_seconds=10)
    assert await rejected(auth, fake, fake.sign()) == "signing keys not available yet"
    assert await rejected(auth, fake, fake.sign()) == "signing keys not available yet"
    assert fake.metadata_requests == 1  # failed fetches are not retried on every request

    fake.openid_available = True
    clock.now += 10
    await check(auth, fake, fake.sign())


@pytest.mark.asyncio
async def test_failed_scheduled_refresh_keeps_the_old_keys(
    fake_botframework: FakeBotFramework, http: HttpClient
) -> None:
    fake, clock = fake_botframework, ManualClock()
    auth = make(fake, http, clock)
    await check(auth, fake, fake.sign())
    fake.openid_available = False
    clock.now += 25 * 3600
    await check(auth, fake, fake.sign())


@pytest.mark.asyncio
async def test_unreachable_openid_service(http: HttpClient) -> None:
    settings = TeamsSettings.from_credentials(
        {"app_id": "0f5a9c1e-3b7d-4e2a-9c4f-6d8e1a2b3c4d", "app_password": "x", "tenant_id": TENANT_ID}
    )
    store = KeyStore("http://127.0.0.1:9/nothing-listens-here", http, SigningKeyPolicy(key_retry_seconds=0))
    auth = BotFrameworkAuthenticator(settings, store)
    token = jwt.encode({"a": 1}, rsa_key(0), algorithm="RS256", headers={"kid": "k"})
    with pytest.raises(AuthError, match="not available"):
        await auth.authenticate(f"Bearer {token}", "https://smba.trafficmanager.net/amer/", "msteams")


def test_bearer_token_parsing() -> None:
    assert bearer_token("Bearer abc.def") == "abc.def"
    assert bearer_token("bearer  abc ") == "abc"


def test_tenant_allow_list() -> None:
    settings = TeamsSettings(allowed_tenants=(TENANT_ID,))
    check_tenant(settings, TENANT_ID)
    check_tenant(settings, TENANT_ID.upper())
    for tenant in (OTHER_TENANT_ID, None):
        with pytest.raises(AuthError) as error:
            check_tenant(settings, tenant)
        assert error.value.status == 403
    with pytest.raises(AuthError):  # no allow-list: nobody (fail closed)
        check_tenant(TeamsSettings(), OTHER_TENANT_ID)


def test_only_teams_activities_are_accepted() -> None:
    check_channel("msteams")
    for channel in ("webchat", "directline", "emulator", "slack", "MSTEAMS", ""):
        with pytest.raises(AuthError) as error:
            check_channel(channel)
        assert error.value.status == 403


@pytest.mark.asyncio
async def test_a_hanging_metadata_host_stalls_no_request(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    """Issue 11: the refresh held one lock for the whole HTTP timeout (valid requests stalled 10–11 s)."""
    fake, clock = fake_botframework, ManualClock()
    auth = make(fake, http, clock, key_wait_seconds=0.2)
    await check(auth, fake, fake.sign())
    fake.metadata_hangs = True
    clock.now += 25 * 3600  # the daily refresh is due, and the host never answers
    started = time.monotonic()
    for _ in range(20):
        await asyncio.wait_for(check(auth, fake, fake.sign()), 0.5)  # served with the cached keys
    assert time.monotonic() - started < 1
    assert fake.metadata_requests == 2  # one refresh under way, not one per request


@pytest.mark.asyncio
async def test_cached_keys_have_a_maximum_age(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake, clock = fake_botframework, ManualClock()
    auth = make(fake, http, clock, key_max_age_seconds=3 * 24 * 3600, key_wait_seconds=0.2)
    await check(auth, fake, fake.sign())
    fake.metadata_hangs = True
    clock.now += 3 * 24 * 3600 + 1  # refreshing has failed (hung) for too long: the keys are not trusted
    started = time.monotonic()
    assert await rejected(auth, fake, fake.sign()) == "signing keys too old"
    assert time.monotonic() - started < 1  # refused after a bounded wait, not after the HTTP timeout
    assert not auth.keys.loaded
    fake.metadata_hangs = False
    auth.keys.close()  # the hung fetch; a new one starts with the next request
    await asyncio.sleep(0)
    await check(auth, fake, fake.sign())
    assert auth.keys.loaded
