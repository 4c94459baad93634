"""The understanding step on the frozen catalogue: names, question words, facts, periods, topics.

Each test names a class of question (issue 10), with phrasings of our own; the behavioural suites
(tests/conversations/) hold phrasings written by people who never saw this code.
"""

import datetime as dt

import pytest

from bot.text.readings import tokens
from bot.understanding.names import Mention
from bot.understanding.numbers import age_decade, months_in, number
from bot.understanding.periods import find_periods
from bot.understanding.question import DENIED, HYPOTHETICAL, OTHER, SELF, STATED, PersonFact, Question
from bot.understanding.reader import Message, romaji_as_kana, understander

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def understand(catalogue):
    step = understander(catalogue)

    def read(text, intent=None, confidence=0.9, previous=None, entities=()):
        return step.understand(Message(text, intent, confidence if intent else 0.0, (), entities), previous, TODAY)

    return read


@pytest.fixture(scope="module")
def names(catalogue):
    finder = understander(catalogue).names

    def find(text):
        return [(m.kind, m.target) for m in finder.find(text, tokens(text))]

    return find


# --- names ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, found",
    [
        ("広報の研修っていつ？", ("course", "sns")),  # a word of its name
        ("打ち合わせの文字起こしをAIでやる研修", ("course", "ai_minutes")),  # a keyword beats the shared 「AI」
        ("えくせるの講座", ("course", "excel")),  # kana for a keyword
        ("ロボットで事務作業を自動化する研修", ("course", "rpa")),
        ("りーだけんしゅう", ("course", "leader")),  # long vowel dropped, typed in kana
        ("データベススペシャリスト", ("exam", "db")),  # long vowel dropped
        ("ｱｲﾊﾟｽ", ("exam", "itpass")),
        ("演習は何月？", ("phase", "leader:2")),
        ("簿記の補助は？", ("not_offered", "簿記")),
        ("英検の受験料", ("not_offered", "英検")),
    ],
)
def test_items_named_by_name_alias_word_or_not_at_all(names, text, found):
    assert found in names(text)


def test_a_shared_word_names_every_course_it_belongs_to(names):
    assert {t for k, t in names("AIの研修") if k == "course"} == {"ai_study", "ai_ocr", "ai_minutes"}


def test_a_negated_name_is_not_a_mention(names):
    assert ("pass_status", "passed") not in names("不合格でした")
    assert ("pass_status", "not_passed") in names("不合格でした")


def test_a_particle_is_not_a_typo(names):
    assert ("employment_type", "fiscal_year") not in names("勉強会は年度末まで")


def test_description_words_are_weak_and_give_way(catalogue):
    finder = understander(catalogue).names
    alone = finder.find("kintoneを学べる研修", tokens("kintoneを学べる研修"))
    assert [(m.target, m.strong) for m in alone if m.kind == "course"] == [("leader", False)]
    with_name = finder.find("RPA研修でkintone", tokens("RPA研修でkintone"))
    assert [m.target for m in with_name if m.kind == "course"] == ["rpa"]


# --- question words --------------------------------------------------------------------------------
def test_question_words_by_characters_and_by_reading(catalogue):
    lexicon = understander(catalogue).lexicon

    def asks(text):
        return [h.name for h in lexicon.find(text, tokens(text)) if h.group == "asks"]

    assert set(asks("締め切りはいつまで？")) == {"deadline"}  # いつまで, not also いつ (when)
    assert asks("しめきりは？") == ["deadline"]
    assert "rate" in asks("ﾎｼﾞｮﾘﾂﾊ?")
    assert asks("いつもの研修") == []  # 「いつも」 is not 「いつ」
    assert set(asks("補助は何回？")) >= {"times", "count"}  # a shared word hits for both; the topic decides


# --- facts -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, fact",
    [
        ("正規職員です", PersonFact("employment_type", "regular", STATED, SELF)),
        ("合格したら補助出ますか", PersonFact("pass_status", "passed", HYPOTHETICAL, SELF)),
        ("正規職員ではありません", PersonFact("employment_type", "regular", DENIED, SELF)),
        ("部下が会計年度任用職員なんですが", PersonFact("employment_type", "fiscal_year", STATED, OTHER)),
        ("データベーススペシャリスト合格。補助は？", PersonFact("pass_status", "passed", STATED, SELF)),
        ("合格発表から5か月たちました", PersonFact("months_since_pass", 5.0, STATED, SELF)),
        ("一度補助を受けたけど", PersonFact("previous_subsidies", 1, STATED, SELF)),
        ("20代だとだめですか", PersonFact("age", 20, STATED, SELF)),
    ],
)
def test_facts_with_their_mode_and_person(understand, text, fact):
    assert fact in understand(text).facts


def test_pass_words_that_are_not_a_pass(understand):
    assert understand("G検定に合格するには？").fact("pass_status") is None
    assert understand("合格率は？").fact("pass_status") is None


@pytest.mark.parametrize(
    "text, value",
    [("5か月", 5), ("三ヶ月", 3), ("半年", 6), ("1年", 12), ("3か月と1週間", 3.23), ("5月", None), ("２週間", 0.46)],
)
def test_durations(text, value):
    assert months_in(text + "前") == value


def test_numbers_and_ages():
    assert (number("二十"), number("１２"), number("十五"), number("x")) == (20, 12, 15, None)
    assert (age_decade("50代です"), age_decade("45歳"), age_decade("3月")) == (50, 40, None)


