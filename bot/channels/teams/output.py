"""The Rasa OutputChannel of one Teams turn: renders each bot message and replies through the connector.

Delivery failures are logged and counted, never raised: an exception here would abort Rasa's
processing of the turn and lose the conversation state. Every delivered message remembers the id
the connector gave it and which bot message of the turn it shows (``delivered_refs``), so feedback
on it can be traced to the answer (bot/channels/teams/feedback.py); message activities enable
Teams' feedback buttons (``channelData.feedbackLoopEnabled``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.channels.teams.cards import Rendered, render_message
from bot.channels.teams.connector import ConnectorClient, ConnectorError
from bot.channels.teams.state import TtlMap
from bot.channels.whole_message import WholeMessageOutput
from bot.log_limits import RateLimitedLog

logger = logging.getLogger(__name__)
_delivery_failures = RateLimitedLog(logger)


@dataclass(frozen=True)
class ConversationRef:
    """Where the replies of a turn go."""

    service_url: str
    conversation_id: str
    reply_to_id: str
    bot_account: Mapping[str, Any]
    user_account: Mapping[str, Any]
    personal: bool


class TeamsOutput(WholeMessageOutput):
    """Sends every bot message of a turn as a reply to the user's activity."""

    def __init__(
        self,
        connector: ConnectorClient,
        ref: ConversationRef,
        suggestions: TtlMap[dict[str, str]],
        suggested_actions: bool = False,
    ) -> None:
        self._connector = connector
        self._ref = ref
        self._suggestions = suggestions
        self._suggested_actions = suggested_actions and ref.personal
        self.messages: list[dict[str, Any]] = []  # activities delivered (tests, debugging)
        self.delivered_refs: list[tuple[str, int]] = []  # (connector's activity id, bot message index)
        self.failures = 0
        self._bot_messages = 0

    @classmethod
    def name(cls) -> str:
        """The channel name Rasa records on bot events."""
        return "teams"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Renders the whole message at once, so a card replaces its text instead of following it."""
        index = self._bot_messages
        self._bot_messages += 1  # the n-th message Rasa sends is the turn's n-th answer
        for rendered in render_message(message, suggested_actions=self._suggested_actions):
            await self._deliver(rendered, index)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Sends an image (https) in a card, anything else as text."""
        await self.send_response(recipient_id, {"image": image})

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        """Sends an attachment description as text."""
        await self.send_response(recipient_id, {"attachment": attachment})

    @property
    def answered(self) -> bool:
        """True once a message (not just typing) was delivered, or delivery was attempted and failed."""
        return self.failures > 0 or any(activity["type"] == "message" for activity in self.messages)

    async def send_typing(self) -> None:
        """Shows the typing indicator while Rasa works on the turn."""
        await self._deliver(Rendered({"type": "typing"}), None)

    async def _deliver(self, rendered: Rendered, answer_index: int | None = None) -> None:
        ref = self._ref
        activity = {
            **rendered.activity,
            "from": dict(ref.bot_account),
            "recipient": dict(ref.user_account),
            "conversation": {"id": ref.conversation_id},
            "replyToId": ref.reply_to_id,
        }
        if activity["type"] == "message":
            activity["channelData"] = {**activity.get("channelData", {}), "feedbackLoopEnabled": True}
        try:
            sent = await self._connector.send(ref.service_url, ref.conversation_id, activity, ref.reply_to_id)
        except ConnectorError as error:
            self.failures += 1
            _delivery_failures.warning_for(
                ("deliver", activity["type"]),
                "Teams: could not deliver a %s activity to conversation %s: %s",
                activity["type"],
                ref.conversation_id,
                error,
            )
            return
        self.messages.append(activity)
        if answer_index is not None and isinstance(sent.get("id"), str) and sent["id"]:
            self.delivered_refs.append((sent["id"], answer_index))
        if activity["type"] == "message":
            # Teams only offers the suggestions of the latest message.
            if rendered.suggestions:
                self._suggestions.put(ref.conversation_id, rendered.suggestions)
            else:
                self._suggestions.pop(ref.conversation_id)
