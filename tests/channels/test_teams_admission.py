"""Admission control (issue 11): a bounded queue of accepted turns, one sender's turns in order, 503
with Retry-After when full, and every acknowledged turn answered when the server stops."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import UserMessage
from teams_harness import ServeChannel

from bot.channels.teams.admission import ADMITTED, BUSY, CLOSED, SENDER_BUSY, TurnQueue
from bot.devtools.fake_botframework import FakeBotFramework

pytestmark = pytest.mark.asyncio


def person(aad: str) -> dict:
    return {"from": {"id": f"29:{aad}", "name": "テスト", "aadObjectId": aad}}


async def test_the_queue_is_bounded_per_sender_and_in_all() -> None:
    queue = TurnQueue(max_pending=5, max_per_sender=3, concurrent=2)
    release = asyncio.Event()
    done: list[str] = []

    def turn(name: str):
        async def run() -> None:
            await release.wait()
            done.append(name)

        return run

    assert [queue.admit("a", turn(f"a{n}")) for n in range(4)] == [ADMITTED] * 3 + [SENDER_BUSY]
    assert [queue.admit("b", turn("b0")), queue.admit("c", turn("c0")), queue.admit("d", turn("d0"))] == [
        ADMITTED,
        ADMITTED,
        BUSY,
    ]
    assert queue.pending == 5 and queue.workers == 3  # one worker per sender, not one task per turn
    release.set()
    assert await queue.drain(5) == 0
    assert [name for name in done if name.startswith("a")] == ["a0", "a1", "a2"]  # in order
    assert queue.pending == 0 and queue.workers == 0  # nothing left behind
    queue.close()
    assert queue.admit("a", turn("late")) == CLOSED


async def test_a_failing_turn_does_not_stop_the_senders_later_turns() -> None:
    queue = TurnQueue(max_pending=10, max_per_sender=10, concurrent=1)
    done: list[int] = []

    async def broken() -> None:
        raise RuntimeError("model exploded")

    async def fine() -> None:
        done.append(1)

    queue.admit("a", broken)
    queue.admit("a", fine)
    assert await queue.drain(5) == 0 and done == [1]


async def test_a_burst_from_one_sender_is_answered_in_order_or_refused_with_retry_after(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel
) -> None:
    fake = fake_botframework
    seen: list[str] = []

    async def slow_rasa(message: UserMessage) -> None:
        seen.append(message.text)
        await asyncio.sleep(0.05)
        await message.output_channel.send_response(message.sender_id, {"text": f"echo: {message.text}"})

    server = await serve_channel(slow_rasa, max_turns_per_sender=3, busy_retry_after=7)
    conversation = {"id": "a:burst", "conversationType": "personal", "tenantId": fake.tenant_id}
    burst = [fake.message(f"質問{n}", conversation=conversation) for n in range(20)]
    statuses = [(await fake.post_activity(server.webhook_url, activity))[0] for activity in burst]
    assert set(statuses) == {202, 503}
    accepted = [a["text"] for a, s in zip(burst, statuses) if s == 202]
    await server.channel.wait_idle(10)
    assert seen == accepted  # one at a time, in the order they were accepted
    assert [m["text"] for m in fake.sent()] == [f"echo: {text}" for text in accepted]  # none stuck, none lost

    # A refused activity was not acknowledged: the connector's retry of it is taken, not a "duplicate".
    refused = next(a for a, s in zip(burst, statuses) if s == 503)
    assert (await fake.post_activity(server.webhook_url, refused))[0] == 202
    await server.channel.wait_idle(5)
    assert fake.sent()[-1]["text"] == f"echo: {refused['text']}"


async def test_503_says_when_to_retry(fake_botframework: FakeBotFramework, serve_channel: ServeChannel) -> None:
    import aiohttp

    fake = fake_botframework
    release = asyncio.Event()

    async def stuck_rasa(message: UserMessage) -> None:
        await release.wait()

    server = await serve_channel(stuck_rasa, max_pending_turns=2, busy_retry_after=7)
    for n in range(2):
        assert (await fake.post_activity(server.webhook_url, fake.message("x", **person(f"u{n}"))))[0] == 202
    activity = fake.message("x", **person("u9"))
    headers = {"Authorization": f"Bearer {fake.sign(activity)}"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(server.webhook_url, json=activity, headers=headers) as r,
    ):
        assert (r.status, r.headers.get("Retry-After")) == (503, "7")
    release.set()


async def test_stopping_answers_every_acknowledged_turn_and_refuses_new_ones(
    fake_botframework: FakeBotFramework,
) -> None:
    from teams_harness import ChannelServer

    from bot.channels.teams import TeamsInput

    fake = fake_botframework

    async def slow_rasa(message: UserMessage) -> None:
        await asyncio.sleep(0.1)
        await message.output_channel.send_response(message.sender_id, {"text": f"echo: {message.text}"})

    server = await ChannelServer(TeamsInput.from_credentials(fake.credentials()), slow_rasa).start()
    accepted = [fake.message(f"質問{n}", **person(f"u{n % 3}")) for n in range(9)]
    for activity in accepted:
        assert (await fake.post_activity(server.webhook_url, activity))[0] == 202
    stopping = asyncio.create_task(server.stop())
    await asyncio.sleep(0.05)
    late_status, _ = await fake.post_activity(server.webhook_url, fake.message("遅い", **person("late")))
    await stopping
    assert late_status == 503
    assert sorted(m["replyToId"] for m in fake.sent()) == sorted(a["id"] for a in accepted)
