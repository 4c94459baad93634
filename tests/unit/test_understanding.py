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
    [
        ("5か月", 5),
        ("三ヶ月", 3),
        ("半年", 6),
        ("1年", 12),
        ("3か月と1週間", 3.23),
        ("5月", None),
        ("２週間", 0.46),
        ("４かげつ", 4),
        ("2カゲツ", 2),
    ],
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


def test_after_or_from_a_period_and_the_month_after_a_month():
    after = find_periods("1月13日の次の勉強会", TODAY)[0]
    assert (after.start, after.label) == (dt.date(2027, 1, 14), "2027年1月13日（水）より後")
    since = find_periods("2月以降の研修", TODAY)[0]
    assert (since.start, since.label) == (dt.date(2027, 2, 1), "2027年2月以降")
    assert find_periods("12月の次の月の研修", TODAY)[0].label == "2027年1月"  # not 「…より後」
    assert find_periods("来月の翌月", TODAY)[0].label == "2027年1月"


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
    assert "fee" in understand("jyukenryou").asks  # じゅけんりょう: the fee (of an exam, for the subsidy)


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


# --- added with the third development batch (issue 10) ------------------------------------------
def test_a_wish_for_the_subsidy_asks_about_eligibility_although_a_past_form_is_a_fact(understand):
    wish = understand("応用情報の補助を受けたいです")
    assert "eligibility" in wish.asks and not wish.fact("previous_subsidies")
    told = understand("応用情報で前に補助を受けたことがあります。また受けられますか")
    assert told.fact("previous_subsidies")


@pytest.mark.parametrize(
    "text, months",
    [
        ("今年9月1日に合格発表があった基本情報の補助はまだ申請できますか", 2.74),
        ("合格発表は8月24日でした。間に合いますか", 3.0),
        ("去年の12月に受かって…去年の12月1日に合格しました", 11.74),
    ],
)
def test_a_day_of_the_pass_becomes_months_since_and_tells_the_pass(understand, text, months):
    question = understand(text)
    assert question.fact("months_since_pass").value == months
    assert question.fact("pass_status").value == "passed"


def test_an_announcement_still_to_come_is_no_elapsed_time(understand):
    assert understand("合格発表は12月20日です。そのあと何か月以内に申請？").fact("months_since_pass") is None


@pytest.mark.parametrize(
    "text, months",
    [("15年前に取得した応用情報でも補助は出ますか", 180), ("合格発表から2か月の時点で申請したら？", 2.0)],
)
def test_durations_counted_from_the_pass(understand, text, months):
    assert understand(text).fact("months_since_pass").value == months


def test_past_a_limit_and_past_the_deadline(understand):
    assert understand("合格から3か月を超えたら申請できない？").fact("months_since_pass").value == 3.5
    late = understand("期限が切れてしまった場合は補助なし？")
    assert late.fact("past_deadline") and late.fact("past_deadline").mode == HYPOTHETICAL


def test_a_category_asked_with_demo_is_supposed_however_long(understand):
    question = understand("会計年度任用職員で週4日勤務のパートタイムの人でも補助はもらえますか")
    assert question.fact("employment_type").mode == HYPOTHETICAL


@pytest.mark.parametrize("text", ["受験料", "スケジュール？", "べんきょうのこと", "第7期", "補助額は？", "いつ？"])
def test_one_word_that_leaves_the_topic_open_is_vague_at_the_start(understand, text):
    assert understand(text).vague


@pytest.mark.parametrize("text", ["研修一覧", "申込状況", "問い合わせ先は？"])
def test_one_word_that_does_something_by_itself_is_a_request(understand, text):
    assert not understand(text).vague


def test_one_word_later_in_a_conversation_continues_it(understand):
    first = understand("RPA研修の内容を教えて", "ask_course_details")
    later = understand("スケジュール？", previous=first)
    assert not later.vague and later.courses == ("rpa",) and later.asks == ("when",)


def test_a_sentence_after_the_question_that_asks_more_belongs_to_it(understand):
    question = understand("G検定の受験料はいくら？それと勉強法も")
    assert {"amount", "study"} <= set(question.stated_asks)


def test_the_period_said_after_a_correction_wins(understand):
    question = understand("RPA研修の12月の日程…いや、やっぱり1月のは？")
    assert question.period and question.period.label == "2027年1月"


def test_a_name_we_do_not_offer_is_not_read_as_a_typo_of_ours(understand):
    question = understand("昇任研修はいつありますか", "ask_schedule", entities=[("course", "manager")])
    assert question.not_offered and not question.courses


def test_a_day_asked_about_is_about_sessions(understand):
    question = understand("1/21は何がありますか", "nlu_fallback", 0.3)
    assert question.topic == "course" and question.period.start == dt.date(2027, 1, 21)


def test_a_word_pointing_back_with_nothing_before_is_vague(understand):
    assert understand("例の件って締め切りいつだっけ").vague
    assert not understand("例の件、RPA研修はいつ？").vague


def test_when_the_deadline_is_asks_the_deadline(understand):
    assert "when" not in understand("申込の締切はいつ？", "ask_course_details").asks


def test_for_whom_a_course_is_asked_with_eligibility_words(understand):
    question = understand("AI勉強会は私でも対象になりますか")
    assert question.topic == "course" and question.asks == ("target",)


@pytest.mark.parametrize("text", ["正規職員は補助の対象？", "会計年度任用職員って受験料補助ある？"])
def test_a_category_asked_about_is_not_a_fact_about_the_person(understand, text):
    assert understand(text).fact("employment_type").mode == HYPOTHETICAL


def test_casual_writing_without_particles(understand):
    assert "eligibility" in understand("G検定の補助受けられる？").asks


def test_facts_alone_after_a_subsidy_answer_check_that_exam(understand):
    first = understand("データベーススペシャリストの補助額は？", "ask_subsidy_amount")
    then = understand("正規です", "inform", previous=first)
    assert then.exams == ("db",) and "eligibility" in then.asks and then.fact("employment_type")


def test_a_name_after_an_unclear_question_completes_it(understand):
    first = understand("日程おしえて", "out_of_scope", 0.3)
    then = understand("AI-OCRの研修", previous=first)
    assert then.courses == ("ai_ocr",) and then.asks == ("when",) and not then.vague


@pytest.mark.parametrize("text, kind", [("オンラインでやる研修を全部", "オンライン"), ("集合型の講座は？", "集合")])
def test_courses_asked_by_their_format(understand, text, kind):
    assert understand(text).course_format == kind


@pytest.mark.parametrize(
    "text, hours",
    [("約200時間（5月〜11月）", 200), ("1時間30分", 1.5), ("90分", 1.5), ("30〜40時間", 40), ("毎月", None)],
)
def test_hours_in_catalogue_text(text, hours):
    from bot.understanding.numbers import hours_in

    assert hours_in(text) == hours
