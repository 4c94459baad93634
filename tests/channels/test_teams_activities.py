"""Parsing inbound Teams activities."""

from __future__ import annotations

import json

import pytest

from bot.channels.teams.activities import (
    ActivityError,
    parse_activity,
    parse_body,
    payload_from_value,
    strip_mentions,
    tenant_of,
)
from bot.devtools.fake_botframework import BOT_ID, BOT_NAME, USER_AAD_ID, USER_NAME, FakeBotFramework

FAKE = FakeBotFramework()  # only its activity builders are used here (no server)


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]", b'"text"', b""])
def test_body_must_be_a_json_object(body: bytes) -> None:
    with pytest.raises(ActivityError):
        parse_body(body)


@pytest.mark.parametrize("path", [("type",), ("id",), ("serviceUrl",), ("channelId",), ("conversation", "id")])
def test_required_fields(path: tuple[str, ...]) -> None:
    activity = FAKE.message("こんにちは")
    target = activity
    for key in path[:-1]:
        target = target[key]
    target.pop(path[-1])
    with pytest.raises(ActivityError, match="missing field '" + ".".join(path)):
        parse_activity(activity)


def test_personal_message_and_metadata() -> None:
    raw = FAKE.message("  RPA研修はいつ？ ")
    activity = parse_activity(raw)
    assert activity.text == "RPA研修はいつ？"
    assert activity.sender_id == USER_AAD_ID  # stable person id, not the per-bot 29:… id
    assert activity.is_personal and not activity.is_welcome
    assert activity.metadata() == {
        "channel": "teams",
        "teams": {
            "user_name": USER_NAME,
            "aad_object_id": USER_AAD_ID,
            "tenant_id": FAKE.tenant_id,
            "conversation_type": "personal",
            "conversation_id": raw["conversation"]["id"],
        },
    }
    assert activity.bot_account == {"id": BOT_ID, "name": BOT_NAME}


def test_sender_never_falls_back_to_the_channel_account_id() -> None:
    """Issue 11: from.id is not a person's identity; without aadObjectId there is no sender (the
    channel refuses such an activity with 403)."""
    raw = FAKE.message("hi")
    raw["from"].pop("aadObjectId")
    activity = parse_activity(raw)
    assert activity.sender_id == "" and activity.aad_object_id is None


def test_group_chat_mention_is_stripped() -> None:
    activity = parse_activity(FAKE.mention("来月の研修は？"))
    assert activity.text == "来月の研修は？"
    assert activity.conversation_type == "groupChat"


def test_mentions() -> None:
    bot_mention = {"type": "mention", "text": "<at>Manabi</at>", "mentioned": {"id": BOT_ID, "name": "Manabi"}}
    other = {"type": "mention", "text": "<at>佐藤</at>", "mentioned": {"id": "29:sato"}}
    assert strip_mentions("<at>Manabi</at> 申込状況を教えて", [bot_mention], BOT_ID) == "申込状況を教えて"
    assert strip_mentions("<at>Manabi</at> <at>佐藤</at>さんも", [bot_mention, other], BOT_ID) == "佐藤さんも"
    # no entity (seen in some clients): fall back to the bot's display name
    assert strip_mentions("<at>Manabi</at>&nbsp;ありがとう", None, BOT_ID, "Manabi") == "ありがとう"
    assert strip_mentions("plain text", [], BOT_ID) == "plain text"


def test_adaptive_card_submit_becomes_the_payload() -> None:
    payload = '/ask_study_tips{"exam":"itpass"}'
    activity = parse_activity(FAKE.submit(payload))
    assert activity.text == payload


@pytest.mark.parametrize(
    "value, expected",
    [
        ({"manabi_payload": "/affirm"}, "/affirm"),
        (json.dumps({"manabi_payload": "/deny"}), "/deny"),  # messageBack value as a JSON string
        ({"msteams": {"type": "messageBack", "value": {"manabi_payload": "/help"}}}, "/help"),
        ({"manabi_payload": "  "}, None),
        ({"manabi_payload": 3}, None),
        ({"manabi_payload": "/x" * 2000}, None),
        ({"something": "else"}, None),
        ("not json", None),
        (None, None),
    ],
)
def test_payload_from_value(value: object, expected: object) -> None:
    assert payload_from_value(value) == expected


def test_submit_without_our_payload_has_nothing_to_answer() -> None:
    activity = parse_activity(FAKE.activity("message", text="", value={"foo": 1}))
    assert activity.text == "" and not activity.is_welcome


def test_install_and_bot_added_are_welcomes() -> None:
    assert parse_activity(FAKE.install()).is_welcome
    assert parse_activity(FAKE.bot_added("channel")).is_welcome
    assert not parse_activity(FAKE.activity("installationUpdate", action="remove")).is_welcome
    someone_else = FAKE.activity("conversationUpdate", "channel", membersAdded=[{"id": "29:new-member"}])
    assert not parse_activity(someone_else).is_welcome
    assert not parse_activity(FAKE.activity("messageReaction")).is_welcome


def test_tenant_sources() -> None:
    assert tenant_of({"channelData": {"tenant": {"id": "t1"}}, "conversation": {"tenantId": "t2"}}) == "t1"
    assert tenant_of({"conversation": {"tenantId": "t2"}}) == "t2"
    assert tenant_of({}) is None
