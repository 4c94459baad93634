"""The one place that decides which answer a question gets.

:func:`answer` takes the structured question (:mod:`bot.understanding`) and returns an
:class:`~bot.answers.model.Answer`: the replies, what to remember, and what the action layer must
start (a form, a list from the state database). In order:

1. an empty message, English, small talk (greetings, thanks, help, yes/no, stop);
2. names of exams or courses the catalogue does not offer → said so, with what it offers;
3. a question whose topic is clear but not what is asked (「補助のやつ」, an exam's name alone)
   → 「もしかして」: the closest topics as buttons;
4. by topic: registration, courses, an exam's dates, the subsidy, study, the office's contact;
5. nothing understood → suggestions from what the NLU found likely, or the polite apology
   naming the office; both are logged for the office.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.answers import courses, subsidy
from bot.answers.model import LIST_REGISTRATIONS, START_CANCELLATION, START_REGISTRATION, Answer, Circumstances
from bot.answers.study import answer_study
from bot.catalogue.queries import Catalogue
from bot.replies import assistance, registration
from bot.replies import subsidies as subsidy_replies
from bot.replies.base import Reply, button
from bot.understanding.question import Question

RESPONSES = {
    "goodbye": "utter_goodbye",
    "thank": "utter_thank",
    "help": "utter_help",
    "bot_identity": "utter_bot_identity",
}
SUGGESTION_BUTTONS = {
    "ask_schedule": ("研修の日程", "ask_schedule"),
    "ask_course_details": ("研修の内容", "list_courses"),
    "list_courses": ("研修の一覧", "list_courses"),
    "ask_subsidy_amount": ("受験料補助の金額", "ask_subsidy_amount"),
    "check_subsidy_eligibility": ("補助の対象か確認", "check_subsidy_eligibility"),
    "ask_subsidy_procedure": ("補助の申請方法", "ask_subsidy_procedure"),
    "ask_study_tips": ("試験の勉強法", "ask_study_tips"),
    "ask_contact": ("問い合わせ先", "ask_contact"),
    "register_interest": ("リーダー研修への応募", "register_interest"),
    "ask_my_registrations": ("自分の申込状況", "ask_my_registrations"),
    "cancel_registration": ("申込の取り消し", "cancel_registration"),
}
TOPIC_SUGGESTIONS = {
    "subsidy": ("ask_subsidy_amount", "check_subsidy_eligibility", "ask_subsidy_procedure"),
    "course": ("list_courses", "ask_schedule"),
    "study": ("ask_study_tips",),
    "registration": ("register_interest", "ask_my_registrations"),
    "exam": ("ask_subsidy_amount", "ask_study_tips"),
}


def answer(question: Question, catalogue: Catalogue, now: Circumstances) -> Answer:
    """The answer to ``question`` (see the module docstring for the order of decisions); a question
    that also asks something of another topic about the same exam (「G検定の補助額と勉強法」) gets both."""
    main = _answer(question, catalogue, now)
    if main.start or main.response:
        return main
    for other in _other_topics(question):
        main.replies += _answer(_extra(question, other), catalogue, now).replies
    if question.not_offered and (question.exams or question.courses) and not question.awaiting:
        main.replies += _not_offered(question, catalogue).replies  # 「ITパスとTOEICの補助」: TOEIC is not ours
    if not main.replies:  # never an empty reply: what the message did name, as suggestions
        return _suggest(question, catalogue, log="low_confidence")
    return main


# The asks that say by themselves which topic they belong to, for questions that ask two things at
# once (「G検定の補助額と勉強法」「AI勉強会の次回と、G検定の補助額は？」).
OWN_ASKS = {
    "amount": "subsidy",
    "available": "subsidy",
    "total": "subsidy",
    "fee": "subsidy",
    "study": "study",
    "study_hours": "study",
    "when": "course",
    "next": "course",
    "payment": "subsidy",
    "documents": "subsidy",
    "where_to_apply": "subsidy",
    "contact": "contact",
}
POLICY_ASKS = {"payment", "documents", "where_to_apply"}  # the subsidy's own facts: no exam needed


def _other_topics(question: Question) -> list[str]:
    """Topics other than the question's own that its words ask about, for items of theirs it names
    (a course for course questions, an exam for the subsidy and study)."""
    topics = ("course", "subsidy", "study", "contact")
    if question.awaiting or question.topic not in topics:
        return []
    named = {
        "course": bool(question.courses),
        "subsidy": bool(question.exams) or bool(POLICY_ASKS & set(question.stated_asks)),
        "study": bool(question.exams),
        "contact": True,  # 「…と、問い合わせ先を教えて」: the office, whatever else is asked
    }
    return [t for t in topics if t != question.topic and named[t] and _asks_of(question, t)]


def _extra(question: Question, topic: str) -> Question:
    """The part of a two-topic question that asks about ``topic``, with that topic's items only."""
    courses, exams = (question.courses, ()) if topic == "course" else ((), question.exams)
    return replace(question, topic=topic, asks=_asks_of(question, topic), courses=courses, exams=exams)


