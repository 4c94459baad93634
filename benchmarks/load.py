"""Closed-loop load: ``concurrency`` simulated users, each going through the script conversation
after conversation (a new sender each time) and sending the next message as soon as the answer
to the previous one has arrived.

* REST: ``POST /webhooks/rest/webhook``; a turn's latency is POST → complete response.
* Teams: a signed activity ``POST /webhooks/teams/webhook`` (answered 202 at once); the replies
  arrive asynchronously at the fake Bot Framework connector running in this process, and a
  turn's latency is POST → arrival of the turn's last reply message at the connector. How many
  messages each turn sends is learnt in the warm-up conversation.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from benchmarks.script import SCRIPT
from bot.devtools.fake_botframework import FakeBotFramework

TURN_TIMEOUT = 30.0


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class LoadResult:
    channel: str
    concurrency: int
    think_ms: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    cpu_s: dict[str, float] = field(default_factory=dict)  # per server: rasa, actions
    client_cpu_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        n = len(self.latencies_ms)
        per_msg = {
            f"{name}_cpu_ms_per_msg": round(1000 * seconds / n, 2) if n else math.nan
            for name, seconds in self.cpu_s.items()
        }
        return {
            "channel": self.channel,
            "concurrency": self.concurrency,
            "think_ms": self.think_ms,
            "messages": n,
            "errors": len(self.errors),
            "error_samples": self.errors[:3],
            "wall_s": round(self.wall_s, 3),
            "p50_ms": round(percentile(self.latencies_ms, 50), 2),
            "p95_ms": round(percentile(self.latencies_ms, 95), 2),
            "p99_ms": round(percentile(self.latencies_ms, 99), 2),
            "mean_ms": round(sum(self.latencies_ms) / n, 2) if n else math.nan,
            "max_ms": round(max(self.latencies_ms), 2) if n else math.nan,
            "msgs_per_s": round(n / self.wall_s, 2) if self.wall_s else math.nan,
            "server_cpu_ms_per_msg": round(1000 * sum(self.cpu_s.values()) / n, 2) if n else math.nan,
            **per_msg,
            "client_cpu_ms_per_msg": round(1000 * self.client_cpu_s / n, 2) if n else math.nan,
        }


# ---- the fake Teams service, timing replies ------------------------------------------------
class _TurnWait:
    def __init__(self, expected: int | None) -> None:
        self.expected = expected
        self.arrivals: list[float] = []
        self.done = asyncio.Event()
        self.changed = asyncio.Event()


class TimedBotFramework(FakeBotFramework):
    """The test fake, plus: the arrival time of every reply, routed to the turn waiting for it."""

    def __init__(self) -> None:
        super().__init__()
        self._waits: dict[str, _TurnWait] = {}

    async def _activity(self, request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        answer = await super()._activity(request)
        self.received.clear()  # nothing reads them here; keep memory flat
        body = await request.json()  # aiohttp keeps the body: no second read
        wait = self._waits.get(request.match_info.get("reply_to") or "")
        if wait is not None and body.get("type") == "message" and answer.status < 300:
            wait.arrivals.append(arrived)
            wait.changed.set()
            if wait.expected is not None and len(wait.arrivals) >= wait.expected:
                wait.done.set()
        return answer

    def expect(self, activity_id: str, count: int | None) -> _TurnWait:
        wait = self._waits[activity_id] = _TurnWait(count)
        return wait

    def forget(self, activity_id: str) -> None:
        self._waits.pop(activity_id, None)


# ---- drivers -------------------------------------------------------------------------------
class RestDriver:
    channel = "rest"

    def __init__(self, rasa_url: str, session: aiohttp.ClientSession) -> None:
        self.url = f"{rasa_url}/webhooks/rest/webhook"
        self.session = session

    def new_conversation(self) -> dict[str, Any]:
        return {"sender": f"bench-{uuid.uuid4().hex[:12]}"}

    async def turn(self, conversation: dict[str, Any], index: int, text: str) -> float:
        started = time.perf_counter()
        async with self.session.post(self.url, json={"sender": conversation["sender"], "message": text}) as response:
            body = await response.json(content_type=None)
        elapsed = time.perf_counter() - started
        if response.status != 200 or not isinstance(body, list) or not body:
            raise RuntimeError(f"REST turn {index} ({text}) answered {response.status}: {str(body)[:200]}")
        conversation.setdefault("replies", []).append(len(body))
        return elapsed


class TeamsDriver:
    channel = "teams"

    def __init__(
        self,
        rasa_url: str,
        session: aiohttp.ClientSession,
        fake: TimedBotFramework,
        replies_per_turn: list[int] | None = None,
    ) -> None:
        self.url = f"{rasa_url}/webhooks/teams/webhook"
        self.session = session
        self.fake = fake
        self.replies_per_turn = replies_per_turn  # None: learn them (sequential warm-up only)
        self._ids = itertools.count(1)

    def new_conversation(self) -> dict[str, Any]:
        user = uuid.uuid4()
        conversation = {
            "sender": str(user),
            "conversation_id": f"a:{uuid.uuid4().hex}",
            "from": {"id": f"29:{user.hex}", "name": "ベンチ 太郎", "aadObjectId": str(user)},
        }
        # One connector token per conversation, as the Bot Connector reuses its token; signing
        # (RSA) in this process would otherwise compete with the servers for the CPU.
        conversation["token"] = self.fake.sign(self.fake.message("x"))
        return conversation

    async def turn(self, conversation: dict[str, Any], index: int, text: str) -> float:
        activity_id = f"bench-{next(self._ids)}-{uuid.uuid4().hex[:8]}"
        activity = self.fake.message(
            text, conversation_id=conversation["conversation_id"], id=activity_id, **{"from": conversation["from"]}
        )
        expected = self.replies_per_turn[index] if self.replies_per_turn is not None else None
        wait = self.fake.expect(activity_id, expected)
        headers = {"Authorization": f"Bearer {conversation['token']}"}
        try:
            started = time.perf_counter()
            async with self.session.post(self.url, json=activity, headers=headers) as response:
                await response.read()
            if response.status != 202:
                raise RuntimeError(f"Teams turn {index} ({text}) answered {response.status}")
            if expected is None:
                await self._settle(wait, index, text)
            else:
                try:
                    await asyncio.wait_for(wait.done.wait(), TURN_TIMEOUT)
                except asyncio.TimeoutError:
                    raise RuntimeError(
                        f"Teams turn {index} ({text}): {len(wait.arrivals)} of {expected} "
                        f"replies within {TURN_TIMEOUT:.0f}s"
                    ) from None
            conversation.setdefault("replies", []).append(len(wait.arrivals))
            return wait.arrivals[-1] - started
        finally:
            self.fake.forget(activity_id)

    @staticmethod
    async def _settle(wait: _TurnWait, index: int, text: str, quiet: float = 1.0) -> None:
        """Learning mode: the turn is over when no further reply came for ``quiet`` seconds."""
        try:
            await asyncio.wait_for(wait.changed.wait(), TURN_TIMEOUT)
        except asyncio.TimeoutError:
            raise RuntimeError(f"Teams turn {index} ({text}): no reply within {TURN_TIMEOUT:.0f}s") from None
        while True:
            wait.changed.clear()
            try:
                await asyncio.wait_for(wait.changed.wait(), quiet)
            except asyncio.TimeoutError:
                return


async def run_conversation(driver: Any) -> list[float]:
    """One scripted conversation, sequentially; returns its turn latencies (s)."""
    conversation = driver.new_conversation()
    return [await driver.turn(conversation, index, text) for index, (text, _) in enumerate(SCRIPT)]


async def learn_replies(driver: TeamsDriver) -> list[int]:
    """Runs one conversation in learning mode; returns the number of reply messages per turn."""
    driver.replies_per_turn = None
    conversation = driver.new_conversation()
    for index, (text, _) in enumerate(SCRIPT):
        await driver.turn(conversation, index, text)
    return list(conversation["replies"])


async def run_load(
    driver: Any, concurrency: int, conversations: int, cpu_probe: Any = None, think_ms: float = 0.0, seed: int = 5
) -> LoadResult:
    """``conversations`` scripted conversations spread over ``concurrency`` simultaneous users.

    ``think_ms`` > 0: each user pauses before each message (uniformly 0.5–1.5 × ``think_ms``, from a
    seeded generator), as a person reads the answer and types; 0: the next message goes at once.
    """
    result = LoadResult(driver.channel, concurrency, think_ms)
    remaining = itertools.count()
    rng = random.Random(seed)

    async def user() -> None:
        while next(remaining) < conversations:
            conversation = driver.new_conversation()
            for index, (text, _) in enumerate(SCRIPT):
                if think_ms:
                    await asyncio.sleep(think_ms * rng.uniform(0.5, 1.5) / 1000)
                try:
                    result.latencies_ms.append(1000 * await driver.turn(conversation, index, text))
                except Exception as error:  # record and go on with a new conversation
                    result.errors.append(str(error) or type(error).__name__)
                    break

    cpu_before = cpu_probe() if cpu_probe else {}
    client_before = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(concurrency)))
    result.wall_s = time.perf_counter() - started
    result.client_cpu_s = time.process_time() - client_before
    if cpu_probe:
        result.cpu_s = {name: seconds - cpu_before.get(name, 0.0) for name, seconds in cpu_probe().items()}
    return result
