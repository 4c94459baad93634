"""Actions about the exam-fee subsidy: amounts, procedure, and the eligibility form.

The eligibility form asks only for the facts the 要綱's rules need for the chosen exam (read from
the catalogue's rule rows), skips what is already known, and stops asking as soon as one rule
has decided "not eligible".
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions import questions
from actions.base import ManabiAction, delegate
from actions.context import catalogue, latest_text, mentioned, named_or_remembered, send
from bot import rules as rules_engine
from bot.registrations.fields import DEPARTMENT_UNIT
from bot.replies import subsidies as replies
from bot.replies.base import Reply

FACT_QUESTIONS = {
    "employment_type": "任用形態を教えてください。",
    "pass_status": "その試験にはもう合格していますか？",
}
# In an answer about passing, words that make it "not (yet) passed".
NOT_PASSED_WORDS = re.compile(r"不合格|落ち|まだ|ない|ません|これから|予定|待ち|発表前")
# An answer that names a fact only to deny it (「正規職員ではありません」「デジタル行政戦略課じゃないです」).
NEGATED = re.compile(r"(では|じゃ)(ない|なく|ありません)|以外|違います|ちがいます|違う")
# A department name typed as free text: a run of non-particle characters ending like a unit name.
DEPARTMENT_NAME = re.compile(rf"([^\s、。,はがのをにでと]{{1,20}}{DEPARTMENT_UNIT})")


class ActionSubsidyAmount(ManabiAction):
    action_name = "action_subsidy_amount"

    async def answer(self, dispatcher, tracker, domain):
        if questions.PAYMENT.search(latest_text(tracker)):  # 「G検定の補助はいつ入りますか？」: when, not how much
            return await delegate(ActionSubsidyProcedure(), dispatcher, tracker, domain)
        cat = catalogue()
        other = cat.uncatalogued_exam_name(latest_text(tracker))
        if other:
            send(dispatcher, replies.not_our_exam(cat, other))
            return []
        exams = named_or_remembered(tracker, "exam", cat.exam)
        if not exams:
            send(dispatcher, replies.amounts_for_all(cat))
            return []
        if len(exams) > 1:
            send(dispatcher, replies.amounts_for_all(cat, exams))
        else:
            send(dispatcher, replies.amount_for_exam(cat, exams[0]))
        return [SlotSet("exam", exams[-1]["id"])]  # 「それ」 next refers to the last one named


class ActionSubsidyProcedure(ManabiAction):
    action_name = "action_subsidy_procedure"

    async def answer(self, dispatcher, tracker, domain):
        cat = catalogue()
        other = cat.uncatalogued_exam_name(latest_text(tracker))
        if other:
            send(dispatcher, replies.not_our_exam(cat, other))
            return []
        exam_id = mentioned(tracker, "exam")
        remembered = cat.exam(exam_id or tracker.get_slot("exam") or "")
        send(dispatcher, self.one_fact(cat, latest_text(tracker), remembered) or replies.procedure(cat, remembered))
        return [SlotSet("exam", exam_id)] if exam_id else []

    @staticmethod
    def one_fact(cat, text: str, exam: dict[str, Any] | None) -> Reply | None:
        """「いつ振り込まれる？」「申請期限は？」「対象者は？」: that part of the procedure alone."""
        if questions.WHOLE_PROCEDURE.search(text):
            return None
        if questions.PAYMENT.search(text):
            return replies.payment(cat)
        if questions.DEADLINE.search(text):
            return replies.application_deadline(cat)
        if questions.TARGET.search(text):
            return replies.who_is_eligible(cat, exam)
        return None


def denied(tracker: Tracker) -> bool:
    """True if the current answer denies what it names (a button payload never does)."""
    text = latest_text(tracker)
    return not text.startswith("/") and bool(NEGATED.search(text))


def known_facts(tracker: Tracker, facts: list[str]) -> dict[str, str | None]:
    return {fact: tracker.get_slot(fact) for fact in facts}


class ValidateSubsidyForm(FormValidationAction):
    """Decides which facts to ask for, and checks each answer against the catalogue."""

    def name(self) -> str:
        return "validate_subsidy_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        exam_id = tracker.get_slot("exam")
        if not exam_id:
            return ["exam"]
        rules = catalogue().subsidy_rules(exam_id)
        facts = rules_engine.required_facts(rules)
        known = known_facts(tracker, facts)
        if rules_engine.evaluate(rules, known).eligible is False:
            # Already decided: ask nothing more. The facts given so far stay required, so that an
            # answer that just decided it (「総務課」 for the DB exam) is validated and kept.
            return ["exam"] + [fact for fact in facts if known[fact] is not None]
        return ["exam"] + facts

    async def validate_exam(self, value, dispatcher, tracker, domain):
        if value and catalogue().exam(value):
            return {"exam": value}
        return self._reject(dispatcher, "exam", replies.ask_exam(catalogue()).text)

    async def validate_employment_type(self, value, dispatcher, tracker, domain):
        if denied(tracker):  # 「正規職員ではありません」 says what they are not: ask which they are
            value = None
        return self._vocabulary(value, "employment_type", dispatcher)

    async def validate_pass_status(self, value, dispatcher, tracker, domain):
        if denied(tracker):  # 「合格ではないです」 is not passed; a denied "not passed" is unclear
            value = "not_passed" if value == "passed" else None
        return self._vocabulary(value, "pass_status", dispatcher)

    async def extract_pass_status(self, dispatcher, tracker, domain) -> dict[str, Any]:
        """Plain answers to 「合格していますか？」 that name no alias (「合格」「合格通知が届いた」)."""
        if tracker.get_slot("requested_slot") != "pass_status" or mentioned(tracker, "pass_status"):
            return {}
        text = latest_text(tracker)
        if NOT_PASSED_WORDS.search(text):
            return {"pass_status": "not_passed"}
        if "合格" in text or "受かっ" in text:
            return {"pass_status": "passed"}
        return {}

    async def extract_department(self, dispatcher, tracker, domain) -> dict[str, Any]:
        """A department not in the catalogue list is kept as typed (it simply is not allowed)."""
        if tracker.get_slot("requested_slot") != "department" or mentioned(tracker, "department"):
            return {}
        names = DEPARTMENT_NAME.findall(latest_text(tracker))
        return {"department": names[-1]} if names else {}

    async def validate_department(self, value, dispatcher, tracker, domain):
        if value and not denied(tracker):
            return {"department": value}
        return self._reject(dispatcher, "department", replies.ask_department().text)

    def _vocabulary(self, value, fact: str, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        if value and catalogue().vocabulary_name(fact, value):
            return {fact: value}
        question = replies.ask_vocabulary(catalogue(), fact, FACT_QUESTIONS[fact])
        return self._reject(dispatcher, fact, question.text)

    @staticmethod
    def _reject(dispatcher: CollectingDispatcher, slot: str, question: str) -> dict[str, Any]:
        dispatcher.utter_message(text=f"すみません、うまく読み取れませんでした。{question}")
        return {slot: None}


class ActionAskExam(ManabiAction):
    records_answer = False  # a question or a fallback, not an answer
    action_name = "action_ask_exam"

    async def answer(self, dispatcher, tracker, domain):
        send(dispatcher, replies.ask_exam(catalogue()))
        return []


class ActionAskEmploymentType(ManabiAction):
    records_answer = False  # a question or a fallback, not an answer
    action_name = "action_ask_employment_type"

    async def answer(self, dispatcher, tracker, domain):
        send(dispatcher, replies.ask_vocabulary(catalogue(), "employment_type", FACT_QUESTIONS["employment_type"]))
        return []


class ActionAskPassStatus(ManabiAction):
    records_answer = False  # a question or a fallback, not an answer
    action_name = "action_ask_pass_status"

    async def answer(self, dispatcher, tracker, domain):
        exam = catalogue().exam(tracker.get_slot("exam") or "")
        subject = f"{exam['name']}に" if exam else "その試験に"
        send(
            dispatcher,
            Reply(
                f"{subject}はもう合格していますか？",
                [
                    {"title": "はい（合格済み）", "payload": '/inform{"pass_status":"passed"}'},
                    {"title": "いいえ（受験前・不合格）", "payload": '/inform{"pass_status":"not_passed"}'},
                ],
            ),
        )
        return []


class ActionAskDepartment(ManabiAction):
    records_answer = False  # a question or a fallback, not an answer
    action_name = "action_ask_department"

    async def answer(self, dispatcher, tracker, domain):
        exam = catalogue().exam(tracker.get_slot("exam") or "")
        reason = f"{exam['name']}の補助は所属によって条件が異なります。" if exam else ""
        send(dispatcher, Reply(reason + replies.ask_department().text))
        return []


class ActionSubsidyVerdict(ManabiAction):
    """After the form: eligible or not, the amount, the deciding rule, and what to do next.

    The pass status is about one exam, so it is forgotten afterwards; the person's employment
    type and department are kept for later questions.
    """

    action_name = "action_subsidy_verdict"

    async def answer(self, dispatcher, tracker, domain):
        cat = catalogue()
        exam = cat.exam(tracker.get_slot("exam") or "")
        if exam is None:
            send(dispatcher, replies.ask_exam(cat))
            return []
        rules = cat.subsidy_rules(exam["id"])
        facts = known_facts(tracker, rules_engine.required_facts(rules))
        verdict = rules_engine.evaluate(rules, facts)
        if verdict.eligible is None:  # the form was left early: say what is still unknown
            missing = "、".join(replies.FACT_LABELS.get(f, f) for f in verdict.missing)
            send(
                dispatcher,
                Reply(f"判定には{missing}の情報が必要です。もう一度「補助の対象になる？」と聞いてください。"),
            )
            return []
        send(dispatcher, replies.verdict_reply(cat, exam, verdict, facts))
        return [SlotSet("pass_status", None)]
