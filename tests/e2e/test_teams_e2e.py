"""Teams end to end: signed activities into the real Rasa + action servers, replies at a fake connector.

The fake Bot Framework service (bot/devtools/fake_botframework.py) runs on its own event loop in
a background thread for the whole module, so the Rasa subprocess can fetch keys and tokens from
it while the tests wait for replies.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest

from bot.devtools.fake_botframework import USER_AAD_ID, FakeInThread
from bot.devtools.servers import ManabiServers

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def teams(tmp_path_factory) -> Iterator[tuple]:
    with (
        FakeInThread() as runner,
        ManabiServers(tmp_path_factory.mktemp("teams-e2e"), extra_env=runner.fake.environment()) as servers,
    ):
        yield runner, servers


def exchange(teams, activity: dict, replies: int = 1, timeout: float = 30) -> list:
    """POST a signed activity; wait for ``replies`` new messages at the connector; return them."""
    runner, servers = teams
    fake = runner.fake
    before = len(fake.sent("message"))
    status, _ = runner.call(fake.post_activity(f"{servers.rasa_url}/webhooks/teams/webhook", activity))
    assert status in (200, 202), status
    messages = runner.call(fake.wait_for_messages(before + replies, timeout=timeout))
    return messages[before:]


def rendered(message: dict) -> str:
    """Everything a user sees in a Teams message: its text and any Adaptive Card content."""
    return message.get("text", "") + json.dumps(message.get("attachments", []), ensure_ascii=False)


def test_personal_chat_question_is_answered_with_a_card(teams):
    runner, _ = teams
    (reply,) = exchange(teams, runner.fake.message("ITパスポートの補助はいくら？"))
    assert "3,750円" in rendered(reply) and "7,500円" in rendered(reply)
    cards = [a for a in reply.get("attachments", []) if a["contentType"] == "application/vnd.microsoft.card.adaptive"]
    assert cards, "the subsidy answer should be an Adaptive Card"
    typing = runner.fake.sent("typing")
    assert typing, "a typing indicator is sent before the answer"
    assert all(r.authorized for r in runner.fake.received if r.accepted)


def test_group_chat_mention_is_stripped(teams):
    runner, _ = teams
    (reply,) = exchange(teams, runner.fake.mention("RPA研修はいつ？"))
    assert "2026年12月16日（水）" in rendered(reply)


def test_adaptive_card_submit_reaches_rasa_as_the_payload(teams):
    runner, _ = teams
    (reply,) = exchange(teams, runner.fake.submit('/ask_study_tips{"exam":"g_kentei"}'))
    assert "G検定の勉強法" in rendered(reply) and "AI勉強会" in rendered(reply)


def test_install_sends_the_welcome(teams):
    runner, _ = teams
    (reply,) = exchange(teams, runner.fake.install())
    assert "まなびアシスタント" in rendered(reply)


def test_duplicate_activity_is_answered_once(teams):
    runner, servers = teams
    fake = runner.fake
    activity = fake.message("問い合わせ先は？")
    before = len(fake.sent("message"))
    for _ in range(2):
        status, _ = runner.call(fake.post_activity(f"{servers.rasa_url}/webhooks/teams/webhook", activity))
        assert status in (200, 202)
    runner.call(fake.wait_for_messages(before + 1, timeout=30))
    runner.call(asyncio.sleep(2))
    answers = fake.sent("message")[before:]
    assert len(answers) == 1 and "内線 2345" in rendered(answers[0])


def test_sender_is_the_stable_aad_object_id(teams):
    runner, servers = teams
    exchange(teams, runner.fake.message("こんにちは"))
    import sqlite3

    conn = sqlite3.connect(servers.env["MANABI_TRACKER_DB"])
    senders = {row[0] for row in conn.execute("SELECT DISTINCT sender_id FROM events")}
    assert USER_AAD_ID in senders


def test_unsigned_request_is_rejected_and_the_server_keeps_serving(teams):
    runner, servers = teams
    fake = runner.fake
    status, _ = runner.call(
        fake.post_activity(f"{servers.rasa_url}/webhooks/teams/webhook", fake.message("こんにちは"), token=None)
    )
    assert status == 401
    (reply,) = exchange(teams, fake.message("ありがとう"))
    assert "どういたしまして" in rendered(reply)


def test_reactions_and_the_feedback_loop_rate_the_answer(teams):
    import time

    from bot.state import db as state
    from bot.state import feedback

    runner, servers = teams
    fake = runner.fake
    question = fake.message("G検定の補助はいくら？")
    (reply,) = exchange(teams, question)
    assert reply.get("channelData", {}).get("feedbackLoopEnabled") is True
    # The fake connector answers each activity with id "reply-<its position>".
    position = next(i for i, r in enumerate(fake.received) if r.activity is reply)
    reply_id = f"reply-{position + 1}"
    conn = state.connect(servers.settings.state_db)
    webhook = f"{servers.rasa_url}/webhooks/teams/webhook"

    def ratings(expected: int) -> list:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            rows = feedback.list_feedback(conn)
            if len(rows) == expected and (not rows or rows[0]["updated_at"]):
                return rows
            time.sleep(0.2)
        raise AssertionError(f"expected {expected} ratings, found {feedback.list_feedback(conn)}")

    conversation = {"conversation_id": question["conversation"]["id"]}
    like = fake.activity("messageReaction", replyToId=reply_id, reactionsAdded=[{"type": "like"}], **conversation)
    status, _ = runner.call(fake.post_activity(webhook, like))
    assert status == 200
    (row,) = ratings(1)
    assert (row["rating"], row["question"], row["channel"]) == ("up", "G検定の補助はいくら？", "teams")
    assert row["intent"] == "ask_subsidy_amount" and row["action"]

    value = {
        "actionName": "feedback",
        "actionValue": {"reaction": "dislike", "feedback": '{"feedbackText": "金額が違う"}'},
    }
    invoke = fake.activity("invoke", name="message/submitAction", replyToId=reply_id, value=value, **conversation)
    status, body = runner.call(fake.post_activity(webhook, invoke))
    assert status == 200
    deadline = time.monotonic() + 20
    while feedback.list_feedback(conn)[0]["rating"] != "down" and time.monotonic() < deadline:
        time.sleep(0.2)
    (row,) = feedback.list_feedback(conn)  # replaced, not counted twice
    assert (row["rating"], row["comment"]) == ("down", "金額が違う")
