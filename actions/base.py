"""Base class for Manabi actions: a failure becomes a polite apology, never a stack trace.

An answering action also records what it answered as (slot ``answered_as``) and, when the message
only names something for the previous answer (「G検は？」 after study tips), lets that answer's action
reply instead (:mod:`actions.follow_ups`).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import ANSWERED_AS, office_contact
from actions.follow_ups import continued_answer
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
    records_answer = True  # False for a form's questions and the fallback: they answer nothing
    by_name: dict[str, type[ManabiAction]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.action_name:
            ManabiAction.by_name[cls.action_name] = cls

    def name(self) -> str:
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        try:
            if not self.records_answer:
                return await self.answer(dispatcher, tracker, domain) or []
            continued = continued_answer(tracker, self.action_name)
            if continued:
                return await delegate(ManabiAction.by_name[continued](), dispatcher, tracker, domain)
            return recorded(self.action_name, await self.answer(dispatcher, tracker, domain) or [])
        except Exception:
            logger.exception("action %s failed for sender %s", self.name(), tracker.sender_id)
            dispatcher.utter_message(text=apology())
            return []

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        raise NotImplementedError


async def delegate(
    action: ManabiAction, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
) -> Events:
    """Let ``action`` answer this message; the answer is remembered as ``action``'s."""
    return recorded(action.action_name, await action.answer(dispatcher, tracker, domain) or [])


def recorded(action_name: str, events: Events) -> Events:
    """``events`` plus the record of what was answered (unless an inner delegation made one)."""
    if any(e.get("event") == "slot" and e.get("name") == ANSWERED_AS for e in events):
        return events
    return events + [SlotSet(ANSWERED_AS, action_name)]
