"""Rendering bot messages as Teams activities (markdown, Adaptive Cards, suggested actions)."""

from __future__ import annotations

import json

from bot.channels.teams.activities import payload_from_value
from bot.channels.teams.cards import CARD_CONTENT_TYPE, render_message, to_teams_markdown

CARD = {
    "title": "ITパスポート試験の受験料補助",
    "subtitle": "令和8年度",
    "facts": [["受験料", "7,500円"], ["補助額", "3,750円"]],
    "sections": [{"heading": "必要書類", "items": ["受験票の写し", "合格証書の写し"]}],
    "note": "申請期限は合格日から3か月以内です。",
    "buttons": [{"title": "勉強法を見る", "payload": '/ask_study_tips{"exam":"itpass"}'}],
}


def card_content(activity: dict) -> dict:
    (attachment,) = activity["attachments"]
    assert attachment["contentType"] == CARD_CONTENT_TYPE
    content = attachment["content"]
    assert content["type"] == "AdaptiveCard" and content["version"] == "1.5"
    return content


def texts(content: dict) -> list[str]:
    return [block["text"] for block in content["body"] if block["type"] == "TextBlock"]


def test_markdown_paragraphs_and_lists() -> None:
    text = "**RPA研修**の日程です。\n- 1月15日\n- 2月12日\n会場は本庁舎です。"
    assert to_teams_markdown(text) == "**RPA研修**の日程です。\n\n- 1月15日\n- 2月12日\n\n会場は本庁舎です。"


def test_plain_text_message() -> None:
    (rendered,) = render_message({"text": "こんにちは！\n何をお調べしますか？"})
    assert rendered.activity == {
        "type": "message",
        "text": "こんにちは！\n\n何をお調べしますか？",
        "textFormat": "markdown",
    }


def test_buttons_become_action_submit_with_our_payload() -> None:
    buttons = [{"title": "はい", "payload": "/affirm"}, {"title": "いいえ", "payload": "/deny"}]
    (rendered,) = render_message({"text": "登録しますか？", "buttons": buttons})
    content = card_content(rendered.activity)
    assert texts(content) == ["登録しますか？"]
    actions = content["actions"]
    assert [a["type"] for a in actions] == ["Action.Submit", "Action.Submit"]
    assert [a["title"] for a in actions] == ["はい", "いいえ"]
    assert actions[0]["data"]["manabi_payload"] == "/affirm"
    assert actions[0]["data"]["msteams"]["displayText"] == "はい"
    # whatever Teams echoes back (the data or the messageBack value), it parses to the payload
    assert payload_from_value(actions[0]["data"]) == "/affirm"
    assert payload_from_value(actions[0]["data"]["msteams"]["value"]) == "/affirm"
    assert rendered.suggestions == {}


def test_many_buttons_go_into_action_sets() -> None:
    buttons = [{"title": f"研修{i}", "payload": f'/choose{{"n":{i}}}'} for i in range(9)]
    (rendered,) = render_message({"text": "どれですか？", "buttons": buttons})
    content = card_content(rendered.activity)
    assert "actions" not in content
    sets = [b for b in content["body"] if b["type"] == "ActionSet"]
    assert sum(len(s["actions"]) for s in sets) == 9


def test_invalid_and_duplicate_buttons_are_dropped() -> None:
    buttons = [
        {"title": "はい", "payload": "/affirm"},
        {"title": "はい!", "payload": "/affirm"},
        {"title": "", "payload": "/x"},
        {"payload": "/y"},
        "junk",
    ]
    (rendered,) = render_message({"text": "?", "buttons": buttons})
    assert [a["title"] for a in card_content(rendered.activity)["actions"]] == ["はい"]


def test_suggested_actions_in_personal_chat() -> None:
    buttons = [{"title": "はい", "payload": "/affirm"}, {"title": "いいえ", "payload": "/deny"}]
    (rendered,) = render_message({"text": "登録しますか？", "buttons": buttons}, suggested_actions=True)
    assert rendered.activity["text"] == "登録しますか？"
    assert rendered.activity["suggestedActions"]["actions"] == [
        {"type": "imBack", "title": "はい", "value": "はい"},
        {"type": "imBack", "title": "いいえ", "value": "いいえ"},
    ]
    assert rendered.suggestions == {"はい": "/affirm", "いいえ": "/deny"}
    four = buttons + [{"title": "a", "payload": "/a"}, {"title": "b", "payload": "/b"}]
    (rendered,) = render_message({"text": "?", "buttons": four}, suggested_actions=True)
    assert "attachments" in rendered.activity  # Teams shows only three suggestions: use a card


def test_catalogue_card_is_a_readable_adaptive_card() -> None:
    (rendered,) = render_message(
        {
            "text": "ITパスポートの補助は3,750円です。",
            "custom": {"card": CARD},
            "buttons": [{"title": "申請方法", "payload": "/ask_subsidy_procedure"}],
        }
    )
    content = card_content(rendered.activity)
    assert texts(content) == [
        CARD["title"],
        CARD["subtitle"],
        "必要書類",
        "- 受験票の写し\r- 合格証書の写し",
        CARD["note"],
    ]
    assert content["body"][0]["weight"] == "Bolder"
    (fact_set,) = [b for b in content["body"] if b["type"] == "FactSet"]
    assert fact_set["facts"] == [{"title": "受験料", "value": "7,500円"}, {"title": "補助額", "value": "3,750円"}]
    assert [a["data"]["manabi_payload"] for a in content["actions"]] == [
        '/ask_study_tips{"exam":"itpass"}',
        "/ask_subsidy_procedure",
    ]
    assert content["fallbackText"] == "ITパスポートの補助は3,750円です。"
    assert rendered.activity["summary"] == "ITパスポートの補助は3,750円です。"


def test_unusable_card_falls_back_to_text_and_buttons() -> None:
    for card in ({}, {"facts": "oops"}, "a string", {"sections": [1, 2]}):
        (rendered,) = render_message(
            {"text": "本文", "custom": {"card": card}, "buttons": [{"title": "はい", "payload": "/affirm"}]}
        )
        content = card_content(rendered.activity)
        assert texts(content) == ["本文"] and content["actions"][0]["title"] == "はい"


def test_oversized_card_falls_back_to_text() -> None:
    big = {"title": "大きい", "sections": [{"heading": "h", "items": ["あ" * 200] * 100}]}
    (rendered,) = render_message({"text": "要約です。", "custom": {"card": big}})
    assert rendered.activity["text"] == "要約です。"


def test_custom_payload_without_card_is_not_dumped_as_json() -> None:
    assert render_message({"custom": {"something": 1}}) == []
    (rendered,) = render_message({"text": "本文", "custom": {"something": 1}})
    assert rendered.activity["text"] == "本文"


def test_image_attachment_and_elements() -> None:
    rendered = render_message(
        {
            "image": "https://example.org/a.png",
            "attachment": "資料.pdf",
            "elements": [{"title": "研修A", "subtitle": "1月"}],
        }
    )
    assert card_content(rendered[0].activity)["body"][0] == {
        "type": "Image",
        "url": "https://example.org/a.png",
        "size": "Stretch",
    }
    assert [r.activity.get("text") for r in rendered[1:]] == ["資料.pdf", "研修A : 1月"]


def test_rendered_activities_are_json() -> None:
    for rendered in render_message({"text": "x", "custom": {"card": CARD}}):
        json.dumps(rendered.activity)
