"""The local REST channel (credentials.local.yml): this machine only, long messages answered without
Rasa, never an empty answer (issue 11: a 100,000-character message got [])."""

from __future__ import annotations

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from teams_harness import ChannelServer

from bot.channels.local import LocalRestInput

pytestmark = pytest.mark.asyncio


async def post(server: ChannelServer, body: object, headers: dict[str, str] | None = None) -> tuple[int, object]:
    url = f"http://127.0.0.1:{server.port}/webhooks/rest/webhook"
    async with aiohttp.ClientSession() as session, session.post(url, json=body, headers=headers) as response:
        return response.status, await response.json(content_type=None)


async def test_answers_like_rasas_rest_channel() -> None:
    async with ChannelServer(LocalRestInput()) as server:  # type: ignore[arg-type]
        status, messages = await post(server, {"sender": "u1", "message": "こんにちは"})
    assert (status, messages) == (200, [{"recipient_id": "u1", "text": "echo: こんにちは"}])
    assert server.received[0].sender_id == "u1" and server.received[0].input_channel == "rest"


async def test_a_message_over_the_limit_is_answered_without_rasa() -> None:
    async with ChannelServer(LocalRestInput(max_chars=2000)) as server:  # type: ignore[arg-type]
        status, messages = await post(server, {"sender": "u1", "message": "a" * 100_000})
        assert (await post(server, {"sender": "u1", "message": "a" * 2000}))[0] == 200  # at the limit: parsed
    assert status == 200 and len(messages) == 1
    assert "長すぎる" in messages[0]["text"] and "100,000文字" in messages[0]["text"]
    assert [len(m.text) for m in server.received] == [2000]


async def test_never_an_empty_answer() -> None:
    async def silent(message: UserMessage) -> None:
        return None

    async def broken(message: UserMessage) -> None:
        raise RuntimeError("model exploded")

    for rasa in (silent, broken):
        async with ChannelServer(LocalRestInput(), rasa) as server:  # type: ignore[arg-type]
            status, messages = await post(server, {"sender": "u1", "message": "こんにちは"})
        assert status == 200 and len(messages) == 1 and "申し訳ありません" in messages[0]["text"]


@pytest.mark.parametrize(
    "body",
    [{"message": "x"}, {"sender": "", "message": "x"}, {"sender": "u", "message": 5}, ["x"], {"sender": "x" * 500}],
)
async def test_malformed_requests_get_400(body: object) -> None:
    async with ChannelServer(LocalRestInput()) as server:  # type: ignore[arg-type]
        status, answer = await post(server, body)
    assert status == 400 and set(answer) == {"error"} and server.received == []


async def test_a_request_relayed_by_a_proxy_is_refused() -> None:
    async with ChannelServer(LocalRestInput()) as server:  # type: ignore[arg-type]
        status, _ = await post(
            server, {"sender": "aad-victim", "message": "申込状況"}, {"X-Forwarded-For": "203.0.113.7"}
        )
    assert status == 403 and server.received == []
