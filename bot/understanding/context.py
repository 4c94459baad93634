"""How a message continues the question before it.

* **An answer to our question**: after 「任用形態を教えてください」, 「正規です」 completes the check it
  belongs to; after 「合格していますか？」, 「はい」 is 合格.
* **An offer taken**: after 「登録を始めますか？」, 「はい」 starts it.
* **A correction**: 「いや、応用情報のほうで」 asks the previous question again for the new item.
* **Names alone**: 「G検は？」 after study tips for ITパス asks for G検定's study tips.
* **A fragment**: 「締め切りは？」 after the leader programme asks for its deadline; 「その次の月は？」
  after 「1月の研修は？」 asks for February.
* **Facts alone**: 「正規です」 after a subsidy answer checks that exam for the person; told while we
  asked something else (「合格した」 for 「どの試験？」), they are kept and the question stands.
* **A reminder of what was just said**: 「前日に教えて」 after 「RPA研修はいつ？」 is for that session;
  「その1週間前に知らせて」 after the deadline, for the deadline; 「RPA研修」 after 「何のリマインドを？」
  completes the request.

Anything that brings its own topic and items is a new question.
"""

from __future__ import annotations

from dataclasses import replace

from bot.catalogue.contract import RULE_FACTS
from bot.registrations.fields import DEPARTMENT_NAME
from bot.understanding.question import STATED, PersonFact, Question

YES_NO = {"affirm": "passed", "deny": "not_passed"}
# What a person tells about themselves for the subsidy: the facts its rules judge, and a missed deadline.
SUBSIDY_CIRCUMSTANCES = (*RULE_FACTS, "past_deadline")
ITEM_TOPICS = {"course": ("course", "registration", "reminder"), "exam": ("exam", "subsidy", "study")}
SETTING = {"remind", "remind_deadline"}  # the asks of setting a reminder (not listing or cancelling them)


def with_context(question: Question, previous: Question | None, ask_topics: dict[str, tuple[str, ...]]) -> Question:
    """``question`` read in the light of ``previous`` (see the module docstring)."""
    if previous is None:
        return question
    if previous.awaiting:
        answered = _answer_to(question, previous)
        if answered is not None:
            return answered
        if not (
            question.courses or question.exams or question.stated_asks or question.topic_words or question.smalltalk
        ):
            # 「嘱託職員です」 for 「任用形態は？」: not an answer we can use; the question stands
            return replace(previous, text=question.text, context="reask")
    if previous.offer and question.smalltalk == "affirm":
        return replace(
            question,
            topic="registration",
            asks=("register",),
            smalltalk=None,
            context="answer",
            courses=previous.courses,
            cohort=previous.cohort,
        )
    if question.smalltalk or question.button and question.topic:
        return question
    if _reminder_of_before(question, previous):
        asks = question.stated_asks + (("deadline",) if "deadline" in previous.asks else ())
        return replace(
            question,
            courses=previous.courses,
            cohort=previous.cohort,
            period=question.period or previous.period,
            stated_asks=tuple(dict.fromkeys(asks)),
            context="follow_up",
        )
    correction = _is_correction(question)
    if (correction or _names_only(question)) and _same_kind_items(question, previous):
        return _redo_for_new_items(question, previous, "correction" if correction else "follow_up")
    if question.cohort and previous.topic == "registration" and not question.stated_asks:  # 「じゃあ第7期で」
        return replace(previous, text=question.text, cohort=question.cohort, context="follow_up", vague=False)
    if "total" in question.stated_asks and question.exams and previous.exams:  # 「G検定と両方だと合計いくら？」
        exams = tuple(dict.fromkeys(previous.exams + question.exams))
        return replace(question, topic="subsidy", exams=exams, context="follow_up", vague=False)
    unsure_before = previous.vague or previous.topic is None
    if unsure_before and _names_only(question) and previous.stated_asks:  # 「日にち教えて」…「RPA研修」
        fitting = tuple(a for a in previous.stated_asks if question.topic in ask_topics.get(a, ()))
        if fitting:
            return replace(question, asks=fitting, stated_asks=fitting, vague=False, context="follow_up")
    if _is_fragment(question) and previous.topic:
        return _continue(question, previous, ask_topics)
    if _only_facts(question) and previous.topic == "subsidy":  # 「正規」 after the DB exam's subsidy: its check
        facts = tuple(f for f in previous.facts if f.name not in {g.name for g in question.facts}) + question.facts
        return replace(
            previous, text=question.text, facts=facts, asks=("eligibility",), context="follow_up", vague=False
        )
    return question