# --- periods -----------------------------------------------------------------------------------------
def test_several_months_are_several_periods():
    assert [p.label for p in find_periods("12月と1月の研修", TODAY)] == ["2026年12月", "2027年1月"]
    assert [p.label for p in find_periods("来月の研修", TODAY)] == ["2026年12月"]
    assert find_periods("研修はある？", TODAY) == []


def test_a_period_in_the_story_is_not_the_question(understand):
    text = "先週から異動してきて、前の課でも紙の書類ばかりで、紙を読み取る研修があると聞いたんですがいつですか？"
    question = understand(text, "ask_schedule")
    assert question.period is None and question.courses == ("ai_ocr",) and "when" in question.asks


# --- topics and asks ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, intent, topic, asks",
    [
        ("RPAはいつ？", "ask_schedule", "course", ("when",)),
        ("G検定はいつ？", "ask_schedule", "exam", ("when",)),  # the exam's dates, not a course's
        ("ITパスの補助はいくら？", "ask_schedule", "subsidy", ("amount",)),  # the words beat a wrong intent
        ("一番近い研修は？", "ask_schedule", "course", ("next",)),
        ("補助は何回まで？", "ask_subsidy_procedure", "subsidy", ("times",)),
        ("端数は切り捨て？", "nlu_fallback", "subsidy", ("rounding",)),
        ("このチャットから応募できる？", "ask_course_details", "registration", ("apply_here",)),
        ("G検定の勉強法", "ask_study_tips", "study", ("study",)),
        ("問い合わせ先は？", "ask_contact", "contact", ("contact",)),
    ],
)
def test_topic_and_asks(understand, text, intent, topic, asks):
    question = understand(text, intent)
    assert (question.topic, question.asks) == (topic, asks)


def test_out_of_scope_words_alone_are_not_ours(understand):
    assert understand("有給休暇はあと何日残ってる？", "out_of_scope").topic is None


def test_long_keigo_is_read_like_plain_speech(understand):
    question = understand("恐縮ですが、RPA研修の日程につきましてご教示いただけますでしょうか。", "ask_schedule")
    assert (question.topic, question.courses, question.asks) == ("course", ("rpa",), ("when",))


def test_a_story_is_answered_by_its_last_question(understand):
    text = "先月ITパスポートに合格しました。上司にも勧められています。ところでAI勉強会は次いつですか？"
    question = understand(text, "ask_schedule")
    assert (question.topic, question.courses) == ("course", ("ai_study",))
    assert question.fact("pass_status").value == "passed"  # facts come from the whole message


@pytest.mark.parametrize(
    "text, intent, vague",
    [
        ("ITパスポートのことなんですけど", "inform", True),
        ("補助のやつ", "ask_subsidy_amount", True),
        ("べんきょう ほじょ にってい", None, True),
        ("FEの補助", "ask_subsidy_amount", False),  # a name and its topic: the amount
        ("RPA研修はいつ？", "ask_schedule", False),
    ],
)
def test_unclear_questions(understand, text, intent, vague):
    assert understand(text, intent, confidence=0.6).vague is vague


def test_romaji_is_read_as_kana(understand):
    assert romaji_as_kana("kensyuu") == "けんしゅう" and romaji_as_kana("RPA") is None
    assert romaji_as_kana("When is the next RPA training?") is None
    assert understand("jyukenryou").topic == "subsidy"


# --- the conversation so far ----------------------------------------------------------------------------
def test_a_fragment_continues_the_previous_topic(understand):
    first = understand("リーダー研修の内容は？", "ask_course_details")
    follow = understand("締め切りは？", "ask_course_details", previous=first)
    assert (follow.topic, follow.courses, follow.asks, follow.context) == (
        "course",
        ("leader",),
        ("deadline",),
        "follow_up",
    )
    subsidy = understand("ITパスの補助はいくら？", "ask_subsidy_amount")
    assert understand("期限は？", "ask_course_details", previous=subsidy).topic == "subsidy"


def test_names_alone_and_corrections_redo_the_previous_question(understand):
    tips = understand("ITパスポートの勉強法は？", "ask_study_tips")
    again = understand("G検は？", "inform", previous=tips)
    assert (again.topic, again.exams, again.asks) == ("study", ("g_kentei",), ("study",))
    corrected = understand("いや、応用情報のほうで", "inform", previous=again)
    assert (corrected.exams, corrected.context) == (("ap",), "correction")


def test_an_answer_completes_the_check_it_belongs_to(understand):
    waiting = Question(
        "G検定の補助の対象？", topic="subsidy", asks=("eligibility",), exams=("g_kentei",), awaiting="pass_status"
    )
    answered = understand("はい", "affirm", previous=waiting)
    assert answered.fact("pass_status").value == "passed" and answered.exams == ("g_kentei",)
    assert answered.awaiting is None and answered.context == "answer"


def test_the_question_survives_the_tracker(understand):
    question = understand("12月と1月の研修は？合格したら補助出る？", "ask_schedule")
    assert Question.from_json(question.to_json()) == question
    assert Question.from_json({"not": "a question"}) is None


def test_mentions_know_how_they_were_found():
    assert Mention("course", "rpa", 0, 3, "RPA", "keyword").by_word
    assert not Mention("course", "rpa", 0, 5, "RPA研修", "alias").by_word
