"""The local REST channel (``POST /webhooks/rest/webhook``): ``make run``, ``python -m bot chat``, tests.

Rasa's REST channel takes the sender id from the request body, so whoever reaches it can speak as
anyone (register, cancel a colleague's seat, read their status). It is therefore only in
``credentials.local.yml``, never in the production ``credentials.yml`` (docs/teams.md), and this
version of it also refuses, with 403, every request that does not come straight from this machine:
a peer address outside 127.0.0.0/8 and ::1, or a request that passed through a proxy
(``Forwarded``/``X-Forwarded-For``/``X-Real-IP``), since a proxy on this machine could be relaying
anyone.

It also answers by itself a message longer than ``MANABI_MAX_MESSAGE_CHARS`` (without Rasa), and
never returns an empty list: a turn without any message gets a polite apology.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import WEBHOOK_ROUTE
from bot.channels.message_limits import is_too_long, max_message_chars, no_answer_reply, too_long_reply
from bot.log_limits import RateLimitedLog

logger = logging.getLogger(__name__)
_rejections = RateLimitedLog(logger)

PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")
MAX_SENDER_CHARS = 128


def is_loopback_address(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").strip("[]")).is_loopback
    except ValueError:
        return False


def refusal(peer: str | None, headers: Any) -> str | None:
    """Why a request may not use the local channel (None: it came straight from this machine)."""
    if not is_loopback_address(peer):
        return "not from this machine"
    if any(name in headers for name in PROXY_HEADERS):
        return "relayed by a proxy"
    return None


class LocalRestInput(RestInput):
    """Rasa's REST channel, for this machine only, with the message-length cap (see the module)."""

    @classmethod
    def name(cls) -> str:
        return "rest"  # same URL as Rasa's: /webhooks/rest/webhook

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> LocalRestInput:
        return cls()

    def __init__(self, max_chars: int | None = None) -> None:
        self.max_chars = max_chars or max_message_chars()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        local = Blueprint("local_rest_webhook", __name__)

        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        local.add_route(health, "/", methods=["GET"])
        local.add_route(receive, WEBHOOK_ROUTE, methods=["POST"])
        return local

    async def handle(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        why = refusal(request.ip, request.headers)
        if why:
            _rejections.warning_for(("refused", why), "REST channel: refused a request from %s: %s", request.ip, why)
            return response.json({"error": "forbidden"}, status=403)
        try:
            body = request.json
        except Exception:  # Sanic raises InvalidUsage for malformed JSON
            body = None
        sender, text = (body.get("sender"), body.get("message")) if isinstance(body, dict) else (None, None)
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
            return response.json({"error": "'sender' must be a non-empty string"}, status=400)
        if not isinstance(text, str):
            return response.json({"error": "'message' must be a string"}, status=400)
        if is_too_long(text, self.max_chars):
            return response.json([{"recipient_id": sender, "text": too_long_reply(len(text.strip()), self.max_chars)}])
        collector = CollectingOutputChannel()
        metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
        try:
            await on_new_message(
                UserMessage(
                    text, collector, sender, input_channel=self._extract_input_channel(request), metadata=metadata
                )
            )
        except asyncio.CancelledError:
            logger.error("REST channel: the turn for %s was cancelled (timeout).", sender)
        except Exception:
            logger.exception("REST channel: the turn for %s failed.", sender)
        return response.json(collector.messages or [{"recipient_id": sender, "text": no_answer_reply()}])
