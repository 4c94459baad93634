"""What the registration and cancellation actions share: the person, cohorts, telling an answer from a
digression, and the validation of a declared form (:class:`DeclaredFormValidation`, over
bot/registrations/forms.py).

A form's free-text question (name, 所属, 志望動機 …) must not swallow 「やめる」 or a real question.
:func:`is_answer` decides: a message is an answer unless it leaves (stop / goodbye / cancel), looks
like a question (「…は？」「…ですか」), or is confidently one of the form's *digression intents* —
the intents that data/rules/registration.yml answers in the middle of the form before resuming it
(tests check the two lists agree). A digression makes the form reject the turn, so the rule runs.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable
from functools import partial
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction

from actions.base import ManabiAction, apology
from actions.context import catalogue, latest_intent, latest_text, mentioned, message_entities, send, state_db, today
from bot.registrations import cohorts, fields, store
from bot.registrations.fields import looks_like_question, read_confirmation
from bot.registrations.forms import ALL_SLOTS, HALT, YES_NO, Field, Form
from bot.registrations.model import Registration
from bot.replies import registration as replies
from bot.replies.registration import CohortView
from bot.text.normalize import normalize

logger = logging.getLogger(__name__)

Slots = dict[str, Any]
Events = list[dict[str, Any]]
DomainDict = dict[str, Any]

ANSWER_INTENTS = frozenset({"inform", "affirm", "deny", "nlu_fallback"})
# Intents answered mid-form by a rule before the form resumes, and intents that leave the form
# (see data/rules/registration.yml; tests check that the rules and these sets agree).
REGISTRATION_DIGRESSIONS = frozenset(
    {
        "list_courses",
        "ask_schedule",
        "ask_course_details",
        "ask_subsidy_amount",
        "check_subsidy_eligibility",
        "ask_subsidy_procedure",
        "ask_study_tips",
        "ask_contact",
        "help",
        "bot_identity",
        "greet",
        "thank",
        "ask_my_registrations",
        "register_interest",
        "out_of_scope",
    }
)
REGISTRATION_LEAVE = frozenset({"stop", "goodbye", "cancel_registration"})
CANCELLATION_DIGRESSIONS = frozenset(
    {
        "cancel_registration",
        "register_interest",
        "ask_my_registrations",
        "help",
        "ask_contact",
        "ask_schedule",
        "ask_course_details",
        "greet",
        "thank",
        "out_of_scope",
    }
)
CANCELLATION_LEAVE = frozenset({"stop", "goodbye"})
DIGRESSION_CONFIDENCE = 0.8


def is_answer(tracker: Tracker, digressions: frozenset[str], leave: frozenset[str], free_text: bool = False) -> bool:
    """Is the latest message an attempt to answer the form's question (see the module docstring)?

    For free-text questions a digression intent predicted with less than DIGRESSION_CONFIDENCE
    still counts as an answer (a 志望動機 easily resembles 「研修に参加したい」), and so does
    「…に応募したい」.
    """
    text = latest_text(tracker)
    intent = latest_intent(tracker)
    name, confidence = intent.get("name"), intent.get("confidence") or 0.0
    if text.startswith("/"):  # a button: only answer buttons answer
        return name in ANSWER_INTENTS
    if name in leave or looks_like_question(text):
        return False
    if name is None or name in ANSWER_INTENTS:
        return True
    if free_text and (name == "register_interest" or confidence < DIGRESSION_CONFIDENCE):
        return True
    return name not in digressions


def is_statement(tracker: Tracker, leave: frozenset[str], min_chars: int) -> bool:
    """A typed sentence of at least ``min_chars`` that is not a question and does not ask to leave."""
    text = latest_text(tracker).strip()
    return (
        not text.startswith("/")
        and len(text) >= min_chars
        and not looks_like_question(text)
        and latest_intent(tracker).get("name") not in leave
    )


def confirmation(tracker: Tracker) -> str | None:
    """'yes' / 'no' from はい/いいえ (intent, button or plain words); else the raw text for the
    validator to explain what is expected."""
    name = latest_intent(tracker).get("name")
    if name == "affirm":
        return "yes"
    if name == "deny":
        return "no"
    text = latest_text(tracker)
    return read_confirmation(text) or (text if not text.startswith("/") else None)


def reset(slots: Iterable[str] = ALL_SLOTS) -> Events:
    return [SlotSet(slot, None) for slot in slots]


def person_id(tracker: Tracker) -> str:
    return str(tracker.sender_id)


def teams_user_name(tracker: Tracker) -> str | None:
    """The display name the Teams channel attached to the message, if any."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    teams = metadata.get("teams") or {}
    name = teams.get("user_name")
    return name.strip() if isinstance(name, str) and name.strip() else None


# --- cohorts --------------------------------------------------------------------------------
def view(cohort_id: str) -> CohortView | None:
    """(course, cohort with its effective deadline) for a catalogue cohort id."""
    status = cohort_status(cohort_id)
    if status is None:
        return None
    course = catalogue().course(status.cohort.course_id)
    return (course, status.effective_cohort) if course else None


def cohort_status(cohort_id: str) -> cohorts.CohortStatus | None:
    return cohorts.status_of(catalogue(), state_db(), cohort_id, today())


def open_views(course_id: str | None = None) -> list[CohortView]:
    """Open cohorts (of one course, or all), newest first."""
    cat = catalogue()
    found = cohorts.open_cohorts(cat, cohorts.overrides(state_db()), today(), course_id)
    views = [(cat.course(s.cohort.course_id), s.effective_cohort) for s in found]
    return [(course, cohort) for course, cohort in views if course]


