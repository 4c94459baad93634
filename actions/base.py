"""Base class for Manabi actions: a failure becomes a polite apology, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import office_contact
from bot.replies.base import contact_line

logger = logging.getLogger(__name__)
Events = list[dict[str, Any]]


def apology() -> str:
    return (
        "申し訳ありません、ただいまお答えを準備できませんでした。時間をおいてもう一度お試しいただくか、"
        f"{contact_line(office_contact())}へお問い合わせください。"
    )


class ManabiAction(Action):
    """Subclasses implement :meth:`answer`; :meth:`run` guards it."""

    action_name = ""

    def name(self) -> str:
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        try:
            return await self.answer(dispatcher, tracker, domain) or []
        except Exception:
            logger.exception("action %s failed for sender %s", self.name(), tracker.sender_id)
            dispatcher.utter_message(text=apology())
            return self.after_failure()

    def after_failure(self) -> Events:
        """The events that follow the apology when :meth:`answer` fails (none here)."""
        return []

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        raise NotImplementedError