def _asks_of(question: Question, topic: str) -> tuple[str, ...]:
    return tuple(a for a in question.stated_asks if OWN_ASKS.get(a) == topic)


def _answer(question: Question, catalogue: Catalogue, now: Circumstances) -> Answer:
    if not question.text.strip():
        return Answer([assistance.blank_message()], question)
    if question.context == "reask" and question.awaiting:
        return subsidy.ask_again(question, catalogue)
    if question.smalltalk:
        return _smalltalk(question, now)
    if question.not_offered and not (question.exams or question.courses):
        return _not_offered(question, catalogue)
    if question.vague:
        return _suggest(question, catalogue, log="vague")
    topic = question.topic
    if topic == "registration":
        return _registration(question, catalogue, now)
    if topic == "course":
        return Answer(courses.answer_courses(question, catalogue, now), question)
    if topic == "exam":
        listed = "list" in question.asks and not question.exams  # 「試験の一覧」: the exams with fees and subsidy
        if listed or set(question.asks) & {"fee", "amount", "available", "cheapest", "priciest"}:
            return subsidy.answer_subsidy(replace(question, topic="subsidy"), catalogue, now)
        if not (question.exams or question.asks):
            return _suggest(question, catalogue, log="vague")
        if "organizer" in question.asks:
            return Answer(courses.answer_exam_organizers(question, catalogue), question)
        return Answer(courses.answer_exam_dates(question, catalogue, now), question)
    if topic == "subsidy":
        return subsidy.answer_subsidy(question, catalogue, now)
    if topic == "study":
        return Answer(answer_study(question, catalogue, now), question)
    if topic == "contact":
        return Answer([assistance.contact(catalogue.main_contact())], question)
    return _not_understood(question, catalogue)


# --- small talk --------------------------------------------------------------------------------------
def _smalltalk(question: Question, now: Circumstances) -> Answer:
    kind = question.smalltalk or ""
    if kind == "greet":
        return Answer([assistance.greeting(question.text)], question)
    if kind in RESPONSES:
        return Answer([], question, response=RESPONSES[kind])
    if kind == "stop":
        reply = assistance.stopped() if now.pending else assistance.nothing_to_stop()
        return Answer([reply], replace(question, awaiting=None))
    return Answer([], question, response="utter_ok")  # yes or no with nothing asked


# --- what we do not offer ------------------------------------------------------------------------------
def _not_offered(question: Question, catalogue: Catalogue) -> Answer:
    name = question.not_offered[0]
    if question.not_offered_kind == "course":
        return Answer([assistance.not_offered_course(name, catalogue.courses())], question, log="not_offered")
    what = "勉強法のご案内" if question.topic == "study" else "受験料補助"
    return Answer([subsidy_replies.not_offered(name, catalogue.exams(), what)], question, log="not_offered")


# --- registration ------------------------------------------------------------------------------------
def _registration(question: Question, catalogue: Catalogue, now: Circumstances) -> Answer:
    asks = set(question.asks)
    if "my_status" in asks:
        return Answer([], question, start=LIST_REGISTRATIONS)
    if "cancel" in asks:
        return _start(question, now, START_CANCELLATION)
    if question.cohort in now.closed_cohorts:  # 「第6期に申し込みたい」「第6期はまだ間に合う？」
        named = catalogue.cohort(question.cohort or "")
        named_course = catalogue.course(named.course_id) if named else None
        if named and named_course:
            others = [(c, k) for k in now.open_cohorts if (c := catalogue.course(k.course_id))]
            reply = registration.closed(
                (named_course, named), now.closed_cohorts[named.id], catalogue.main_contact(), others
            )
            return Answer([reply], question)
    cohort = next((c for c in now.open_cohorts if not question.cohort or c.id == question.cohort), None)
    course = catalogue.course(cohort.course_id) if cohort else None
    if question.courses and not catalogue.cohorts(question.courses[0]):
        other_course = catalogue.course(question.courses[0])
        if other_course:  # 「RPA研修に申し込みたい」: it has no cohort to register for; say how to join it
            return Answer([registration.not_taken_here(other_course)], question)
    # the course's own facts asked, whichever topic their words belong to (「いつまでに、どうやって応募？」)
    facts_asked = (asks | set(question.stated_asks)) & {
        "target", "deadline", "seats", "when", "content", "hours", "how_to_apply"
    }  # fmt: skip
    if question.fact("age") and course:  # 「50代でも応募できますか」: the cohort's guidance answers it
        asked = replace(question, topic="course", courses=(course.id,), asks=tuple(sorted(facts_asked | {"target"})))
        return Answer(courses.answer_courses(asked, catalogue, now), replace(question, offer="register"))
    if "register" in asks and ("apply_here" in asks or facts_asked <= {"how_to_apply"}):
        # 「このチャットから登録させていただけますか」「応募を希望します。手続きを」: a wish, started
        return _start(question, now, START_REGISTRATION)
    if "apply_here" in asks:
        view = (course, cohort) if course and cohort else None
        contact = f"ご不明な点は{catalogue.main_contact().name}へお問い合わせください。"
        return Answer([registration.apply_here(view, contact)], replace(question, offer="register" if view else None))
    if facts_asked and course:
        asked = replace(question, topic="course", courses=(course.id,), asks=tuple(sorted(facts_asked)))
        return Answer(courses.answer_courses(asked, catalogue, now), question)
    return _start(question, now, START_REGISTRATION)


