"""What the channels do for messages Manabi sends first: Teams keeps each sender's conversation
reference (and marks it dead when the app is removed); the web chat shows waiting messages once."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.channels.web.channel import WebInput
from bot.channels.web.config import WebSettings
from bot.clock import JST
from bot.devtools.fake_botframework import BOT_ID, USER_AAD_ID, FakeBotFramework
from bot.state import conversation_refs, outbox
from bot.state import db as state


@pytest.mark.asyncio
async def test_every_accepted_activity_keeps_the_reference_and_an_uninstall_kills_it(
    fake_botframework: FakeBotFramework, serve_channel, state_db
):
    server = await serve_channel()
    personal = fake_botframework.message("こんにちは")
    status, _ = await fake_botframework.post_activity(server.webhook_url, personal)
    assert status == 202
    await server.channel.wait_idle()
    conn = state.connect(state_db)
    ref = conversation_refs.get(conn, USER_AAD_ID)
    assert ref is not None
    assert (ref.service_url, ref.tenant_id, ref.user_id, ref.bot_id) == (
        fake_botframework.service_url,
        fake_botframework.tenant_id,
        "29:user-1",
        BOT_ID,
    )
    assert ref.conversation_id == personal["conversation"]["id"]

    # A group chat says where the person is, but is not their personal conversation.
    await fake_botframework.post_activity(server.webhook_url, fake_botframework.mention("RPA研修はいつ？"))
    await server.channel.wait_idle()
    assert conversation_refs.get(conn, USER_AAD_ID).conversation_id == personal["conversation"]["id"]

    removed = fake_botframework.activity("installationUpdate", action="remove")
    status, _ = await fake_botframework.post_activity(server.webhook_url, removed)
    assert status == 200
    assert conversation_refs.get(conn, USER_AAD_ID).is_dead
    assert conversation_refs.get(conn, USER_AAD_ID).dead_reason == "the app was removed"

    # Writing again (reinstalled) revives it.
    await fake_botframework.post_activity(server.webhook_url, fake_botframework.message("ありがとう"))
    await server.channel.wait_idle()
    assert not conversation_refs.get(conn, USER_AAD_ID).is_dead


def test_the_web_chat_shows_what_waited_once_and_withdraws_what_has_nothing_to_say(state_db, catalogue_db, monkeypatch):
    monkeypatch.setenv("MANABI_CATALOGUE_DB", str(catalogue_db))
    monkeypatch.setenv("MANABI_TODAY", "2026-11-24")
    conn = state.connect(state_db)
    sender = "web:abcdefghijklmnopqrst"
    now = dt.datetime(2026, 11, 24, 10, tzinfo=JST)
    with state.transaction(conn):
        outbox.enqueue(
            conn,
            kind="announcement",
            person_id=sender,
            payload={"cohort_id": "leader-7", "text": "説明会は12月10日です。"},
            dedupe_key="announcement:1",
            now=now,
        )
        outbox.enqueue(  # a promotion of a registration that no longer exists
            conn,
            kind="promotion",
            person_id=sender,
            payload={"cohort_id": "leader-7", "registration_id": 99},
            dedupe_key="promotion:99:1",
            now=now,
        )
    chat = WebInput(WebSettings(secret=b"s" * 40), state_db=state_db, office=False)
    shown = chat._notices(sender)
    assert len(shown) == 1
    notice = shown[0]
    assert notice["notice"] and notice["sent_first"] and notice["id"] is None  # not an answer: no rating
    assert notice["card"]["title"].endswith("のお知らせ") and "説明会は12月10日です。" in str(notice["card"])
    assert chat._notices(sender) == []  # once
    assert [m.status for m in outbox.messages(conn)] == ["sent", "withdrawn"]
