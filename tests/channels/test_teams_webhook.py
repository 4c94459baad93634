"""The channel served by Sanic end to end against the fake Bot Framework (Rasa replaced by a stub)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from teams_harness import ChannelServer, ServeChannel

from bot.channels.teams import TeamsInput
from bot.devtools.fake_botframework import OTHER_TENANT_ID, USER_AAD_ID, USER_NAME, FakeBotFramework, rsa_key

pytestmark = pytest.mark.asyncio


async def assert_still_serving(fake: FakeBotFramework, server: ChannelServer) -> None:
    """A valid request after whatever happened is accepted and answered."""
    before = len(fake.sent())
    status, _ = await fake.post_activity(server.webhook_url, fake.message("まだ動いていますか？"))
    assert status == 202
    replies = await fake.wait_for_messages(before + 1)
    assert replies[-1]["text"] == "echo: まだ動いていますか？"


async def test_personal_question_gets_typing_then_the_answer(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel
) -> None:
    fake = fake_botframework
    server = await serve_channel()
    activity = fake.message("ITパスポートの補助はいくら？")

    status, body = await fake.post_activity(server.webhook_url, activity)

    assert (status, body) == (202, {"status": "accepted"})
    (reply,) = await fake.wait_for_messages(1)
    assert reply["text"] == "echo: ITパスポートの補助はいくら？"
    assert reply["replyToId"] == activity["id"] and reply["conversation"] == {"id": activity["conversation"]["id"]}
    assert reply["from"] == activity["recipient"]
    assert [r.activity["type"] for r in fake.received] == ["typing", "message"]
    assert all(r.authorized and r.reply_to_id == activity["id"] for r in fake.received)
    assert {r.conversation_id for r in fake.received} == {activity["conversation"]["id"]}
    (message,) = server.received
    assert message.sender_id == USER_AAD_ID and message.input_channel == "teams"
    assert message.message_id == activity["id"]
    assert message.metadata == {
        "channel": "teams",
        "teams": {
            "user_name": USER_NAME,
            "aad_object_id": USER_AAD_ID,
            "tenant_id": fake.tenant_id,
            "conversation_type": "personal",
            "conversation_id": activity["conversation"]["id"],
        },
    }


async def test_group_chat_mention_is_stripped(fake_botframework: FakeBotFramework, serve_channel: ServeChannel) -> None:
    server = await serve_channel()
    status, _ = await fake_botframework.post_activity(server.webhook_url, fake_botframework.mention("来月の研修は？"))
    assert status == 202
    (reply,) = await fake_botframework.wait_for_messages(1)
    assert reply["text"] == "echo: 来月の研修は？"
    assert server.received[0].metadata["teams"]["conversation_type"] == "groupChat"


async def test_adaptive_card_submit_reaches_rasa_as_the_payload(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel
) -> None:
    server = await serve_channel()
    payload = '/ask_study_tips{"exam":"itpass"}'
    assert (await fake_botframework.post_activity(server.webhook_url, fake_botframework.submit(payload)))[0] == 202
    await fake_botframework.wait_for_messages(1)
    assert server.received[0].text == payload


async def test_install_triggers_one_welcome(fake_botframework: FakeBotFramework, serve_channel: ServeChannel) -> None:
    fake = fake_botframework
    server = await serve_channel()
    install = fake.install()
    added = fake.bot_added(conversation_id=install["conversation"]["id"])

    assert (await fake.post_activity(server.webhook_url, install))[0] == 202
    assert (await fake.post_activity(server.webhook_url, added)) == (200, {"status": "ignored"})

    (reply,) = await fake.wait_for_messages(1)
    assert reply["text"] == "echo: /greet"
    assert [m.text for m in server.received] == ["/greet"]


async def test_duplicate_activity_is_answered_once(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel
) -> None:
    fake = fake_botframework
    server = await serve_channel()
    activity = fake.message("重複テスト")
    assert (await fake.post_activity(server.webhook_url, activity))[0] == 202
    assert await fake.post_activity(server.webhook_url, activity) == (200, {"status": "duplicate"})
    await server.channel.wait_idle()
    assert len(fake.sent()) == 1 and len(server.received) == 1


async def test_acknowledges_before_the_turn_is_done(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel
) -> None:
    release = asyncio.Event()

    async def slow_rasa(message: UserMessage) -> None:
        await release.wait()
        await message.output_channel.send_response(message.sender_id, {"text": "遅い返事"})

    server = await serve_channel(slow_rasa)
    started = time.monotonic()
    status, _ = await fake_botframework.post_activity(server.webhook_url, fake_botframework.message("重い質問"))
    assert status == 202 and time.monotonic() - started < 2
    assert await fake_botframework.wait_for_messages(1, kind="typing")  # typing shows while Rasa works
    assert fake_botframework.sent() == []
    release.set()
    assert (await fake_botframework.wait_for_messages(1))[0]["text"] == "遅い返事"


def _no_token(fake: FakeBotFramework) -> dict:
    return {"activity": fake.message("x"), "token": None}


def _signed(**claims: Any) -> Callable[[FakeBotFramework], dict]:
    def build(fake: FakeBotFramework) -> dict:
        activity = fake.message("x")
        return {"activity": activity, "token": fake.sign(activity, **claims)}

    return build


def _wrong_signature(fake: FakeBotFramework) -> dict:
    return {"activity": fake.message("x"), "token": fake.sign(key=rsa_key(2))}


def _no_endorsement(fake: FakeBotFramework) -> dict:
    fake.add_key("webchat-key", endorsements=["webchat"])
    return {"activity": fake.message("x"), "token": fake.sign(key=rsa_key(1), kid="webchat-key")}


def _unknown_kid(fake: FakeBotFramework) -> dict:
    return {"activity": fake.message("x"), "token": fake.sign(key=rsa_key(1), kid="unpublished")}


def _other_tenant(fake: FakeBotFramework) -> dict:
    return {"activity": fake.message("x", tenant_id=OTHER_TENANT_ID)}


def _evil_service_url(fake: FakeBotFramework) -> dict:
    return {"activity": fake.message("x", serviceUrl="https://evil.example/amer/")}  # token claim matches


def _malformed(fake: FakeBotFramework) -> dict:
    return {"activity": b'{"type": "message", ', "token": fake.sign()}


def _not_an_object(fake: FakeBotFramework) -> dict:
    return {"activity": b"[]", "token": fake.sign()}


def _missing(field: str) -> Callable[[FakeBotFramework], dict]:
    def build(fake: FakeBotFramework) -> dict:
        activity = fake.message("x")
        activity.pop(field)
        return {"activity": activity, "token": fake.sign(serviceurl=fake.service_url)}

    return build


def _webchat(fake: FakeBotFramework) -> dict:
    """Azure's "Test in Web Chat" (or Direct Line): a valid token, but not Teams."""
    fake.add_key("webchat-key", endorsements=["webchat"])
    activity = fake.message("x", channelId="webchat")
    return {"activity": activity, "token": fake.sign(activity, key=rsa_key(1), kid="webchat-key")}


