"""The understanding step: one message, plus the question before it, becomes a :class:`Question`.

    message ─ tokens (readings) ─┬─ names (courses, exams, facts …)      bot.understanding.names
                                 ├─ question words (asks, topics, markers) bot.understanding.lexicon
                                 ├─ facts about the person                 bot.understanding.facts
                                 ├─ the period asked about                 bot.dates.find_period
                                 └─ a reminder's lead (「前日」「1週間前」)  bot.understanding.lead_time
             + the NLU's intent (one input among these, not the only one)
             + the previous question (follow-ups, corrections, answers to our questions)
                                 → Question                                bot.understanding.context

What a question is **about** (its topic) is weighed from all of these (:func:`_topic`): a topic word
(「補助」「勉強」) counts most, then the asks (「いくら」 belongs to the subsidy, 「いつ」 to courses and
exams), the items named, the facts told, and the intent. When a message tells a story and asks at
the end, the last sentence that asks is the question; names and facts may still come from the rest.
A request to be reminded (「RPA研修の前の日に教えて」「リマインド一覧」) is about the reminder, whatever
it reminds of: the course named is what to remind of, not the topic.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.catalogue.contract import RULE_FACTS
from bot.catalogue.queries import Catalogue
from bot.text.normalize import normalize
from bot.text.readings import tokens as tokenize
from bot.understanding.context import with_context
from bot.understanding.facts import read_facts
from bot.understanding.formats import format_asked, format_words, venue_asked, venue_words
from bot.understanding.lead_time import lead_days
from bot.understanding.lexicon import Hit, Lexicon
from bot.understanding.names import Mention, NameFinder
from bot.understanding.periods import find_periods
from bot.understanding.question import PersonFact, Question
from bot.understanding.unclear import (
    REMINDER,
    SMALLTALK,
    SURE,
    UNFINISHED,
    bare_word,
    is_vague,
    keyword_salad,
    not_topic_words,
    smalltalk_intent,
    unresolved_reference,
)

INTENT_TOPIC = {
    "ask_schedule": "course",
    "ask_course_details": "course",
    "list_courses": "course",
    "ask_subsidy_amount": "subsidy",
    "check_subsidy_eligibility": "subsidy",
    "ask_subsidy_procedure": "subsidy",
    "ask_study_tips": "study",
    "ask_contact": "contact",
    "register_interest": "registration",
    "ask_my_registrations": "registration",
    "cancel_registration": "registration",
}
INTENT_ASK = {
    "ask_schedule": "when",
    "ask_course_details": "content",
    "list_courses": "list",
    "ask_subsidy_amount": "amount",
    "check_subsidy_eligibility": "eligibility",
    "ask_subsidy_procedure": "procedure",
    "ask_study_tips": "study",
    "ask_contact": "contact",
    "register_interest": "register",
    "ask_my_registrations": "my_status",
    "cancel_registration": "cancel",
}
# 「3日前に教えてもらった」「前日に教えてくれた」: told before, not asked now.
_TOLD_BEFORE = re.compile(
    r"^(?:もらっ|もらい|貰っ|くれた|くれまし|いただい|いただきまし|頂い|た(?:[。、，,！!？?]|$)|ました)"
)
# Asks that say by themselves that a question is ours, even when the NLU calls it out of scope.
DISTINCTIVE_ASKS = {
    "rounding",
    "rate",
    "payment",
    "documents",
    "where_to_apply",
    "procedure",
    "times",
    "study",
    "study_hours",
    "study_group",
    "register",
    "apply_here",
    "my_status",
    "cancel",
    "contact",
    "remind",
    "remind_deadline",
    "reminders",
    "unremind",
}
ITEM_TOPICS = {"exam": ("subsidy", "study", "exam")}
_CLAUSE = re.compile(r"[^、，,。．！？!?\n]+[、，,。．！？!?\n]*")
_SENTENCE = re.compile(r"[^。．！？!?\n]+[。．！？!?\n]*")
_ASKING = re.compile(r"[?？]|か[。．]?$|教えて|知りたい|ください|下さい|ますか|でしょうか|いただけ|頂け|の[？?]?$")


@dataclass(frozen=True)
class Message:
    """One user message as the NLU gave it to the action server."""

    text: str
    intent: str | None = None
    confidence: float = 0.0
    ranking: Sequence[tuple[str, float]] = ()
    entities: Sequence[tuple[str, str]] = ()  # (kind, value) from the NLU or a button payload
    active_form: str | None = None

    @property
    def is_button(self) -> bool:
        return self.text.startswith("/")


class Understander:
    """The understanding step for one catalogue (names, words and vocabularies loaded once)."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.names = NameFinder(
            catalogue.alias_readings(),
            catalogue.name_words(),
            catalogue.phases(),
            catalogue.not_offered(),
            catalogue.matcher,
        )
        self.lexicon = Lexicon(catalogue.question_words())
        self.ask_topics = catalogue.ask_topics()
        self.cohorts = {c.name: c.id for c in catalogue.cohorts()}
        self.cohort_courses = {c.id: c.course_id for c in catalogue.cohorts()}
        self.format_words = format_words(catalogue.courses())
        self.venue_words = venue_words(catalogue.sessions())

    def understand(self, message: Message, previous: Question | None, today: dt.date) -> Question:
        """The structured question (see the module docstring)."""
        if message.is_button:
            return self._from_button(message, previous)
        kana = romaji_as_kana(message.text)
        if kana:  # 「kensyuu」 typed without the IME: read as けんしゅう (the NLU saw Latin letters)
            message = Message(kana, None, 0.0, (), (), message.active_form)
        question = self._read(message, today, previous)
        return with_context(question, previous, self.ask_topics)

    # --- a typed message ---------------------------------------------------------------------
    def _read(self, message: Message, today: dt.date, previous: Question | None) -> Question:
        text = message.text
        tokens = tokenize(text)
        mentions = _yield_to_longer_words(self.names.find(text, tokens), self.lexicon.find(text, tokens, ()))
        spans = [(m.start, m.end) for m in mentions]
        # Facts, markers and question words are found apart: 「補助を受けたい」 asks (補助を受け) even
        # though 補助を受けた is also a fact's word.
        hits = self.lexicon.find(text, tokens, spans, groups=("asks", "topics"))
        inner_topics = _inside_asks(self.lexicon.find(text, tokens, spans, groups=("topics",)), hits)
        hits += self.lexicon.find(text, tokens, spans, groups=("facts",))
        hits += self.lexicon.find(text, tokens, (), groups=("markers",))
        # 「不勉強で」「無資格」: a word after a negating prefix is another word
        hits = [h for h in hits if h.group == "markers" or h.start == 0 or text[h.start - 1] not in _NEGATING_PREFIX]
        hits = [h for h in hits if not (self._reminds(h) and _TOLD_BEFORE.match(text[h.end :]))]
        asking = _asking_sentences(text, hits)

        def in_question(position: int) -> bool:
            return any(start <= position < end for start, end in asking)

        question_mentions = [m for m in mentions if in_question(m.start)]
        asks = _unique(h.name for h in hits if h.group == "asks" and in_question(h.start))
        topic_words = _unique(h.name for h in hits if h.group == "topics" and in_question(h.start)) or _unique(
            h.name for h in hits if h.group == "topics"
        )
        named_in_question = any(m.kind in ("course", "exam", "phase", "not_offered") for m in question_mentions)
        only_a_list = set(asks) == {"list"}  # 「研修の一覧を…」 after a story that named a course names nothing
        items = question_mentions if named_in_question or only_a_list else mentions
        items = _after_correction(items, hits)
        courses = _courses(items)
        weak = _unique(m.target for m in items if m.kind == "course" and not m.strong)
        exams = _unique(m.target for m in items if m.kind == "exam")
        phases = _unique(m.target for m in items if m.kind == "phase")
        not_offered = [m for m in mentions if m.kind == "not_offered"]
        facts = read_facts(text, mentions, hits, today)
        entity_items = {kind: [v for k, v in message.entities if k == kind] for kind in ("course", "exam")}
        cohort = self._cohort(text)
        if cohort and not courses:  # 「第7期の申込はいつまで？」 is about the leader programme
            courses = (self.cohort_courses[cohort],)
        if not not_offered:  # the NLU's entities may be a name we do not offer, read as a typo of ours
            courses = courses or tuple(entity_items["course"])
            exams = exams or tuple(entity_items["exam"])
        asks = _refined_asks(text, asks, hits, courses, exams, topic_words)
        before = previous.period if previous else None
        periods = find_periods(_period_text(text, asking, hits), today, before)
        corrected = [h.end for h in hits if h.name == "correction"]
        if corrected:  # 「12月の回…と思ったけど1月の回は？」: the period said after the correction
            periods = find_periods(text[corrected[-1] :], today, before) or periods
        period = periods[0] if periods else None
        topic = _topic(
            self.ask_topics,
            asks,
            topic_words,
            courses,
            weak,
            exams,
            phases,
            not_offered,
            facts,
            message,
            bool(set(courses) & set(self.cohort_courses.values())),
            period is not None,
            inner_topics,
        )
        if topic == "course" and not courses and weak and not exams:
            courses = weak
        said_asks = tuple(asks)
        own_asks = tuple(a for a in asks if topic in self.ask_topics.get(a, ()))
        course_format = format_asked(text, self.format_words) if topic == "course" and not courses else ""
        venue = venue_asked(text, self.venue_words) if topic == "course" and not courses else ""
        asks = _asks_for(topic, asks, self.ask_topics, message, courses, exams)
        lead = lead_days(text) if topic == REMINDER else None
        return Question(
            text=text,
            intent=message.intent,
            confidence=message.confidence,
            topic=topic,
            asks=asks,
            stated_asks=said_asks,
            courses=courses,
            exams=exams,
            phases=phases,
            cohort=cohort,
            period=period,
            more_periods=tuple(periods[1:]),
            facts=facts,
            not_offered=tuple(m.target for m in not_offered),
            not_offered_kind=not_offered[0].subkind if not_offered else "",
            topic_words=topic_words,
            course_format=course_format,
            venue=venue,
            lead_days=lead,
            corrects=any(h.name == "correction" for h in hits),
            smalltalk=smalltalk_intent(message, topic, asks, courses, exams, topic_words, facts),
            vague=is_vague(
                message,
                topic,
                own_asks,
                courses,
                exams,
                phases,
                period,
                facts,
                topic_words,
                [self.ask_topics.get(a, ()) for a in said_asks],
                not_topic_words(own_asks, hits),
                said_asks,
                course_format or venue,
            )
            or (
                previous is None
                and (
                    bare_word(text, hits, self.cohorts)
                    or unresolved_reference(text, hits, items)
                    or keyword_salad(text, topic_words)
                )
            )
            or (bool(UNFINISHED.search(normalize(text))) and not facts and not message.active_form),
            suggestions=tuple(name for name, _ in message.ranking if name in INTENT_TOPIC)[:3],
        )

    def _reminds(self, hit: Hit) -> bool:
        return hit.group == "asks" and REMINDER in self.ask_topics.get(hit.name, ())

    def _cohort(self, text: str) -> str | None:
        normalised = normalize(text)
        named = [cohort_id for name, cohort_id in self.cohorts.items() if name and name in normalised]
        return named[0] if len(named) == 1 else None

    # --- a button ------------------------------------------------------------------------------
    def _from_button(self, message: Message, previous: Question | None) -> Question:
        """A button sends ``/intent{"entity": "value"}``: its intent and entities say everything."""
        entities = dict(message.entities)
        facts = tuple(
            PersonFact(kind, value)
            for kind, value in message.entities
            if kind in ("employment_type", "pass_status", "department")
        )
        question = Question(
            text=message.text,
            intent=message.intent,
            confidence=1.0,
            topic=INTENT_TOPIC.get(message.intent or ""),
            asks=(INTENT_ASK[message.intent],) if message.intent in INTENT_ASK else (),
            courses=(entities["course"],) if "course" in entities else (),
            exams=(entities["exam"],) if "exam" in entities else (),
            cohort=entities.get("cohort"),
            facts=facts,
            smalltalk=message.intent if message.intent in SMALLTALK else None,
            button=True,
        )
        return with_context(question, previous, self.ask_topics)


