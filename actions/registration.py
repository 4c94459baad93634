"""Registering interest in a cohort: starting the form, its questions, storing, stopping, listing.

Conversation (rules in data/rules/registration.yml):

    register_interest → action_registration_start → registration_form (validate_registration_form)
        … → action_registration_submit      (はい: stored; いいえ / closed / duplicate: nothing stored)
    stop / goodbye / cancel_registration inside the form → action_registration_stop

The start asks the one answering step (:mod:`actions.answer`) first: 「このチャットから応募できる？」
or 「RPA研修に申し込みたい」 (a course without cohorts) is answered there, and the form ends at once.

The person is ``tracker.sender_id`` (Teams: the stable aadObjectId). The form's state lives in
Rasa's tracker store and every registration is committed to the state DB before the reply, so
restarting either server between two questions or after a registration loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions.answer import answer_for, carry_out
from actions.base import ManabiAction
from actions.context import catalogue, latest_text, mentioned, message_entities, office_contact, send, state_db, today
from actions.registration_form import answers, check_person_name
from actions.registration_support import (
    ALL_SLOTS,
    HALT,
    DomainDict,
    Events,
    FormStepAction,
    cohort_in_message,
    open_views,
    person_id,
    reset,
    teams_user_name,
    view,
)
from bot.answers.model import START_REGISTRATION
from bot.registrations import cohorts, fields, store
from bot.registrations.fields import Checked
from bot.registrations.forms import REGISTRATION
from bot.registrations.introduction import read_introduction
from bot.registrations.model import Application
from bot.replies import registration as replies
from bot.replies.base import Reply


class ActionRegistrationStart(FormStepAction):
    """Clear the last registration's answers and fill in what is already known."""

    action_name = "action_registration_start"
    failure_halts = True

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        decided = answer_for(tracker)
        if decided.start != START_REGISTRATION:  # a question about registering, or a cancellation: not a wish
            return reset() + [
                SlotSet(REQUESTED_SLOT, None),
                SlotSet(HALT, "answered"),
                *carry_out(decided, dispatcher, tracker),
            ]
        text = latest_text(tracker)
        introduced = read_introduction(text if not text.startswith("/") else "", catalogue())  # not a button
        known: dict[str, str | None] = {
            "reg_cohort": cohort_in_message(tracker)
            or default_cohort(decided.question.cohort, decided.question.courses),
            # What the person wrote comes before what the channel knows; a value that does not pass the
            # form's own check is left for the form to ask, without a complaint about it.
            "reg_name": first_valid(check_person_name, introduced.name, teams_user_name(tracker)),
            "reg_department": first_valid(
                lambda text: REGISTRATION.check("reg_department", text),
                introduced.department,
                department_name(mentioned(tracker, "department") or tracker.get_slot("department")),
            ),
            "reg_recommendation": next(iter(message_entities(tracker, "recommendation")), None),
        }
        if known["reg_cohort"] is None and not open_views():
            send(dispatcher, replies.no_open_cohort(office_contact()))
            known[HALT] = "no_open_cohort"
        return reset() + [SlotSet(REQUESTED_SLOT, None)] + [SlotSet(k, v) for k, v in known.items() if v]


def first_valid(check: Callable[[str], Checked], *candidates: str | None) -> str | None:
    """The checked value of the first candidate that passes ``check``."""
    for candidate in candidates:
        result = check(candidate) if candidate else None
        if result is not None and result.ok:
            return result.value
    return None


def default_cohort(cohort_id: str | None, course_ids: tuple[str, ...]) -> str | None:
    """The cohort a wish to register means when the message names none: the one the conversation was
    about (「40代でも応募していい？」…「じゃあ応募したい」), its course's open cohort, or the only open one."""
    opened = open_views()
    ids = [c.id for _, c in opened]
    if cohort_id in ids:
        return cohort_id
    of_course = [c.id for course, c in opened if course.id in course_ids]
    if of_course:
        return of_course[0]
    return ids[0] if len(ids) == 1 else None


def department_name(value: str | None) -> str | None:
    """A catalogue department id as its name; free text as typed."""
    if not value:
        return None
    return catalogue().vocabulary_name("department", value) or value


