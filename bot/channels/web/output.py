"""The output channel of one web chat turn: keeps every bot message whole, in order.

Rasa calls ``send_response`` once per bot message (one per ``BotUttered`` event), so the n-th
message kept here is the n-th answer of the turn (bot/feedback/answers.py numbers them the same).
"""

from __future__ import annotations

from typing import Any

from bot.channels.whole_message import WholeMessageOutput


class WebOutput(WholeMessageOutput):
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        return "web"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append(dict(message))
