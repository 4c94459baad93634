"""The bot's client-credentials token: endpoint, caching, refresh, failures."""

from __future__ import annotations

import logging

import pytest

from bot.channels.teams.config import TeamsSettings
from bot.channels.teams.http import HttpClient
from bot.channels.teams.tokens import TokenError, TokenProvider
from bot.devtools.fake_botframework import APP_PASSWORD, SCOPE, TENANT_ID, FakeBotFramework, ManualClock

pytestmark = pytest.mark.asyncio


def provider(fake: FakeBotFramework, http: HttpClient, clock: ManualClock, **overrides: str) -> TokenProvider:
    return TokenProvider(TeamsSettings.from_credentials(fake.credentials(**overrides)), http, clock)


async def test_client_credentials_request_to_our_tenant(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    token = await provider(fake_botframework, http, ManualClock(0)).get_token()
    assert token in fake_botframework.issued_tokens
    (request,) = fake_botframework.token_requests
    assert request == {
        "grant_type": "client_credentials",
        "client_id": fake_botframework.app_id,
        "client_secret": APP_PASSWORD,
        "scope": SCOPE,
        "tenant": fake_botframework.tenant_id,
    }


async def test_token_is_cached_and_refreshed_before_expiry(
    fake_botframework: FakeBotFramework, http: HttpClient
) -> None:
    clock = ManualClock(0)
    tokens = provider(fake_botframework, http, clock)
    first = await tokens.get_token()
    clock.now = 3600 - 301
    assert await tokens.get_token() == first
    assert len(fake_botframework.token_requests) == 1
    clock.now = 3600 - 299  # inside the 5-minute margin
    assert await tokens.get_token() != first
    assert len(fake_botframework.token_requests) == 2


async def test_invalidate_forces_a_new_token(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    tokens = provider(fake_botframework, http, ManualClock(0))
    first = await tokens.get_token()
    tokens.invalidate()
    assert await tokens.get_token() != first


@pytest.mark.parametrize(
    "setup, code",
    [
        (
            {"tenant_id": "botframework.com", "allowed_tenants": TENANT_ID},
            "AADSTS700016",
        ),  # single-tenant app asking botframework.com
        ({"app_password": "wrong-secret"}, "AADSTS7000215"),
    ],
)
async def test_login_errors_name_the_aadsts_code_without_secrets(
    fake_botframework: FakeBotFramework, http: HttpClient, caplog: pytest.LogCaptureFixture, setup: dict, code: str
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(TokenError, match=code) as error:
        await provider(fake_botframework, http, ManualClock(0), **setup).get_token()
    assert "wrong-secret" not in str(error.value) and APP_PASSWORD not in caplog.text


async def test_endpoint_outage_and_recovery(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    tokens = provider(fake_botframework, http, ManualClock(0))
    fake_botframework.token_failure = 503
    with pytest.raises(TokenError, match="503"):
        await tokens.get_token()
    fake_botframework.token_failure = None
    assert await tokens.get_token() in fake_botframework.issued_tokens


async def test_expired_token_is_not_reused_when_refresh_fails(
    fake_botframework: FakeBotFramework, http: HttpClient
) -> None:
    clock = ManualClock(0)
    tokens = provider(fake_botframework, http, clock)
    await tokens.get_token()
    fake_botframework.token_failure = 500
    clock.now = 3600
    for _ in range(2):
        with pytest.raises(TokenError):
            await tokens.get_token()


async def test_unreachable_login_service(http: HttpClient) -> None:
    settings = TeamsSettings(
        app_id="0f5a9c1e-3b7d-4e2a-9c4f-6d8e1a2b3c4d", app_password="x", tenant_id="t", login_base="http://127.0.0.1:9"
    )
    with pytest.raises(TokenError, match="token request failed"):
        await TokenProvider(settings, http).get_token()
