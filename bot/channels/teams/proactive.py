"""Messages to Teams that nobody asked for this turn: the delivery worker's side of the Bot Connector.

* ``POST {serviceUrl}/v3/conversations`` creates the personal (1:1) conversation with someone who has
  the app installed but never wrote to the bot (``members`` = their Teams or Entra id, ``tenantId``),
  as Microsoft documents for proactive messages;
* ``POST {serviceUrl}/v3/conversations/{id}/activities`` sends the message (an Adaptive Card with its
  text as fallback, rendered like every answer: bot/channels/teams/cards.py).

One HTTP request per call, never retried here: the worker records every attempt and decides when to
try again. :func:`classify` turns the connector's answer into what happens next: 2xx sent; 429 and
5xx (and no answer) retry, honouring Retry-After; 401 retry with a fresh token; 403/404 the person
cannot be reached (blocked the bot, uninstalled it, conversation gone): their reference is dead; any
other answer is a message Teams will not take (failed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.channels.teams.cards import render_message
from bot.channels.teams.config import TeamsSettings
from bot.channels.teams.connector import ConnectorClient, ConnectorError, activity_url, is_allowed_service_url
from bot.channels.teams.http import HttpClient
from bot.channels.teams.tokens import TokenProvider
from bot.settings import PROJECT_ROOT

CHANNEL_KEY = "bot.channels.teams.TeamsInput"
SENT, RETRY, DEAD, FAILED = "sent", "retry", "dead", "failed"


@dataclass(frozen=True)
class Target:
    """Where a proactive message goes (from the person's conversation reference)."""

    service_url: str
    tenant_id: str | None
    member_id: str | None  # Teams' 29: id, else the Entra object id (to create a conversation)
    conversation_id: str | None
    bot_id: str | None


@dataclass(frozen=True)
class Delivery:
    """What one request to the connector came to."""

    outcome: str  # SENT, RETRY, DEAD or FAILED
    http_status: int | None
    detail: str
    retry_after: float | None = None
    external_id: str | None = None  # the activity id (sent) or the new conversation's id (created)
    renew_token: bool = False


def _code(body: Mapping[str, Any]) -> str:
    error = body.get("error")
    if isinstance(error, Mapping):
        return str(error.get("code") or error.get("message") or "")[:120]
    return ""


def classify(status: int | None, retry_after: float | None, body: Mapping[str, Any]) -> Delivery:
    """The connector's answer as the worker's next step (see the module docstring)."""
    code = _code(body)
    said = f"{status} {code}".strip() if status is not None else "no answer from the connector"
    if status is not None and 200 <= status < 300:
        found = body.get("id")
        return Delivery(SENT, status, said, external_id=found if isinstance(found, str) else None)
    if status is None or status == 429 or status >= 500:
        return Delivery(RETRY, status, said, retry_after)
    if status == 401:
        return Delivery(RETRY, status, said, retry_after, renew_token=True)
    if status in (403, 404):
        return Delivery(DEAD, status, said)
    return Delivery(FAILED, status, said)


class ProactiveSender:
    """Creates conversations and sends messages with the bot's token (one request per call)."""

    def __init__(self, settings: TeamsSettings, http: HttpClient | None = None) -> None:
        self.settings = settings
        self.http = http or HttpClient(settings.http_timeout)
        self.connector = ConnectorClient(settings, self.http, TokenProvider(settings, self.http))

    @classmethod
    def from_credentials_file(cls, path: Path | None = None) -> ProactiveSender | None:
        """The sender for the Teams block of credentials.yml (the Rasa server's own settings, with its
        ``${ENV}`` values), or None when Teams is not configured (no app id)."""
        with open(path or PROJECT_ROOT / "credentials.yml", encoding="utf-8") as handle:
            block = (yaml.safe_load(handle) or {}).get(CHANNEL_KEY)
        settings = TeamsSettings.from_credentials(block)
        return cls(settings) if settings.configured else None

    def bot_id(self, target: Target) -> str:
        return target.bot_id or f"28:{self.settings.app_id}"

    async def create_conversation(self, target: Target) -> Delivery:
        """The 1:1 conversation with ``target.member_id``; its id is the Delivery's ``external_id``."""
        tenant = target.tenant_id or self.settings.tenant_id
        body = {
            "bot": {"id": self.bot_id(target)},
            "members": [{"id": target.member_id}],
            "isGroup": False,
            "tenantId": tenant,
            "channelData": {"tenant": {"id": tenant}},
        }
        url = f"{target.service_url.rstrip('/')}/v3/conversations"
        return await self._post(url, body)

    async def send(self, target: Target, message: Mapping[str, Any]) -> Delivery:
        """Sends the message (each activity it renders to; normally one card) to the conversation."""
        assert target.conversation_id, "create the conversation first"
        url = activity_url(target.service_url, target.conversation_id)
        delivery = Delivery(FAILED, None, "the message renders to nothing")
        for rendered in render_message(dict(message)):
            activity = {
                **rendered.activity,
                "from": {"id": self.bot_id(target)},
                "conversation": {"id": target.conversation_id},
            }
            delivery = await self._post(url, activity)
            if delivery.outcome != SENT:
                break
        return delivery

    async def _post(self, url: str, body: Mapping[str, Any]) -> Delivery:
        if not is_allowed_service_url(url, self.settings.allowed_service_hosts):
            return Delivery(FAILED, None, "serviceUrl host not on the allow-list")
        try:
            status, retry_after, answer = await self.connector.post_once(url, body)
        except ConnectorError as error:  # nothing was sent (no token, host not allowed)
            return Delivery(RETRY, None, str(error))
        delivery = classify(status, retry_after, answer)
        if delivery.renew_token:
            self.connector.renew_token()
        return delivery

    async def close(self) -> None:
        await self.http.close()
