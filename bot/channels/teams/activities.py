"""Turns an inbound Bot Framework activity from Teams into what Rasa needs: text, sender, metadata.

* ``message``: the text without the bot's ``<at>…</at>`` mention; a click on one of our Adaptive
  Card buttons arrives with empty text and ``value = {"manabi_payload": "/intent{…}"}`` and
  becomes that payload.
* ``conversationUpdate`` adding the bot, and ``installationUpdate`` with action ``add``: the welcome;
  ``installationUpdate`` with action ``remove``: the app was removed (nothing reaches the person now).
* Anything else (reactions, typing, invokes, uninstalls) is acknowledged and ignored.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.channels.buttons import MAX_PAYLOAD_CHARS

PAYLOAD_KEY = "manabi_payload"
_AT_TAG = re.compile(r"<at(?:\s[^>]*)?>(.*?)</at>", re.IGNORECASE | re.DOTALL)


class ActivityError(Exception):
    """The request body is not a usable activity (HTTP 400); ``reason`` is safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class InboundActivity:
    """The parts of an activity the channel uses."""

    type: str
    id: str
    service_url: str
    channel_id: str
    conversation_id: str
    conversation_type: str
    tenant_id: str | None
    sender_id: str  # the Entra object id; never the channel account id, which is not a person's identity
    aad_object_id: str | None
    user_name: str | None
    bot_account: Mapping[str, Any]
    user_account: Mapping[str, Any]
    text: str
    is_welcome: bool
    is_uninstall: bool = False

    @property
    def is_personal(self) -> bool:
        """True in a one-to-one chat with the bot."""
        return self.conversation_type == "personal"

    @property
    def dedupe_key(self) -> str:
        """Identifies a delivery; the connector re-sends the same activity id on retries."""
        return f"{self.conversation_id}|{self.id}"

    def metadata(self) -> dict[str, Any]:
        """The user-message metadata of the conversation contract (docs/architecture.md)."""
        return {
            "channel": "teams",
            "teams": {
                "user_name": self.user_name,
                "aad_object_id": self.aad_object_id,
                "tenant_id": self.tenant_id,
                "conversation_type": self.conversation_type,
                "conversation_id": self.conversation_id,
            },
        }


def parse_body(body: bytes) -> dict[str, Any]:
    """The JSON object in the request body; ActivityError if it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ActivityError("malformed JSON") from None
    if not isinstance(data, dict):
        raise ActivityError("body is not a JSON object")
    return data


def _text_field(data: Mapping[str, Any], *path: str) -> str | None:
    value: Any = data
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, str) and value.strip() else None


def _required(data: Mapping[str, Any], *path: str) -> str:
    value = _text_field(data, *path)
    if value is None:
        raise ActivityError(f"missing field '{'.'.join(path)}'")
    return value


def auth_fields(data: Mapping[str, Any]) -> tuple[str, str]:
    """(serviceUrl, channelId): what token validation needs; ActivityError if absent."""
    return _required(data, "serviceUrl"), _required(data, "channelId")


def tenant_of(data: Mapping[str, Any]) -> str | None:
    """The Entra tenant of the conversation (channelData.tenant.id, else conversation.tenantId)."""
    return _text_field(data, "channelData", "tenant", "id") or _text_field(data, "conversation", "tenantId")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def parse_activity(data: Mapping[str, Any]) -> InboundActivity:
    """Validates the fields every activity must have and extracts the turn; ActivityError if invalid."""
    service_url, channel_id = auth_fields(data)
    kind = _required(data, "type")
    sender = _mapping(data.get("from"))
    bot = _mapping(data.get("recipient"))
    aad_object_id = _text_field(data, "from", "aadObjectId")
    text, welcome = _turn(kind, data, bot)
    return InboundActivity(
        type=kind,
        id=_required(data, "id"),
        service_url=service_url,
        channel_id=channel_id,
        conversation_id=_required(data, "conversation", "id"),
        conversation_type=_text_field(data, "conversation", "conversationType") or "personal",
        tenant_id=tenant_of(data),
        sender_id=aad_object_id or "",  # the channel refuses activities without one
        aad_object_id=aad_object_id,
        user_name=_text_field(data, "from", "name"),
        bot_account={k: bot[k] for k in ("id", "name") if isinstance(bot.get(k), str)},
        user_account={k: sender[k] for k in ("id", "name") if isinstance(sender.get(k), str)},
        text=text,
        is_welcome=welcome,
        is_uninstall=kind == "installationUpdate" and str(data.get("action") or "").startswith("remove"),
    )


def _turn(kind: str, data: Mapping[str, Any], bot: Mapping[str, Any]) -> tuple[str, bool]:
    """(text for Rasa, is_welcome); empty text means there is nothing to answer."""
    if kind == "message":
        payload = payload_from_value(data.get("value"))
        if payload:
            return payload, False
        text = data["text"] if isinstance(data.get("text"), str) else ""
        return strip_mentions(text, data.get("entities"), bot.get("id"), bot.get("name")), False
    if kind == "installationUpdate":
        return "", data.get("action") == "add"
    if kind == "conversationUpdate":
        added: list[Any] = data["membersAdded"] if isinstance(data.get("membersAdded"), list) else []
        bot_id = bot.get("id")
        return "", bool(bot_id) and any(isinstance(m, Mapping) and m.get("id") == bot_id for m in added)
    return "", False


def strip_mentions(text: str, entities: Any, bot_id: str | None, bot_name: str | None = None) -> str:
    """Removes the bot's ``<at>…</at>`` mention; other people's mentions keep just their name."""
    bot_mentions = [
        entity["text"]
        for entity in (entities if isinstance(entities, list) else [])
        if isinstance(entity, Mapping)
        and entity.get("type") == "mention"
        and isinstance(entity.get("mentioned"), Mapping)
        and entity["mentioned"].get("id") == bot_id
        and isinstance(entity.get("text"), str)
    ]
    if not bot_mentions and bot_name:
        bot_mentions = [f"<at>{bot_name}</at>"]  # no entity sent: fall back to the bot's name
    for mention in bot_mentions:
        text = text.replace(mention, " ")
    text = _AT_TAG.sub(r"\1", text)
    return " ".join(html.unescape(text).replace("\xa0", " ").split())


def payload_from_value(value: Any) -> str | None:
    """The payload of one of our card buttons (``{"manabi_payload": …}``), else None."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, Mapping):
        return None
    payload = value.get(PAYLOAD_KEY)
    if payload is None and isinstance(value.get("msteams"), Mapping):
        return payload_from_value(value["msteams"].get("value"))  # data echoed back as sent
    if isinstance(payload, str) and 0 < len(payload.strip()) <= MAX_PAYLOAD_CHARS:
        return payload.strip()
    return None
