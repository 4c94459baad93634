"""The base of our output channels, which take each bot message whole in ``send_response``.

Rasa's ``OutputChannel.send_response`` splits a message into text, buttons, custom JSON … and calls
one sender per part. Ours render the message at once instead (a card replaces its text rather than
following it), so the per-part senders, when called directly, hand their part back as a message.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel


class WholeMessageOutput(OutputChannel):
    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"custom": json_message})
