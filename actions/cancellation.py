"""「申込を取り消したい」: choose which registration (if several), confirm, cancel, promote the waitlist.

    cancel_registration → action_cancellation_start → cancel_registration_form
        (reg_cancel_target: asked only when the person has several active registrations,
         reg_cancel_confirm: はい / いいえ) → action_cancellation_submit

Cancelling and promoting the first of the waitlist happen in one transaction
(:func:`bot.registrations.store.cancel`).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions.base import ManabiAction
from actions.context import latest_text, mentioned, message_entities, send, state_db
from actions.registration_support import (
    CANCELLATION_DIGRESSIONS,
    CANCELLATION_LEAVE,
    HALT,
    DeclaredFormValidation,
    DomainDict,
    Events,
    FormStepAction,
    Slots,
    person_id,
    registrations_of,
    reset,
)
from bot.registrations import store
from bot.registrations.forms import CANCELLATION
from bot.registrations.model import Registration
from bot.replies import registration as replies
from bot.replies.registration import CohortView

Active = list[tuple[CohortView, Registration]]


def target_in_message(tracker: Tracker, active: Active) -> str | None:
    """The active registration the message points at (a cohort button, or a course with exactly one)."""
    ids = [r.cohort_id for _, r in active]
    explicit = [c for c in message_entities(tracker, "cohort") if c in ids]
    if explicit:
        return explicit[0]
    course_id = mentioned(tracker, "course")
    of_course = [r.cohort_id for v, r in active if v[0].id == course_id] if course_id else []
    return of_course[0] if len(of_course) == 1 else None


def chosen(tracker: Tracker) -> tuple[CohortView, Registration] | None:
    target = tracker.get_slot("reg_cancel_target")
    return next(((v, r) for v, r in registrations_of(tracker, active_only=True) if r.cohort_id == target), None)


class ActionCancellationStart(FormStepAction):
    action_name = "action_cancellation_start"
    failure_halts = True

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        events = reset((*CANCELLATION.slots, HALT)) + [SlotSet(REQUESTED_SLOT, None)]
        active = registrations_of(tracker, active_only=True)
        if not active:
            send(dispatcher, replies.nothing_to_cancel())
            return events + [SlotSet(HALT, "nothing_to_cancel")]
        target = target_in_message(tracker, active) or (active[0][1].cohort_id if len(active) == 1 else None)
        return events + ([SlotSet("reg_cancel_target", target)] if target else [])


class ValidateCancelRegistrationForm(DeclaredFormValidation):
    form = CANCELLATION

    digressions = CANCELLATION_DIGRESSIONS
    leave = CANCELLATION_LEAVE

    async def extract_reg_cancel_target(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not self.answering(tracker, "reg_cancel_target", free_text=False):
            return {}
        active = registrations_of(tracker, active_only=True)
        return {"reg_cancel_target": target_in_message(tracker, active) or latest_text(tracker)}

    async def validate_reg_cancel_target(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if any(r.cohort_id == value for _, r in registrations_of(tracker, active_only=True)):
            return {"reg_cancel_target": value}
        send(dispatcher, replies.invalid(replies.not_a_cancel_target()))
        return {"reg_cancel_target": None}


class ActionAskRegCancelTarget(ManabiAction):
    action_name = "action_ask_reg_cancel_target"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        send(dispatcher, replies.ask_cancel_target(registrations_of(tracker, active_only=True)))
        return []


class ActionAskRegCancelConfirm(ManabiAction):
    action_name = "action_ask_reg_cancel_confirm"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        found = chosen(tracker)
        if found is None:  # cancelled meanwhile (another device): nothing left to confirm
            send(dispatcher, replies.nothing_to_cancel())
            return [SlotSet(HALT, "nothing_to_cancel"), SlotSet(REQUESTED_SLOT, None)]
        send(dispatcher, replies.confirm_cancel(*found))
        return []


class ActionCancellationSubmit(FormStepAction):
    """はい: cancel (the waitlist moves up in the same transaction); いいえ: keep it."""

    action_name = "action_cancellation_submit"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        if tracker.get_slot(HALT):
            return reset()
        if tracker.get_slot("reg_cancel_confirm") != "yes":
            send(dispatcher, replies.cancel_kept())
            return reset()
        found = chosen(tracker)
        if found is None:
            send(dispatcher, replies.nothing_to_cancel())
            return reset()
        (course, cohort), registration = found
        result = store.cancel(state_db(), person_id(tracker), registration.cohort_id, cohort.seats)
        send(
            dispatcher,
            replies.cancelled((course, cohort)) if result.cancelled else replies.already_cancelled((course, cohort)),
        )
        return reset()
