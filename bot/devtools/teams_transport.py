"""The behavioural suites over Microsoft Teams: signed activities from the fake Bot Framework into the
real Rasa server's Teams webhook, replies read where the connector receives them.

Each suite conversation is one Teams user (its own ``aadObjectId``, ``29:`` id and personal
conversation), so conversations never share a tracker. The user's display name is left out: the
suites are written for any channel, and a registration over Teams otherwise starts with the name
Teams gave (tests/e2e/test_teams_e2e.py covers that). The webhook answers 202 and the turn's
messages arrive at the connector one by one: a turn is complete once its first reply has arrived
and nothing more has come for ``quiet`` seconds.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from bot.devtools.fake_botframework import FakeInThread
from bot.evaluation.conversations import Message, Transport

QUIET_SECONDS = 0.6  # no new reply this long after the first: the turn is over
_TEXT_KEYS = ("text", "title", "value", "subtitle")
_USER_NAMESPACE = uuid.UUID("6f1c0e52-0d5a-4f7e-9a63-1b2c3d4e5f60")


def teams_transport(
    runner: FakeInThread, webhook_url: str, timeout: float = 60.0, quiet: float = QUIET_SECONDS
) -> Transport:
    """A transport for :func:`bot.evaluation.conversations.run_suite` over the Teams channel."""
    fake = runner.fake

    def send(sender: str, text: str) -> list[Message]:
        user = str(uuid.uuid5(_USER_NAMESPACE, sender))
        activity = fake.message(text, conversation_id=f"a:{sender}")
        activity["from"] = {"id": f"29:{sender}", "aadObjectId": user}
        status, _ = runner.call(fake.post_activity(webhook_url, activity), timeout)
        if status not in (200, 202):
            raise RuntimeError(f"the Teams webhook answered {status}")
        replies: list[dict[str, Any]] = runner.call(_turn(fake, activity["id"], timeout, quiet), timeout + quiet + 5)
        return [{"text": "\n".join(visible_lines(reply))} for reply in replies]

    return send


async def _turn(fake: Any, activity_id: str, timeout: float, quiet: float) -> list[dict[str, Any]]:
    """The replies to one activity, once they have stopped coming."""
    replies: list[dict[str, Any]] = await fake.wait_for_reply(activity_id, timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await asyncio.sleep(quiet)
        now: list[dict[str, Any]] = fake.replies_to(activity_id)
        if len(now) == len(replies):
            return now
        replies = now
    return replies


def visible_lines(activity: Mapping[str, Any]) -> list[str]:
    """What a Teams user sees of a message: its text, every text and title in its cards, its
    suggested actions."""
    lines = [str(activity.get("text") or "")]
    lines += list(_texts(activity.get("attachments") or []))
    lines += [str(a.get("title", "")) for a in (activity.get("suggestedActions") or {}).get("actions", [])]
    return [line for line in lines if line]


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in _TEXT_KEYS and isinstance(value, str) and not value.startswith(("/", "{")):
                yield value
            elif isinstance(value, (Mapping, list)):
                yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)
