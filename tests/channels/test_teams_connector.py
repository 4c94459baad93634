"""Outbound sends: service host allow-list, URL, bearer token, retries."""

from __future__ import annotations

import pytest

from bot.channels.teams.config import DEFAULT_SERVICE_HOSTS, TeamsSettings
from bot.channels.teams.connector import (
    ConnectorClient,
    ConnectorError,
    activity_url,
    is_allowed_service_url,
    retry_after_seconds,
)
from bot.channels.teams.http import HttpClient
from bot.channels.teams.tokens import TokenProvider
from bot.devtools.fake_botframework import FakeBotFramework

ACTIVITY = {"type": "message", "text": "こんにちは"}


@pytest.mark.parametrize(
    "url",
    [
        "https://smba.trafficmanager.net/amer/",
        "https://smba.trafficmanager.net/apac/",
        "https://europe.webchat.botframework.com/",
        "https://smba.infra.gcc.teams.microsoft.com/teams",
        "https://SMBA.TRAFFICMANAGER.NET/emea/",
    ],
)
def test_microsoft_hosts_are_allowed(url: str) -> None:
    assert is_allowed_service_url(url, DEFAULT_SERVICE_HOSTS)


@pytest.mark.parametrize(
    "url",
    [
        "http://smba.trafficmanager.net/amer/",  # not https
        "https://smba.trafficmanager.net.evil.example/",
        "https://evilbotframework.com/",
        "https://botframework.com.evil.example/",
        "https://user:pw@smba.trafficmanager.net/",
        "https://evil.example/smba.trafficmanager.net/",
        "https://127.0.0.1/",
        "not a url",
        "",
    ],
)
def test_other_hosts_are_refused(url: str) -> None:
    assert not is_allowed_service_url(url, DEFAULT_SERVICE_HOSTS)


def test_http_only_to_an_allowed_loopback_host() -> None:
    assert is_allowed_service_url("http://127.0.0.1:8080/amer/", ["127.0.0.1"])
    assert not is_allowed_service_url("http://10.0.0.1/", ["10.0.0.1"])


def test_activity_url_encodes_teams_ids() -> None:
    url = activity_url("https://smba.trafficmanager.net/amer/", "19:abc@thread.tacv2;messageid=17", "17")
    assert url == (
        "https://smba.trafficmanager.net/amer/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D17/activities/17"
    )
    assert activity_url("https://x.botframework.com", "a:1").endswith("/v3/conversations/a%3A1/activities")


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("3") == 3
    assert retry_after_seconds("0.5") == 0.5
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480) == 10


class Sleeps(list):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(fake: FakeBotFramework, http: HttpClient, sleeps: Sleeps, **overrides: object) -> ConnectorClient:
    settings = TeamsSettings.from_credentials(fake.credentials(**overrides))
    return ConnectorClient(settings, http, TokenProvider(settings, http), sleep=sleeps)


@pytest.mark.asyncio
async def test_reply_with_our_bearer_token(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake = fake_botframework
    answer = await client(fake, http, Sleeps()).send(fake.service_url, "a:conv;x", ACTIVITY, "1234")
    assert answer["id"].startswith("reply-")
    (record,) = fake.received
    assert (record.conversation_id, record.reply_to_id, record.authorized) == ("a:conv;x", "1234", True)
    assert record.activity == ACTIVITY


@pytest.mark.asyncio
async def test_429_and_5xx_are_retried_honouring_retry_after(
    fake_botframework: FakeBotFramework, http: HttpClient
) -> None:
    fake, sleeps = fake_botframework, Sleeps()
    fake.connector_script = [(429, "2"), (503, None), (502, None)]
    await client(fake, http, sleeps).send(fake.service_url, "a:1", ACTIVITY)
    assert len(fake.received) == 4 and fake.received[-1].accepted
    assert sleeps[0] == 2  # Retry-After
    assert 0.02 <= sleeps[1] <= 0.03 and 0.04 <= sleeps[2] <= 0.05  # exponential backoff with jitter


@pytest.mark.asyncio
async def test_retry_after_is_capped(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake, sleeps = fake_botframework, Sleeps()
    fake.connector_script = [(429, "3600")]
    await client(fake, http, sleeps, max_retry_after=30).send(fake.service_url, "a:1", ACTIVITY)
    assert sleeps == [30]


@pytest.mark.asyncio
async def test_gives_up_after_the_configured_attempts(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake = fake_botframework
    fake.connector_script = [(500, None)] * 10
    with pytest.raises(ConnectorError, match="500"):
        await client(fake, http, Sleeps(), send_attempts=3).send(fake.service_url, "a:1", ACTIVITY)
    assert len(fake.received) == 3


@pytest.mark.asyncio
async def test_client_errors_are_not_retried(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake = fake_botframework
    fake.connector_script = [(400, None)]
    with pytest.raises(ConnectorError, match="400"):
        await client(fake, http, Sleeps()).send(fake.service_url, "a:1", ACTIVITY)
    assert len(fake.received) == 1


@pytest.mark.asyncio
async def test_401_gets_one_fresh_token(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake = fake_botframework
    connector = client(fake, http, Sleeps())
    await connector.send(fake.service_url, "a:1", ACTIVITY)
    fake.issued_tokens.clear()  # as if the token had been revoked
    await connector.send(fake.service_url, "a:1", ACTIVITY)
    assert [r.authorized for r in fake.received] == [True, False, True]
    assert len(fake.token_requests) == 2


@pytest.mark.asyncio
async def test_no_token_means_nothing_is_sent(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake = fake_botframework
    fake.token_failure = 500
    with pytest.raises(ConnectorError, match="no access token"):
        await client(fake, http, Sleeps()).send(fake.service_url, "a:1", ACTIVITY)
    assert fake.received == []


@pytest.mark.asyncio
async def test_token_never_goes_to_a_disallowed_host(fake_botframework: FakeBotFramework, http: HttpClient) -> None:
    fake = fake_botframework
    connector = client(fake, http, Sleeps(), allowed_service_hosts="smba.trafficmanager.net")
    with pytest.raises(ConnectorError, match="not allowed"):
        await connector.send(fake.service_url, "a:1", ACTIVITY)
    assert fake.token_requests == [] and fake.received == []


@pytest.mark.asyncio
async def test_unreachable_connector_is_retried_then_reported(http: HttpClient) -> None:
    async with FakeBotFramework() as fake:
        sleeps = Sleeps()
        connector = client(fake, http, sleeps, send_attempts=2)
        with pytest.raises(ConnectorError, match="nothing"):
            await connector.send("http://127.0.0.1:9/amer/", "a:1", ACTIVITY)
        assert len(sleeps) == 1
