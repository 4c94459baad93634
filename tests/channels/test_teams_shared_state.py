"""Two Rasa servers behind one bot: the channel's bookkeeping shared in Redis (MANABI_REDIS_URL).

A real Redis on 127.0.0.1 (tests/services.py); two channel servers in this process, each with its
own maps, as two Rasa servers would have.
"""

from __future__ import annotations

import asyncio
import time

import pytest
import redis

from bot.channels.teams.state import RedisTtlMap, TtlCache, bookkeeping
from bot.devtools.fake_botframework import FakeBotFramework
from bot.launcher import free_port
from tests import services

pytestmark = pytest.mark.asyncio


@pytest.fixture
def redis_url(monkeypatch: pytest.MonkeyPatch) -> str:
    service = services.redis()
    redis.Redis.from_url(service.url).flushdb()
    monkeypatch.setenv("MANABI_REDIS_URL", service.url)
    return service.url


async def test_one_activity_given_to_two_servers_at_once_is_answered_once(
    redis_url: str, fake_botframework: FakeBotFramework, serve_channel
) -> None:
    fake = fake_botframework
    first, second = await serve_channel(), await serve_channel()
    activity = fake.message("二台に同時に届いた")
    answers = await asyncio.gather(
        fake.post_activity(first.webhook_url, activity), fake.post_activity(second.webhook_url, activity)
    )
    assert sorted(status for status, _ in answers) == [200, 202]
    assert (200, {"status": "duplicate"}) in answers
    await first.channel.wait_idle()
    await second.channel.wait_idle()
    assert len(first.received) + len(second.received) == 1 and len(fake.sent()) == 1


async def test_an_install_announced_to_two_servers_is_welcomed_once(
    redis_url: str, fake_botframework: FakeBotFramework, serve_channel
) -> None:
    fake = fake_botframework
    first, second = await serve_channel(), await serve_channel()
    install = fake.install()
    added = fake.bot_added(conversation_id=install["conversation"]["id"])
    assert (await fake.post_activity(first.webhook_url, install))[0] == 202
    assert await fake.post_activity(second.webhook_url, added) == (200, {"status": "ignored"})
    (reply,) = await fake.wait_for_messages(1)
    assert reply["text"] == "echo: /greet"


async def test_without_redis_each_server_keeps_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MANABI_REDIS_URL", raising=False)
    assert isinstance(bookkeeping("seen", 60, 10, None), TtlCache)


async def test_the_shared_map_expires_and_offers_each_key_once(redis_url: str) -> None:
    one = RedisTtlMap(redis.Redis.from_url(redis_url), "test", ttl_seconds=1)
    other = RedisTtlMap(redis.Redis.from_url(redis_url), "test", ttl_seconds=1)
    assert one.add_if_absent("a", True) and not other.add_if_absent("a", True)
    other.put("offer", {"はい": "/affirm"})
    assert one.get("offer") == {"はい": "/affirm"} and one.pop("offer") == {"はい": "/affirm"}
    assert other.get("offer") is None
    time.sleep(1.2)
    assert other.add_if_absent("a", True)  # expired


async def test_redis_down_forgets_instead_of_failing_the_turn() -> None:
    down = RedisTtlMap(redis.Redis(port=free_port(), socket_connect_timeout=0.5), "test", ttl_seconds=60)
    assert down.add_if_absent("a", True) and down.add_if_absent("a", True)  # answers rather than drops
    assert down.get("a") is None and down.pop("a") is None
    down.put("a", True)
