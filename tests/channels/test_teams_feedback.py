"""Feedback from Teams: reactions and the feedback loop's invoke, read from activities."""

from __future__ import annotations

import json

import pytest

from bot.channels.teams.feedback import TeamsFeedback, feedback_of


def reaction(added=(), removed=(), reply_to="reply-7"):
    return {
        "type": "messageReaction",
        "replyToId": reply_to,
        "reactionsAdded": [{"type": t} for t in added],
        "reactionsRemoved": [{"type": t} for t in removed],
    }


@pytest.mark.parametrize(
    ("added", "rating"), [(["like"], "up"), (["heart"], "up"), (["sad"], "down"), (["angry"], "down")]
)
def test_reactions_are_ratings(added, rating):
    assert feedback_of(reaction(added)) == TeamsFeedback("reply-7", rating)


def test_taking_a_reaction_back_removes_its_rating():
    assert feedback_of(reaction(removed=["like"])) == TeamsFeedback("reply-7", None, removed="up")


def test_other_reactions_and_missing_targets_are_not_feedback():
    assert feedback_of(reaction(["laugh"])) is None
    assert feedback_of(reaction(["like"], reply_to="")) is None
    assert feedback_of({"type": "message", "text": "hi", "replyToId": "x"}) is None


def test_the_feedback_loop_invoke_with_a_comment():
    activity = {
        "type": "invoke",
        "name": "message/submitAction",
        "replyToId": "reply-9",
        "value": {
            "actionName": "feedback",
            "actionValue": {"reaction": "dislike", "feedback": json.dumps({"feedbackText": " 日付が違う "})},
        },
    }
    assert feedback_of(activity) == TeamsFeedback("reply-9", "down", comment="日付が違う", is_invoke=True)
    activity["value"]["actionValue"] = {"reaction": "like", "feedback": "{}"}
    assert feedback_of(activity) == TeamsFeedback("reply-9", "up", is_invoke=True)
    activity["value"]["actionName"] = "other"
    assert feedback_of(activity) is None