def _inside_asks(topics: Sequence[Hit], hits: Sequence[Hit]) -> tuple[str, ...]:
    """The topics named inside a longer question word (試験 in 「試験の一覧」, 勉強 in 「勉強法」)."""
    asks = [h for h in hits if h.group == "asks"]
    return _unique(
        t.name
        for t in topics
        if any(a.start <= t.start and t.end <= a.end and a.end - a.start > t.end - t.start for a in asks)
    )


def _yield_to_longer_words(mentions: list[Mention], words: Sequence[Hit]) -> list[Mention]:
    """A name found only by a keyword inside a longer question word is that word (「おんらいん」 is
    オンライン, not the ライン of LINE): the longest reading wins."""
    return [
        m
        for m in mentions
        if m.how != "keyword"
        or not any(h.start <= m.start and m.end <= h.end and h.end - h.start > m.end - m.start for h in words)
    ]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """The values in their first order, each once."""
    return tuple(dict.fromkeys(values))


def _asking_sentences(text: str, hits: Sequence[Hit]) -> list[tuple[int, int]]:
    """The spans of the sentences that ask something (the whole text if none does): a story before
    the question (「先日合格しました。…補助はいくら？」) is context, not the question."""
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]
    if len(sentences) <= 1:
        return [(0, len(text))]

    def asks_in(span: tuple[int, int]) -> bool:
        return any(h.group == "asks" and span[0] <= h.start < span[1] for h in hits)

    cued = [(s, e) for s, e in sentences if _ASKING.search(text[s:e].strip())]
    if cued:  # 「…補助いくら？あと勉強時間も」: a sentence after the question that asks more belongs to it
        return [span for span in sentences if span in cued or (span[0] > cued[0][0] and asks_in(span))]
    asking = [span for span in sentences if asks_in(span)]
    return asking or [(0, len(text))]