def _reminder_of_before(question: Question, previous: Question) -> bool:
    """「前日に教えて」 naming nothing, right after a question about a course or a cohort."""
    named = question.courses or question.cohort or question.exams
    return (
        question.topic == "reminder"
        and set(question.asks) <= SETTING
        and bool(question.asks)
        and not named
        and bool(previous.courses or previous.cohort)
        and previous.topic != "reminder"
    )


def _answer_to(question: Question, previous: Question) -> Question | None:
    """The previous question completed by the fact it asked for, if this message gives it."""
    fact_name = previous.awaiting or ""
    given = [f for f in question.facts if f.name == fact_name]
    if not given and fact_name == "department":  # a department not in the catalogue, typed as its name
        typed = DEPARTMENT_NAME.findall(question.text)
        given = [PersonFact("department", typed[-1], STATED)] if typed else []
    if not given and fact_name == "pass_status" and question.smalltalk in YES_NO:
        given = [PersonFact("pass_status", YES_NO[question.smalltalk], STATED)]
    if fact_name == "exam" and question.exams and not question.asks:
        return replace(previous, exams=question.exams, awaiting=None, context="answer", text=question.text)
    if not given and _only_facts(question):  # 「合格した」 while we asked which exam: kept, the question stands
        facts = tuple(f for f in previous.facts if f.name not in {g.name for g in question.facts}) + question.facts
        return replace(previous, facts=facts, context="answer", text=question.text)
    if not given:
        return None
    if question.asks and question.topic not in (None, previous.topic):
        return None  # a new question that happens to mention the fact
    facts = tuple(f for f in previous.facts if f.name != fact_name) + tuple(given)
    return replace(
        previous, facts=facts + _other_facts(question, fact_name), awaiting=None, context="answer", text=question.text
    )


def _other_facts(question: Question, answered: str) -> tuple[PersonFact, ...]:
    """Facts volunteered with the answer (「正規で、もう合格しています」)."""
    return tuple(f for f in question.facts if f.name != answered)


def _is_correction(question: Question) -> bool:
    return question.corrects


def _names_only(question: Question) -> bool:
    """Items named and nothing asked: 「G検は？」「じゃあFEは？」"""
    return bool(question.courses or question.exams) and not question.stated_asks and not question.period


def _same_kind_items(question: Question, previous: Question) -> bool:
    if question.exams and previous.topic in ITEM_TOPICS["exam"]:
        return True
    return bool(question.courses) and previous.topic in ITEM_TOPICS["course"]


def _redo_for_new_items(question: Question, previous: Question, how: str) -> Question:
    exams = question.exams if question.exams else previous.exams
    courses = question.courses if question.courses else previous.courses
    if question.exams and previous.topic in ITEM_TOPICS["exam"]:
        courses = () if not question.courses else courses
    elif question.courses:
        exams = ()
    return replace(
        previous,
        text=question.text,
        intent=question.intent,
        confidence=question.confidence,
        courses=courses,
        exams=exams,
        cohort=question.cohort or previous.cohort,
        facts=previous.facts + question.facts,
        awaiting=None,
        offer=None,
        vague=False,
        context=how,
    )


def _only_facts(question: Question) -> bool:
    """Facts the subsidy is judged on and nothing else: no question word, no item, no topic word."""
    return any(f.name in SUBSIDY_CIRCUMSTANCES for f in question.facts) and not (
        question.stated_asks or question.courses or question.exams or question.topic_words or question.not_offered
    )


def _is_fragment(question: Question) -> bool:
    """Asks something (or names a period) but names nothing and brings no topic word of its own."""
    return (
        not (question.courses or question.exams or question.phases or question.not_offered)
        and bool(question.stated_asks or question.period)
        and not question.topic_words
    )


def _continue(question: Question, previous: Question, ask_topics: dict[str, tuple[str, ...]]) -> Question:
    """A fragment continues the previous topic when what it asks belongs there."""
    asks = question.stated_asks
    topic = previous.topic
    if asks and topic and not any(topic in ask_topics.get(a, ()) for a in asks):
        # 「締め切りは？」 after a subsidy answer is the subsidy's deadline; 「いつ？」 after a course its date
        shared = [t for a in asks for t in ask_topics.get(a, ()) if t in ITEM_TOPICS["exam"] + ITEM_TOPICS["course"]]
        if not shared:
            return question
        topic = shared[0]
    return replace(
        question,
        topic=topic,
        asks=asks or previous.asks,
        courses=previous.courses,
        exams=previous.exams,
        phases=previous.phases if not asks else (),
        facts=previous.facts + question.facts if topic == "subsidy" else question.facts,
        period=question.period or (previous.period if not question.period else None),
        context="follow_up",
        vague=False,
    )
