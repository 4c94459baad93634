"""The registration form's validation: which questions remain, reading each answer, checking it.

The form (``registration_form``, declared in bot/registrations/forms.py) asks only for what it does not
know. ``action_registration_start`` resets the slots and fills what the first message and the channel
already tell (the cohort from a course or cohort mention, the name and 所属 the person introduces
themselves with, else the name from Teams, 自薦/所属長推薦); the form then asks:

    reg_cohort → reg_name → reg_department → reg_staff_number → reg_recommendation
    → reg_manager_name (所属長推薦 only) → reg_motivation → reg_confirm (summary, はい / いいえ)

Every slot has a ``custom`` mapping: the ``extract_*`` methods below read the message (the fields
without one, 職員番号, 所属長のお名前 and 確認, are read by
:class:`~actions.registration_support.DeclaredFormValidation`), but only when it answers the
question asked (see :func:`actions.registration_support.is_answer`), so
「やめる」 or 「来月の研修は？」 never becomes a name. The answers are checked by their declared
checkers (:class:`~actions.registration_support.DeclaredFormValidation`); the ``validate_*`` methods
here are the checks that need the catalogue or the state DB. A cohort that is closed, or one the
person is already registered in, sets ``reg_halt``: the form ends with nothing stored.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions.context import catalogue, latest_text, mentioned, message_entities, office_contact, send, state_db
from actions.registration_support import (
    HALT,
    REGISTRATION_DIGRESSIONS,
    REGISTRATION_LEAVE,
    DeclaredFormValidation,
    DomainDict,
    Slots,
    cohort_in_message,
    cohort_status,
    is_answer,
    is_statement,
    open_views,
    person_id,
)
from bot.registrations import fields, store
from bot.registrations.fields import DEPARTMENT_NAME, Checked
from bot.registrations.forms import REGISTRATION
from bot.registrations.introduction import is_department_name, read_introduction, split_department
from bot.registrations.model import CONFIRMED
from bot.replies import registration as replies


class ValidateRegistrationForm(DeclaredFormValidation):
    """Asks what is unknown, reads answers (never a digression), checks them (see the module docstring)."""

    form = REGISTRATION

    digressions = REGISTRATION_DIGRESSIONS
    leave = REGISTRATION_LEAVE

    # --- reading the message (a field without an extractor here takes the message as typed) ----------
    async def extract_reg_cohort(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        if not self.answering(tracker, "reg_cohort", free_text=False):
            return {}
        return {"reg_cohort": cohort_in_message(tracker) or latest_text(tracker)}

    async def extract_reg_name(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        """「市民課の山田です」「氏名は佐藤花子、所属は市民課です」 answer the department too."""
        found = self.typed_answer(tracker, "reg_name")
        if not found:
            return {}
        introduced = read_introduction(found["reg_name"], catalogue())
        if introduced.name:
            department, name = introduced.department, introduced.name
        else:
            department, name = split_department(found["reg_name"], catalogue())
        if department and tracker.get_slot("reg_department") is None:
            return {"reg_name": name, "reg_department": department}
        return {"reg_name": name}

    async def extract_reg_department(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        asked = self.answering(tracker, "reg_department", free_text=True)
        volunteered = (
            tracker.get_slot(REQUESTED_SLOT) is not None
            and tracker.get_slot("reg_department") is None
            and is_answer(tracker, self.digressions, self.leave, free_text=True)
        )
        if not (asked or volunteered):
            return {}
        known = mentioned(tracker, "department")
        if known:
            return {"reg_department": catalogue().vocabulary_name("department", known) or known}
        if not asked:
            return {}
        names = DEPARTMENT_NAME.findall(latest_text(tracker))
        return {"reg_department": names[-1] if names else latest_text(tracker)}

    async def extract_reg_recommendation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if self.answering(tracker, "reg_recommendation", free_text=False):
            return {"reg_recommendation": mentioned(tracker, "recommendation") or latest_text(tracker)}
        volunteered = message_entities(tracker, "recommendation")
        if (
            volunteered
            and tracker.get_slot(REQUESTED_SLOT)
            and tracker.get_slot("reg_recommendation") is None
            and is_answer(tracker, self.digressions, self.leave, free_text=True)
        ):
            return {"reg_recommendation": volunteered[0]}
        return {}

    async def extract_reg_motivation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        """A 志望動機 often reads like a question about something else to the classifier
        (「子育て支援の申請手続きをオンライン化したい」 → ask_subsidy_procedure). When it is asked
        for, any statement long enough to be one is taken as the answer; questions and
        「やめる」 still are not."""
        if self.asked(tracker, "reg_motivation") and is_statement(tracker, self.leave, fields.MOTIVATION_MIN_CHARS):
            return {"reg_motivation": latest_text(tracker)}
        return self.typed_answer(tracker, "reg_motivation")

    # --- checking the answers ---------------------------------------------------------------
    async def validate_reg_cohort(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        status = cohort_status(value) if isinstance(value, str) else None
        if status is None:
            send(dispatcher, replies.invalid(replies.not_a_cohort()))
            return {"reg_cohort": None}
        cohort_id = status.cohort.id
        course = catalogue().course(status.cohort.course_id)
        if course is None:
            send(dispatcher, replies.invalid(replies.not_a_cohort()))
            return {"reg_cohort": None}
        view = (course, status.effective_cohort)
        existing = store.get(state_db(), person_id(tracker), cohort_id)
        if existing and existing.is_active:
            send(dispatcher, replies.already_registered(view, existing))
            return {"reg_cohort": cohort_id, HALT: "already_registered"}
        if not status.is_open:
            others = [v for v in open_views() if v[1].id != cohort_id]
            send(dispatcher, replies.closed(view, status.reason, office_contact(), others))
            return {"reg_cohort": cohort_id, HALT: "closed"}
        send(dispatcher, replies.cohort_intro(view, store.counts(state_db(), cohort_id)[CONFIRMED]))
        return {"reg_cohort": cohort_id}

    async def validate_reg_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return self.checked(dispatcher, tracker, "reg_name", check_person_name(value if isinstance(value, str) else ""))

    async def validate_reg_recommendation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value not in fields.RECOMMENDATIONS:
            match = catalogue().matcher.best(value or "", "recommendation")
            value = match.target if match else None
        result = self.checked(
            dispatcher, tracker, "reg_recommendation", REGISTRATION.check("reg_recommendation", value)
        )
        if result["reg_recommendation"] == "self":
            result["reg_manager_name"] = None
        return result


def check_person_name(text: str) -> Checked:
    """The name's declared check, and not a department (「市民課」 answered to 「お名前は？」)."""
    result = REGISTRATION.check("reg_name", text)
    if result.ok and result.value and is_department_name(result.value, catalogue()):
        return Checked(None, "お名前（氏名）を教えてください。所属はこのあとお聞きします。")
    return result


def answers(tracker: Tracker) -> dict[str, Any]:
    """The form's answers by field key (bot/registrations/forms.py)."""
    return REGISTRATION.answers(tracker.slots)