def _after_correction(mentions: list[Mention], hits: Sequence[Hit]) -> list[Mention]:
    """「ITパスの補助額、あ、間違えた、G検定の…」「RPAの研修…じゃなくてSNSの」: the items after a
    correction that stands between two of them replace those before it."""
    items = [m for m in mentions if m.kind in ("course", "exam")]
    cuts = [
        h.start
        for h in hits
        if h.name == "correction" and any(m.end <= h.start for m in items) and any(m.start >= h.start for m in items)
    ]
    if not cuts:
        return mentions
    return [m for m in mentions if m.start >= cuts[-1] or m.kind not in ("course", "exam")]


def _period_text(text: str, asking: Sequence[tuple[int, int]], hits: Sequence[Hit]) -> str:
    """The clauses a period may be asked in: in each asking sentence, the clause of its last question
    word and the one before it.

    In 「先週異動してきて、…紙を読み取る研修があると聞いたんですがいつですか」, 先週 tells the story; the
    question is about when the course is."""
    found = []
    for start, end in asking:
        clauses = [(m.start() + start, m.end() + start) for m in _CLAUSE.finditer(text[start:end])]
        asked = [i for i, (s, e) in enumerate(clauses) if any(h.group == "asks" and s <= h.start < e for h in hits)]
        last = asked[-1] if asked else len(clauses) - 1
        keep = {last - 1, last}
        found += [text[s:e] for i, (s, e) in enumerate(clauses) if i in keep]
    return "、".join(found)