# --- the questions that need more than a fixed text -----------------------------------------
class ActionAskRegCohort(ManabiAction):
    action_name = "action_ask_reg_cohort"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        options = open_views()
        send(dispatcher, replies.ask_cohort(options) if options else replies.no_open_cohort(office_contact()))
        return []


class ActionAskRegStaffNumber(ManabiAction):
    action_name = "action_ask_reg_staff_number"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        send(dispatcher, replies.ask_staff_number(fields.staff_number_format()))
        return []


class ActionAskRegRecommendation(ManabiAction):
    action_name = "action_ask_reg_recommendation"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        send(dispatcher, replies.ask_recommendation())
        return []


class ActionAskRegMotivation(ManabiAction):
    action_name = "action_ask_reg_motivation"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        send(dispatcher, replies.ask_motivation())
        return []


class ActionAskRegConfirm(ManabiAction):
    """The summary of everything that will be stored, with はい / いいえ."""

    action_name = "action_ask_reg_confirm"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        cohort_view = view(tracker.get_slot("reg_cohort") or "")
        if cohort_view is None:
            send(dispatcher, replies.missing_answers(office_contact(), [REGISTRATION.field("reg_cohort").label]))
            return [SlotSet(HALT, "error"), SlotSet(REQUESTED_SLOT, None)]
        send(dispatcher, replies.summary(cohort_view, answers(tracker)))
        return []


# --- the end of the form --------------------------------------------------------------------
class ActionRegistrationSubmit(FormStepAction):
    """Store the registration after はい (or say nothing was stored), then clear the answers."""

    action_name = "action_registration_submit"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        if tracker.get_slot(HALT):  # the form already said why it ended
            return reset()
        if tracker.get_slot("reg_confirm") != "yes":
            send(dispatcher, replies.not_registered())
            return reset()
        send(dispatcher, submit(tracker))
        return reset()


def submit(tracker: Tracker) -> Reply:
    """Register the form's answers; the reply says what happened."""
    given = answers(tracker)
    missing = REGISTRATION.missing(given)
    cohort_view = view(given["cohort_id"] or "")
    if cohort_view is None or missing:
        return replies.missing_answers(office_contact(), missing)
    course, cohort = cohort_view
    application = Application(
        **REGISTRATION.stored(given),
        person_id=person_id(tracker),
        department_id=department_id(given["department"]),
        channel=tracker.get_latest_input_channel(),
    )
    cohort_id = application.cohort_id
    result = store.register(
        state_db(), application, cohort.seats, gate=cohorts.closed_reason(catalogue(), cohort_id, today())
    )
    if result.outcome == store.ALREADY_REGISTERED and result.registration:
        return replies.already_registered(cohort_view, result.registration)
    if result.outcome == store.INVALID and result.invalid:  # the store checks every field again
        return replies.missing_answers(office_contact(), result.invalid.labels)
    if result.outcome == store.REFUSED and result.reason == store.STAFF_NUMBER_IN_USE:
        return replies.staff_number_taken(office_contact())
    if result.outcome == store.REFUSED:
        others = [v for v in open_views() if v[1].id != cohort_id]
        return replies.closed(cohort_view, result.reason or "", office_contact(), others)
    assert result.registration is not None
    return replies.registered(cohort_view, result.registration, office_contact())


def department_id(name: str) -> str | None:
    """The catalogue id of a department typed exactly as one of its names, else None."""
    match = catalogue().matcher.best(name, "department")
    return match.target if match and match.distance == 0 and match.text == name else None


class ActionRegistrationStop(FormStepAction):
    """「やめる」 inside the registration or cancellation form: nothing stored, answers cleared."""

    action_name = "action_registration_stop"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        send(
            dispatcher,
            replies.stopped("取り消しの手続き" if last_form(tracker) == "cancel_registration_form" else "登録"),
        )
        return reset(ALL_SLOTS)


def last_form(tracker: Tracker) -> str | None:
    """The form that was active most recently (the stop rules deactivate it first)."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name"):
            return str(event["name"])
    return None
