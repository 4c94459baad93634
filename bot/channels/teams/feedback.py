"""Feedback on our messages in Teams: reactions and Teams' own feedback buttons.

* ``messageReaction``: 👍 (like) or ❤️ (heart) on an answer is 👍; 😢 (sad) or 😠 (angry) is 👎; taking the
  reaction back removes that rating. Other reactions are not feedback.
* ``invoke`` named ``message/submitAction`` with ``actionName: "feedback"``: Teams' feedback loop,
  shown on bot messages sent with ``channelData.feedbackLoopEnabled``; ``actionValue.reaction`` is
  ``like``/``dislike`` and ``actionValue.feedback`` a JSON string whose ``feedbackText`` is the comment.

Both name the answer by ``replyToId``: the activity id the connector gave our message when we sent
it, which the channel stores with the answer's id (bot/state/feedback.py, ``answer_refs``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

UP, DOWN = "up", "down"
REACTIONS = {"like": UP, "heart": UP, "sad": DOWN, "angry": DOWN}
FEEDBACK_INVOKE = "message/submitAction"
MAX_COMMENT_CHARS = 500


@dataclass(frozen=True)
class TeamsFeedback:
    """A rating (or its removal: ``rating`` None with ``removed``) of the message ``reply_to_id``."""

    reply_to_id: str
    rating: str | None
    removed: str | None = None  # the rating taken back with a reaction
    comment: str | None = None
    is_invoke: bool = False


def _reaction_types(raw: Any) -> list[str]:
    return [str(r.get("type")) for r in raw if isinstance(r, Mapping)] if isinstance(raw, list) else []


def _comment(raw: Any) -> str | None:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return raw.strip()[:MAX_COMMENT_CHARS] or None
    text = raw.get("feedbackText") if isinstance(raw, Mapping) else None
    return text.strip()[:MAX_COMMENT_CHARS] or None if isinstance(text, str) else None


def feedback_of(data: Mapping[str, Any]) -> TeamsFeedback | None:
    """The feedback an activity carries, else None."""
    reply_to = data.get("replyToId")
    if not isinstance(reply_to, str) or not reply_to.strip():
        return None
    kind = data.get("type")
    if kind == "messageReaction":
        added = [REACTIONS[t] for t in _reaction_types(data.get("reactionsAdded")) if t in REACTIONS]
        removed = [REACTIONS[t] for t in _reaction_types(data.get("reactionsRemoved")) if t in REACTIONS]
        if added:
            return TeamsFeedback(reply_to, added[-1])
        if removed:
            return TeamsFeedback(reply_to, None, removed=removed[-1])
        return None
    if kind == "invoke" and data.get("name") == FEEDBACK_INVOKE:
        value = data.get("value")
        action = value.get("actionValue") if isinstance(value, Mapping) else None
        if not isinstance(value, Mapping) or value.get("actionName") != "feedback" or not isinstance(action, Mapping):
            return None
        rating = {"like": UP, "dislike": DOWN}.get(str(action.get("reaction")))
        if rating is None:
            return None
        comment = _comment(action.get("feedback")) if rating == DOWN else None
        return TeamsFeedback(reply_to, rating, comment=comment, is_invoke=True)
    return None
