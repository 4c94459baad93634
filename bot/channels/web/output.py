"""The output channel of one web chat turn: keeps every bot message whole, in order.

Rasa calls ``send_response`` once per bot message (one per ``BotUttered`` event), so the n-th
message kept here is the n-th answer of the turn (bot/feedback/answers.py numbers them the same).
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel


class WebOutput(OutputChannel):
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        return "web"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append(dict(message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"custom": json_message})