def _no_aad_object_id(fake: FakeBotFramework) -> dict:
    return {"activity": fake.message("x", **{"from": {"id": "29:someone", "name": "誰か"}})}


def _no_tenant(fake: FakeBotFramework) -> dict:
    conversation = {"id": "a:x", "conversationType": "personal"}
    return {"activity": fake.message("x", channelData={}, conversation=conversation)}


def _huge(fake: FakeBotFramework) -> dict:
    activity = fake.message("あ" * 300_000)
    return {"activity": activity}


REJECTIONS = {
    "no token": (_no_token, 401),
    "wrong signature": (_wrong_signature, 401),
    "wrong audience": (_signed(aud="11111111-1111-1111-1111-111111111111"), 401),
    "wrong issuer": (_signed(iss="https://login.microsoftonline.com/evil/v2.0"), 401),
    "expired": (_signed(exp=int(time.time()) - 600), 401),
    "serviceurl mismatch": (_signed(serviceurl="https://smba.trafficmanager.net/emea/"), 401),
    "missing endorsement": (_no_endorsement, 401),
    "unknown kid": (_unknown_kid, 401),
    "disallowed tenant": (_other_tenant, 403),
    "disallowed service host": (_evil_service_url, 403),
    "not the msteams channel": (_webchat, 403),
    "no aadObjectId": (_no_aad_object_id, 403),
    "no tenant": (_no_tenant, 403),
    "malformed JSON": (_malformed, 400),
    "body not an object": (_not_an_object, 400),
    "missing serviceUrl": (_missing("serviceUrl"), 400),
    "missing conversation": (_missing("conversation"), 400),
    "missing type": (_missing("type"), 400),
    "too large": (_huge, 413),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
async def test_rejections_and_the_server_keeps_serving(
    case: str, fake_botframework: FakeBotFramework, serve_channel: ServeChannel, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_botframework
    server = await serve_channel()
    await assert_still_serving(fake, server)  # keys loaded, token cached
    jwks_before = fake.jwks_requests
    build, expected_status = REJECTIONS[case]
    request = build(fake)
    caplog.set_level(logging.INFO)

    status, body = await fake.post_activity(server.webhook_url, request["activity"], request.get("token", "sign"))

    assert status == expected_status
    assert set(body) == {"error"} and "Traceback" not in str(body)
    await server.channel.wait_idle()
    assert len(server.received) == 1 and len(fake.sent()) == 1  # nothing processed, nothing sent
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "rejected request" in r.getMessage()]
    assert len(warnings) == 1
    if request.get("token"):
        assert request["token"] not in caplog.text and request["token"][-20:] not in caplog.text
    if case == "unknown kid":
        assert fake.jwks_requests == jwks_before + 1  # exactly one refresh
    await assert_still_serving(fake, server)


async def test_openid_service_down_at_startup(fake_botframework: FakeBotFramework, serve_channel: ServeChannel) -> None:
    fake = fake_botframework
    fake.openid_available = False
    server = await serve_channel()  # starts although keys cannot be fetched
    assert fake.metadata_requests == 0  # nothing fetched at construction or start-up
    async with aiohttp.ClientSession() as session, session.get(server.health_url) as response:
        assert await response.json() == {"status": "ok", "configured": True, "signing_keys_loaded": False}

    for _ in range(2):
        status, _ = await fake.post_activity(server.webhook_url, fake.message("鍵はまだ？"))
        assert status == 401
    assert server.received == []

    fake.openid_available = True
    await assert_still_serving(fake, server)


async def test_token_endpoint_failing_sends_nothing(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel
) -> None:
    fake = fake_botframework
    fake.token_failure = 500
    server = await serve_channel()

    status, _ = await fake.post_activity(server.webhook_url, fake.message("返事は届く？"))
    await server.channel.wait_idle()

    assert status == 202
    assert len(server.received) == 1  # Rasa still saw the turn
    assert fake.received == []  # no unauthenticated (or any) request reached the connector
    assert server.received[0].output_channel.failures == 2  # typing + answer, both logged
    fake.token_failure = None
    await assert_still_serving(fake, server)


async def test_throttled_connector_still_delivers(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel
) -> None:
    fake_botframework.connector_script = [(429, "0"), (503, None)]
    server = await serve_channel()
    await assert_still_serving(fake_botframework, server)


async def test_a_failing_turn_does_not_break_the_server(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel
) -> None:
    async def broken_then_echo(message: UserMessage) -> None:
        if message.text == "壊れる":
            raise RuntimeError("model exploded")
        await message.output_channel.send_response(message.sender_id, {"text": f"echo: {message.text}"})

    server = await serve_channel(broken_then_echo)
    assert (await fake_botframework.post_activity(server.webhook_url, fake_botframework.message("壊れる")))[0] == 202
    await server.channel.wait_idle()
    await assert_still_serving(fake_botframework, server)


async def test_cards_reach_teams_as_adaptive_cards(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel
) -> None:
    card = {
        "title": "研修一覧",
        "facts": [["RPA研修", "1月15日"]],
        "buttons": [{"title": "詳しく", "payload": '/ask_course_details{"course":"rpa"}'}],
    }

    async def catalogue(message: UserMessage) -> None:
        await message.output_channel.send_response(
            message.sender_id, {"text": "研修は1件です。", "custom": {"card": card}}
        )

    server = await serve_channel(catalogue)
    await fake_botframework.post_activity(server.webhook_url, fake_botframework.message("どんな研修がありますか"))
    (reply,) = await fake_botframework.wait_for_messages(1)
    content = reply["attachments"][0]["content"]
    assert content["body"][0]["text"] == "研修一覧"
    assert content["actions"][0]["data"]["manabi_payload"] == '/ask_course_details{"course":"rpa"}'
    assert "text" not in reply  # the card replaces the text, it does not follow it


async def test_suggested_actions_round_trip_in_personal_chat(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel
) -> None:
    fake = fake_botframework

    async def ask(message: UserMessage) -> None:
        buttons = [{"title": "はい", "payload": "/affirm"}, {"title": "いいえ", "payload": "/deny"}]
        reply = {"text": "登録しますか？", "buttons": buttons} if message.text == "登録" else {"text": message.text}
        await message.output_channel.send_response(message.sender_id, reply)

    server = await serve_channel(ask, personal_buttons="suggested")
    first = fake.message("登録")
    await fake.post_activity(server.webhook_url, first)
    (question,) = await fake.wait_for_messages(1)
    assert [a["value"] for a in question["suggestedActions"]["actions"]] == ["はい", "いいえ"]

    await fake.post_activity(server.webhook_url, fake.message("はい", conversation_id=first["conversation"]["id"]))
    await fake.wait_for_messages(2)
    assert [m.text for m in server.received] == ["登録", "/affirm"]
    await fake.post_activity(server.webhook_url, fake.message("はい", conversation_id=first["conversation"]["id"]))
    await fake.wait_for_messages(3)
    assert server.received[-1].text == "はい"  # suggestions are used once


async def test_unconfigured_channel_answers_503(fake_botframework: FakeBotFramework) -> None:
    async with ChannelServer(TeamsInput.from_credentials({"app_id": "${MANABI_TEST_UNSET}"})) as server:
        status, body = await fake_botframework.post_activity(server.webhook_url, fake_botframework.message("x"))
    assert (status, body) == (503, {"error": "teams channel not configured"})
    assert fake_botframework.metadata_requests == 0


async def test_stopping_the_server_closes_the_http_session(fake_botframework: FakeBotFramework) -> None:
    channel = TeamsInput.from_credentials(fake_botframework.credentials())
    async with ChannelServer(channel) as server:
        await assert_still_serving(fake_botframework, server)
        assert channel.http._session is not None
    assert channel.http._session is None


async def test_a_long_message_is_answered_by_the_channel_without_rasa(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel
) -> None:
    """Issue 11: 9,000 characters kept the event loop busy for 6 s in alias matching."""
    server = await serve_channel()
    assert (await fake_botframework.post_activity(server.webhook_url, fake_botframework.message("あ" * 9000)))[0] == 202
    (reply,) = await fake_botframework.wait_for_messages(1)
    assert "長すぎる" in reply["text"] and "9,000文字" in reply["text"] and "2,000文字以内" in reply["text"]
    assert server.received == []  # never reached Rasa
    await assert_still_serving(fake_botframework, server)


async def test_a_turn_without_any_answer_gets_an_apology(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel
) -> None:
    async def silent_rasa(message: UserMessage) -> None:
        return None

    server = await serve_channel(silent_rasa)
    await fake_botframework.post_activity(server.webhook_url, fake_botframework.message("こんにちは"))
    (reply,) = await fake_botframework.wait_for_messages(1)
    assert "申し訳ありません" in reply["text"]


async def test_rejections_that_differ_only_in_what_the_caller_chose_are_limited_together(
    fake_botframework: FakeBotFramework, serve_channel: ServeChannel, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 11: one client wrote ~2,000 rejection lines per second; varying the tenant must not help."""
    server = await serve_channel()
    caplog.set_level(logging.WARNING)
    for n in range(30):
        tenant = f"{n:08d}-0000-4000-8000-00000000000{n % 10}'\""
        status, _ = await fake_botframework.post_activity(
            server.webhook_url, fake_botframework.message("x", tenant_id=tenant)
        )
        assert status == 403
    lines = [r for r in caplog.records if "rejected request" in r.getMessage()]
    assert len(lines) == 5
