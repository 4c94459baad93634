"""TeamsOutput (the Rasa OutputChannel of a turn) with a recording connector."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from bot.channels.teams import TeamsInput
from bot.channels.teams.connector import ConnectorError
from bot.channels.teams.output import ConversationRef, TeamsOutput
from bot.channels.teams.state import TtlCache
from bot.devtools.fake_botframework import BOT_ID, USER_AAD_ID, FakeBotFramework

REF = ConversationRef(
    service_url="https://smba.trafficmanager.net/apac/",
    conversation_id="a:conversation",
    reply_to_id="1700000000000",
    bot_account={"id": BOT_ID, "name": "まなびアシスタント"},
    user_account={"id": "29:user", "name": "山田 花子"},
    personal=True,
)


class RecordingConnector:
    """Stands in for ConnectorClient; fails while ``failing`` is set."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict, str | None]] = []
        self.failing = False

    async def send(self, service_url: str, conversation_id: str, activity: dict, reply_to_id: str | None) -> Any:
        if self.failing:
            raise ConnectorError("connector answered 500")
        self.sent.append((service_url, conversation_id, activity, reply_to_id))
        return {"id": "x"}


def output(connector: RecordingConnector, suggestions: TtlCache, suggested: bool = False) -> TeamsOutput:
    return TeamsOutput(connector, REF, suggestions, suggested)  # type: ignore[arg-type]


@pytest.mark.asyncio
async def test_replies_are_addressed_to_the_users_activity() -> None:
    connector = RecordingConnector()
    out = output(connector, TtlCache(60, 10))
    await out.send_text_message(USER_AAD_ID, "こんにちは")
    ((service_url, conversation_id, activity, reply_to),) = connector.sent
    assert (service_url, conversation_id, reply_to) == (REF.service_url, REF.conversation_id, REF.reply_to_id)
    assert activity["from"] == REF.bot_account and activity["recipient"] == REF.user_account
    assert activity["conversation"] == {"id": REF.conversation_id} and activity["replyToId"] == REF.reply_to_id
    assert out.messages == [activity] and TeamsOutput.name() == "teams"


@pytest.mark.asyncio
async def test_every_rasa_send_method_is_rendered() -> None:
    connector = RecordingConnector()
    out = output(connector, TtlCache(60, 10))
    await out.send_text_with_buttons(USER_AAD_ID, "はい？", [{"title": "はい", "payload": "/affirm"}])
    await out.send_custom_json(USER_AAD_ID, {"card": {"title": "研修一覧"}})
    await out.send_image_url(USER_AAD_ID, "https://example.org/a.png")
    await out.send_attachment(USER_AAD_ID, "資料.pdf")
    await out.send_typing()
    kinds = [a.get("attachments", [{}])[0].get("contentType", a["type"]) for _, _, a, _ in connector.sent]
    assert kinds == ["application/vnd.microsoft.card.adaptive"] * 3 + ["message", "typing"]


@pytest.mark.asyncio
async def test_failures_are_counted_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    connector = RecordingConnector()
    connector.failing = True
    out = output(connector, TtlCache(60, 10))
    await out.send_response(USER_AAD_ID, {"text": "届かない"})
    assert out.failures == 1 and out.messages == []
    assert "could not deliver a message activity" in caplog.text


@pytest.mark.asyncio
async def test_suggestions_follow_the_latest_message() -> None:
    connector, suggestions = RecordingConnector(), TtlCache(60, 10)
    out = output(connector, suggestions, suggested=True)
    await out.send_text_with_buttons(USER_AAD_ID, "登録しますか？", [{"title": "はい", "payload": "/affirm"}])
    assert suggestions.get(REF.conversation_id) == {"はい": "/affirm"}
    await out.send_typing()
    assert suggestions.get(REF.conversation_id) == {"はい": "/affirm"}
    await out.send_text_message(USER_AAD_ID, "別の話題")
    assert suggestions.get(REF.conversation_id) is None


def test_get_metadata_for_rasas_api() -> None:
    fake = FakeBotFramework()
    channel = TeamsInput.from_credentials(fake.credentials())
    activity = fake.message("こんにちは")
    request = SimpleNamespace(body=json.dumps(activity).encode())
    assert channel.get_metadata(request)["teams"]["conversation_id"] == activity["conversation"]["id"]  # type: ignore
    assert channel.get_metadata(SimpleNamespace(body=b"{")) is None  # type: ignore[arg-type]