def cohort_in_message(tracker: Tracker) -> str | None:
    """A cohort the message names: a cohort button, a cohort's name (「第6期」, also a closed one,
    so that the form can say it is closed), a course (its open cohort, else its newest), or an open
    cohort's name."""
    explicit = message_entities(tracker, "cohort")
    if explicit and catalogue().cohort(explicit[0]):
        return explicit[0]
    course_id = mentioned(tracker, "course")
    text = normalize(latest_text(tracker))  # 「第６期」 too
    by_name = [k for k in catalogue().cohorts(course_id) if k.name and k.name in text]
    if len(by_name) == 1:
        return by_name[0].id
    if course_id:
        opened = open_views(course_id)
        if opened:
            return opened[0][1].id
        newest = catalogue().cohorts(course_id)
        return newest[0].id if newest else None
    named = [v for v in open_views() if v[1].name and v[1].name in text]
    return named[0][1].id if len(named) == 1 else None


# --- a person's registrations ---------------------------------------------------------------
def registrations_of(tracker: Tracker, active_only: bool = False) -> list[tuple[CohortView, Registration]]:
    """The person's registrations with their cohorts (cohorts gone from the catalogue are skipped)."""
    found = []
    for registration in store.for_person(state_db(), person_id(tracker), active_only=active_only):
        cohort_view = view(registration.cohort_id)
        if cohort_view:
            found.append((cohort_view, registration))
    return found


# --- base classes -----------------------------------------------------------------------------
class FormStepAction(ManabiAction):
    """An action around a form: if it fails, the person gets the apology and the form's slots are
    cleared (and ``failure_halts``: the form that follows ends at once), so no half state remains."""

    failure_halts = False

    def after_failure(self) -> Events:
        return reset() + ([SlotSet(HALT, "error")] if self.failure_halts else [])


class GuardedFormValidation(FormValidationAction, ABC):
    """A form validation whose unexpected failure becomes an apology and a cleanly ended form."""

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        try:
            events: Events = await super().run(dispatcher, tracker, domain)
            return events
        except Exception:
            logger.exception("%s failed for sender %s", self.name(), tracker.sender_id)
            dispatcher.utter_message(text=apology())
            return [SlotSet(HALT, "error"), SlotSet(REQUESTED_SLOT, None)]

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any] | None:
        """Always name the next question (None: the form is complete or halted), rather than
        leaving it to Rasa when the list happens to equal the domain's."""
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        event: dict[str, Any] = SlotSet(
            REQUESTED_SLOT, next((s for s in required if tracker.slots.get(s) is None), None)
        )
        return event

    @staticmethod
    def asked(tracker: Tracker, slot: str) -> bool:
        return bool(tracker.get_slot(REQUESTED_SLOT) == slot)

    @staticmethod
    def checked(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, result: fields.Checked) -> Slots:
        """The slot's value, or None after telling the person what is expected (nothing is said
        once the form is ending anyway)."""
        if result.ok or tracker.get_slot(HALT):
            return {slot: result.value}
        send(dispatcher, replies.invalid(result.problem or ""))
        return {slot: None}


class DeclaredFormValidation(GuardedFormValidation):
    """The validation of a form declared in bot/registrations/forms.py.

    The questions still to ask are the declared fields whose condition holds (none once the form is
    halted). rasa_sdk checks an answer with the method ``validate_<slot>``: a subclass writes one for
    a field that needs more than its checker (the catalogue, the state DB); for every other declared
    field it is the field's checker, found here by name. Likewise rasa_sdk reads an answer with
    ``extract_<slot>``: for a field without an extractor of its own, when the message answers that
    field's question, a はい / いいえ field takes the confirmation and any other the message as typed.
    """

    digressions: frozenset[str]  # intents that are a question about something else (see is_answer)
    leave: frozenset[str]  # intents that leave the form

    @property
    @abstractmethod
    def form(self) -> Form:
        """The declared form (a subclass sets it; abstract, so rasa_sdk registers no action for this class)."""

    def answering(self, tracker: Tracker, slot: str, *, free_text: bool) -> bool:
        """Is the latest message an answer to the question about ``slot``? ``free_text``: any typed
        text may answer it (a name, a 志望動機), not only a choice."""
        return self.asked(tracker, slot) and is_answer(tracker, self.digressions, self.leave, free_text)

    def typed_answer(self, tracker: Tracker, slot: str) -> Slots:
        """The message as typed, as the value of ``slot``, when it answers that question."""
        return {slot: latest_text(tracker)} if self.answering(tracker, slot, free_text=True) else {}

    def name(self) -> str:
        return f"validate_{self.form.name}"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        return [] if tracker.get_slot(HALT) else self.form.required_slots(tracker.slots)

    def __getattr__(self, attribute: str) -> Any:
        kind, _, slot = attribute.partition("_")
        declared = self.form.by_slot.get(slot) if kind in ("validate", "extract") else None
        if declared is not None and kind == "extract":
            return partial(self._extract_declared, declared)
        if declared is None or declared.check is None:
            raise AttributeError(attribute)
        return partial(self._validate_declared, declared)

    async def _extract_declared(
        self, declared: Field, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if declared.kind != YES_NO:
            return self.typed_answer(tracker, declared.slot)
        return {declared.slot: confirmation(tracker)} if self.answering(tracker, declared.slot, free_text=False) else {}

    async def _validate_declared(
        self, declared: Field, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        checked = self.form.check(declared.slot, value if isinstance(value, str) else None)
        return self.checked(dispatcher, tracker, declared.slot, checked)