def _courses(mentions: Sequence[Mention]) -> tuple[str, ...]:
    """Courses named strongly. Of the courses found by words, those a word points at alone win over
    those only a shared word points at (「文字起こしをAIで」: 文字起こし is AI議事録's alone, AI is three's)."""
    named = [m.target for m in mentions if m.kind == "course" and m.strong and not m.by_word]
    by_word = [m for m in mentions if m.kind == "course" and m.strong and m.by_word]
    spans: dict[tuple[int, int], set[str]] = {}
    for m in by_word:
        spans.setdefault((m.start, m.end), set()).add(m.target)
    certain = {next(iter(targets)) for targets in spans.values() if len(targets) == 1}
    chosen = [m.target for m in by_word if not certain or m.target in certain]
    return _unique([*named, *chosen])


def _topic(
    ask_topics: dict[str, tuple[str, ...]],
    asks: Sequence[str],
    topic_words: Sequence[str],
    courses: Sequence[str],
    weak: Sequence[str],
    exams: Sequence[str],
    phases: Sequence[str],
    not_offered: Sequence[Mention],
    facts: Sequence[PersonFact],
    message: Message,
    has_cohorts: bool = False,
    has_period: bool = False,
    inner_topics: Sequence[str] = (),
) -> str | None:
    """What the question is about, weighed from everything the message says (module docstring)."""
    if REMINDER in topic_words or any(REMINDER in ask_topics.get(ask, ()) for ask in asks):
        return REMINDER  # 「RPA研修の前の日に教えて」: the course is what to remind of
    score: dict[str, float] = defaultdict(float)
    for topic in topic_words:
        score[topic] += 3
    for topic in inner_topics:  # 「試験の一覧」: the question word names its topic too
        score[topic] += 1
    for ask in asks:
        topics = ask_topics.get(ask, ())
        for topic in topics:  # a word that belongs to one topic says more than one shared by three
            score[topic] += 3 if len(topics) == 1 else 2 / len(topics)
    if courses or phases:
        score["course"] += 2
    elif weak:
        score["course"] += 0.5
    for topic in ("subsidy", "study", "exam") if exams else ():
        score[topic] += 1
    for mention in not_offered:
        for topic in ITEM_TOPICS.get(mention.subkind, ("course",)):
            score[topic] += 1
    if any(f.name in RULE_FACTS for f in facts):
        score["subsidy"] += 1.5
    if any(f.name == "age" for f in facts):
        score["registration"] += 1.5
    if has_period:  # 「12/16って何がある？」: a day or a month is asked about for its sessions
        score["course"] += 1
    if has_cohorts:  # a course people register for (the leader programme): registration is near
        score["registration"] += 1.5
    intent_topic = INTENT_TOPIC.get(message.intent or "")
    if intent_topic:
        score[intent_topic] += 2.5 * message.confidence
    distinctive = set(asks) & DISTINCTIVE_ASKS and not (message.intent == "out_of_scope" and message.confidence >= SURE)
    if message.intent in ("out_of_scope", "nlu_fallback") and not (
        topic_words
        or courses
        or weak
        or exams
        or phases
        or not_offered
        or facts
        or distinctive
        or inner_topics
        or (has_period and asks and message.intent == "nlu_fallback")
    ):
        return None  # question words alone (「いつ？」「何日残ってる？」) do not make it ours
    if not score:
        return None
    best = max(score.values())
    leaders = [t for t, s in score.items() if s == best]
    topic = intent_topic if intent_topic in leaders else leaders[0]
    if topic == "course" and not (courses or phases or weak) and exams and "course" not in topic_words:
        return "exam"  # 「G検定はいつ？」 is about the exam's dates, not a course's
    return topic


