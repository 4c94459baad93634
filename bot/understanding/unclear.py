"""Whether a question is unclear, small talk, or a request by itself — the checks the reader applies
after it has found names, words, facts and periods (bot.understanding.reader).

* small talk: greetings, thanks, help, yes/no, and nothing of the catalogue asked;
* vague: on topic, but what is asked is open (「補助のやつ」「研修…」), several topics in a few words,
  an item's fact asked with no item named;
* at the start of a conversation: one word that leaves the topic open (「受験料」), words pointing back at
  nothing (「それいくら？」), a string of bare keywords (「ほじょ しけん いつ」);
* anywhere: a message left unfinished after a noun (「勉強会の補助の申込の」) or with a placeholder word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.catalogue.contract import RULE_FACTS
from bot.dates import Period
from bot.text.normalize import normalize
from bot.understanding.lexicon import Hit
from bot.understanding.names import Mention
from bot.understanding.question import PersonFact

if TYPE_CHECKING:
    from bot.understanding.reader import Message

REMINDER = "reminder"  # the topic of requests to be told later (bot/answers/reminders.py)
SMALLTALK = ("greet", "goodbye", "thank", "help", "bot_identity", "affirm", "deny", "stop")
UNSURE = ("nlu_fallback", "out_of_scope", "inform", None)
# Asks a word says completely by itself (「研修一覧」「申込状況」「取り消したい」「問い合わせ先」).
# Asks answered without an item named (the rate and rounding are the same for every exam; the documents,
# where to apply and when it is paid are one procedure; how to study has advice for any exam; a reminder
# request says what it wants even when it names nothing yet: we ask what to remind of).
SELF_CONTAINED = {
    "list", "my_status", "cancel", "contact", "register", "apply_here", "study_group", "study",
    "rate", "rounding", "documents", "where_to_apply", "payment",
    "remind", "remind_deadline", "reminders", "unremind",
}  # fmt: skip
SHORT_MESSAGE = 20  # characters: a string of topic words this short is a search, not a question
SURE = 0.8  # an intent this confident says what a message without question words asks
# Course facts that need a course to be answered (asked with no course named, they are unclear).
ITEM_ASKS = {"deadline", "venue", "format", "seats", "target", "hours", "content", "how_to_apply"}


def smalltalk_intent(
    message: Message,
    topic: str | None,
    asks: Sequence[str],
    courses: Sequence[str],
    exams: Sequence[str],
    topic_words: Sequence[str],
    facts: Sequence[PersonFact],
) -> str | None:
    """Greetings, thanks, help, yes/no: only when the message asks nothing of the catalogue."""
    if message.intent not in SMALLTALK:
        return None
    # 「使い方を教えてください」: 教えて alone (the content ask) asks nothing of the catalogue
    generic = set(asks) <= {"content"} and message.confidence >= SURE
    if (asks and not generic) or courses or exams or topic_words or any(f.name in RULE_FACTS for f in facts):
        return None
    return message.intent


def is_vague(
    message: Message,
    topic: str | None,
    asks: Sequence[str],
    courses: Sequence[str],
    exams: Sequence[str],
    phases: Sequence[str],
    period: Period | None,
    facts: Sequence[PersonFact],
    topic_words: Sequence[str],
    said_topics: Sequence[tuple[str, ...]] = (),
    real_asks: Sequence[str] = (),
    said_asks: Sequence[str] = (),
    course_format: str = "",
) -> bool:
    """On topic, but nothing says what is wanted: 「補助のやつ」, 「研修…」, 「ITパスポートのことなんですけど」,
    a course's details asked with no course named (「申し込み…」), or several topics at once with no
    name (「べんきょう ほじょ にってい」). A reminder request always says what it wants (set, list, cancel)."""
    if topic is None or topic == REMINDER or period or phases or facts:
        return False
    several = len(set(topic_words))
    # every topic the words touch: topic words, and the first topic of each question word
    signals = len(set(topic_words) | {topics[0] for topics in said_topics if topics})
    if not (courses or exams) and (
        (several >= 2 and not asks) or (signals >= 3 and len(message.text) <= SHORT_MESSAGE and not real_asks)
    ):
        return True  # 「べんきょう ほじょ にってい」: several topics in a few words, nothing named
    if topic == "course" and asks and not courses and set(asks) <= ITEM_ASKS and not course_format:
        return "list" not in said_asks  # 「申込のいらない研修はどれ？」 asks it of every course
    if asks or ((courses or exams) and topic_words):
        return False  # 「FEの補助」: a name and its topic say enough (the topic's usual answer)
    if topic == "course" and courses and _ASKING_END.search(message.text):
        return False  # 「WinActorの使い方を習えるのってある？」: a course asked about, its overview answers
    if topic in topic_words and "content" in said_asks:
        return False  # 「受験料補助の仕組みを教えてください」: the topic's overview
    sure_intent = message.intent not in UNSURE and message.confidence >= SURE
    return not sure_intent


# A message that opens by pointing back (「それいくら？」「その研修、何時から？」「これって補助出る？」), not
# with a word that merely starts like one (それぞれ, その次, これから, この前, このチャット, filler あの、).
_OPENS_POINTING = re.compile(
    r"^[\s「『]*(?:それ|あれ|これ|その|あの|この)(?!ぞれ|次|他|ほか|外|後|前|間|まま|から|まで|うち|チャット|アシスタント|ボット|[、,ー～〜ぉおう])"
)


def unresolved_reference(text: str, hits: Sequence[Hit], items: Sequence[Mention]) -> bool:
    """「あれっていつだっけ」「それいくら？」 with nothing said before and nothing named: what あれ is, is a guess."""
    named = any(m.kind in ("course", "exam", "phase", "not_offered") for m in items)
    return not named and (any(h.name == "reference" for h in hits) or bool(_OPENS_POINTING.match(text)))


def not_topic_words(asks: Sequence[str], hits: Sequence[Hit]) -> tuple[str, ...]:
    """The asks said by a word that is not also a topic word (「勉強のコツ」 asks; 「べんきょう」 names a topic)."""
    topic_spans = {(h.start, h.end) for h in hits if h.group == "topics"}
    return tuple(
        dict.fromkeys(
            h.name for h in hits if h.group == "asks" and h.name in asks and (h.start, h.end) not in topic_spans
        )
    )


# A message that asks whether something exists (「…のってある？」「…習える研修ありませんか」).
_ASKING_END = re.compile(r"(?:ある|あります|ありますか|あるの|あるん|ない|ありませんか|ないですか)[?？\s。．!！…]*$")
_BARE_EDGES = re.compile(r"^[\s「『]+|(?:[\s、。,.!！…」』🤔]|とか|のこと|について|の件で?)+$")
# A message left unfinished after a noun (「勉強会の補助の申込の」; not the question's 「どうなるの」), or with
# a word standing in for one not remembered (「資格補助なんたら」「DXのなんとか」): what it asks is a guess.
UNFINISHED = re.compile(
    r"(?:[\u4e00-\u9fff\u30a0-\u30ffA-Za-z0-9]の|なんとか|何とか|なんたら|ナンタラ|ナントカ|うんぬん|云々|かんとか)[\s。…、]*$"
)
_ASKED = re.compile(r"[?？]+$|は[?？]*$")


def keyword_salad(text: str, topic_words: Sequence[str]) -> bool:
    """「ほじょ しけん いつ」「講座 日 補」: three or more bare words that touch two topics, no sentence."""
    parts = text.split()
    return len(parts) >= 3 and all(len(p) <= 4 for p in parts) and len(set(topic_words)) >= 2


def bare_word(text: str, hits: Sequence[Hit], cohorts: dict[str, str]) -> bool:
    """A conversation opened with one word (「受験料」「いくら？」「スケジュール」「勉強のこと」「第7期」):
    which question is meant is a guess, so the closest ones are offered. (Later in a conversation, one
    word continues the topic: bot.understanding.context.)"""
    core = _ASKED.sub("", _BARE_EDGES.sub("", normalize(text)))
    said = [h for h in hits if h.group in ("asks", "topics")]
    # the words as said: 受験料, not also the 受験 inside it
    words = [
        h
        for h in said
        if not any(o.start <= h.start and h.end <= o.end and o.end - o.start > h.end - h.start for o in said)
    ]
    if len({(h.start, h.end) for h in words}) == 1 and core == normalize(words[0].text):
        # 「いくら？」「スケジュール」: whose amount, which schedule? A word that does something by itself
        # (「研修一覧」「申込状況」「取り消したい」) is a request.
        # 「勉強法」 asks for advice; 「べんきょう」, also a topic word, only names the topic
        topic_spans = {(h.start, h.end) for h in said if h.group == "topics"}
        return not any(h.name in SELF_CONTAINED and (h.start, h.end) not in topic_spans for h in words)
    return core in cohorts