def _start(question: Question, now: Circumstances, what: str) -> Answer:
    """Start a form, unless one is in progress: then say so (its question comes again next)."""
    if now.active_form:
        doing = "申込の取り消し" if now.active_form == "cancel_registration_form" else "受講希望の登録"
        text = f"ただいま{doing}の途中です。続けて伺います（やめるときは「やめる」と送ってください）。"
        return Answer([Reply(text)], question)
    return Answer([], question, start=what)


# --- unsure -------------------------------------------------------------------------------------------
def _suggest(question: Question, catalogue: Catalogue, log: str) -> Answer:
    """「もしかして」: the closest topics as buttons, built from what the message did name."""
    options: list[dict[str, str]] = []
    subject = ""
    for exam_id in question.exams:
        exam = catalogue.exam(exam_id)
        if exam:
            options += assistance.exam_options(exam)
            subject = exam.name
    for course_id in question.courses:
        course = catalogue.course(course_id)
        if course:
            options += assistance.course_options(course)
            subject = subject or course.name
    intents = list(TOPIC_SUGGESTIONS.get(question.topic or "", ())) + list(question.suggestions)
    for intent in intents:
        title, payload_intent = SUGGESTION_BUTTONS[intent]
        candidate = button(title, payload_intent)
        if candidate not in options and len(options) < 3:
            options.append(candidate)
    if not options:
        return Answer(
            [assistance.cannot_answer(catalogue.main_contact(), low_confidence=True)], question, log="low_confidence"
        )
    which = _which_item(question, catalogue) if log == "vague" else None
    return Answer([assistance.suggestions(options[:3], catalogue.main_contact(), subject, which)], question, log=log)


def _which_item(question: Question, catalogue: Catalogue) -> tuple[str, list[str]] | None:
    """The kind of item and its names, when the topic is clear and no item is named (「それいくら？」)."""
    if question.courses or question.exams or question.phases:
        return None
    if question.topic == "course":
        return "研修", [c.name for c in catalogue.courses()]
    if question.topic in ("subsidy", "exam", "study"):
        return "試験", [e.name for e in catalogue.exams()]
    return None


# A sentence in words (kanji or katakana), with nothing that points at something unnamed (やつ, 件 …).
_WORDS = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff]")
_POINTING = re.compile(r"やつ|ヤツ|件|あれ|それ|これ|例の|なんとか|なんだっけ|何だっけ|アレ")


def _everyday(question: Question) -> bool:
    """「お昼なに食べよう」: a sentence with nothing of the catalogue in it (no topic, question word, name,
    period or fact) is not ours, rather than unclear; gibberish and 「水曜のやつ」 stay unclear."""
    ours = (
        question.topic
        or question.stated_asks
        or question.topic_words
        or question.courses
        or question.exams
        or question.phases
        or question.not_offered
        or question.period
        or question.facts
    )
    text = question.text
    return not ours and len(text) >= 5 and bool(_WORDS.search(text)) and not _POINTING.search(text)


def _not_understood(question: Question, catalogue: Catalogue) -> Answer:
    office = catalogue.main_contact()
    if assistance.is_english(question.text):
        return Answer([assistance.cannot_answer(office, True, asked_in_english=True)], question, log="low_confidence")
    # 「水曜のやつ」 points at something of ours it does not name: unclear, whatever the NLU says
    outside = question.intent == "out_of_scope" and question.confidence >= 0.5 and not _POINTING.search(question.text)
    if outside or _everyday(question):
        return Answer([assistance.cannot_answer(office, low_confidence=False)], question, log="out_of_scope")
    if question.suggestions:
        return _suggest(question, catalogue, log="low_confidence")
    return Answer([assistance.cannot_answer(office, low_confidence=True)], question, log="low_confidence")