def _asks_for(
    topic: str | None,
    asks: Sequence[str],
    ask_topics: dict[str, tuple[str, ...]],
    message: Message,
    courses: Sequence[str],
    exams: Sequence[str],
) -> tuple[str, ...]:
    """The asks that belong to the topic; else what the intent asks, if it is about the same topic."""
    if topic is None:
        return tuple(asks)
    fitting = tuple(a for a in asks if topic in ask_topics.get(a, ()))
    if fitting:
        return fitting
    intent_ask = INTENT_ASK.get(message.intent or "")
    if intent_ask and topic in ask_topics.get(intent_ask, ()):
        return (intent_ask,)
    return ()


_NEGATING_PREFIX = "不無非未"
_NAMES_THE_SUBSIDY = re.compile(r"\s*(?:の|への)?\s*補助")
_EXISTENCE = {
    "ってある",
    "はある",
    "ありますか",
    "はありますか",
    "ってありますか",
    "あるの",
    "あるん",
    "何かある",
    "何かあり",
}


def _refined_asks(
    text: str,
    asks: tuple[str, ...],
    hits: Sequence[Hit],
    courses: Sequence[str],
    exams: Sequence[str],
    topic_words: Sequence[str],
) -> tuple[str, ...]:
    """Asks read in the light of each other and of the items named:

    * 「締め切りっていつ？」: いつ asks when the deadline is, not for a date of its own;
    * 「リーダー研修の対象になりますか」: 対象になる about a course (no exam, no subsidy word) asks
      whom the course is for, not whether the subsidy applies;
    * 「ITパスポートの申込は？」: applying for an exam (no course, no subsidy word) is done with its
      organiser, whose site says how."""
    if "deadline" in asks and "when" in asks:
        when_words = [h.text for h in hits if h.group == "asks" and h.name == "when"]
        if all(w in ("いつ", "いつごろ", "いつ頃") for w in when_words):  # not 「いつからいつまで」
            asks = tuple(a for a in asks if a != "when")
    if courses and not exams and "subsidy" not in topic_words and "eligibility" in asks:
        asks = _unique("target" if a == "eligibility" else a for a in asks)
    if exams and not courses and "subsidy" not in topic_words and "how_to_apply" in asks:
        asks = _unique("organizer" if a == "how_to_apply" else a for a in asks)  # 「ITパスの申込は？」: the exam's
    fee_words = [h for h in hits if h.name == "fee"]
    if fee_words and all(_NAMES_THE_SUBSIDY.match(text, h.end) for h in fee_words) and "amount" not in asks:
        asks = tuple(a for a in asks if a != "fee")  # 「受験料の補助はどうにかならない？」: 受験料 says what is paid
    eligibility = {(h.start, h.end) for h in hits if h.name == "eligibility"}
    if any(h.name == "available" and (h.start, h.end) in eligibility for h in hits):
        asks = tuple(a for a in asks if a != "available")  # 「補助受けられる？」 (は/を dropped) asks for a verdict
    existence = [h for h in hits if h.group == "asks" and h.name == "list"]
    if "subsidy" in topic_words and existence and all(h.text in _EXISTENCE for h in existence):
        asks = _unique("available" if a == "list" else a for a in asks)  # 「補助はありますか」: is there one
    if courses and not exams and "subsidy" not in topic_words and "procedure" in asks:
        asks = _unique("how_to_apply" if a == "procedure" else a for a in asks)  # 「勉強会に出る手続きは？」
    if "subsidy" in topic_words and not courses and "how_to_apply" in asks:
        asks = _unique("procedure" if a == "how_to_apply" else a for a in asks)  # 「補助の申し込み方法」
    return asks


_ROMAJI = re.compile(r"[A-Za-z\s,.?!'-]+")
_ROMAJI_SYLLABLE = re.compile(r"(?:[kgsztdnhbpmyrwfjcv]{0,3}[aiueo]|n)+", re.IGNORECASE)


def romaji_as_kana(text: str) -> str | None:
    """Japanese typed in Latin letters (「kensyuu」「jyukenryou」) as hiragana, else None.

    Only text made entirely of romaji syllables counts; English words (「RPA」「When is…」) do not."""
    import jaconv

    words = [w.strip(",.?!'") for w in text.split()]
    if not words or not _ROMAJI.fullmatch(text) or any(w.isupper() for w in words):  # RPA, FE: acronyms
        return None
    if max(len(w) for w in words) < 4 or not all(_ROMAJI_SYLLABLE.fullmatch(w) for w in words if w):
        return None
    kana = jaconv.alphabet2kana(text.lower())
    return None if re.search(r"[a-z]", kana) else kana


@lru_cache(maxsize=4)
def understander(catalogue: Catalogue) -> Understander:
    """The understanding step for a catalogue (built once: it loads names and word lists)."""
    return Understander(catalogue)
