"""Typed questions through the whole understanding step and the route: text in, the facts of the answer out.

Each test names a class of question from the fifth development batch (issue 10), with phrasings of
our own (never the batch's sentences); tests/conversations/ holds the phrasings written apart.
"""

import datetime as dt

import pytest

from bot.answers.model import Answer, Circumstances
from bot.answers.route import answer
from bot.registrations import cohorts
from bot.understanding.reader import Message, understander

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def converse(catalogue):
    step = understander(catalogue)
    statuses = cohorts.statuses(catalogue, {}, TODAY)
    now = Circumstances(TODAY, open_cohorts=[s.effective_cohort for s in statuses if s.is_open])

    def answers(*texts: str) -> Answer:
        """The last answer after the messages of one conversation."""
        previous = None
        for message in texts:
            result = answer(step.understand(Message(message), previous, TODAY), catalogue, now)
            previous = result.question
        return result

    return answers


@pytest.fixture(scope="module")
def reply(converse):
    def say(*texts: str) -> str:
        """The last answer's text after the messages of one conversation."""
        return "\n".join(r.text for r in converse(*texts).replies)

    return say


# --- facts told in the negative -------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "正規職員です。応用情報に合格しました。補助はまだ一度ももらっていません。いくらになりますか",
        "再任用の職員で、ITパスに受かりました。これまで補助を受けたことはないです。補助額は？",
    ],
)
def test_a_previous_subsidy_denied_is_not_one(reply, text):
    answered = reply(text)
    assert "3,750円" in answered and "2回目" not in answered


# --- pointing back with nothing before ------------------------------------------------------------
@pytest.mark.parametrize(
    "text, kind",
    [("それって補助いくら出る？", "試験"), ("その講座は何曜日？", "研修"), ("あれの締め切りはいつだっけ", "")],
)
def test_pointing_back_at_the_start_asks_which(reply, text, kind):
    answered = reply(text)
    assert "もしかして" in answered and "円" not in answered
    if kind:
        assert f"どの{kind}についてのご質問でしょうか" in answered


def test_words_that_only_start_like_pointing_are_questions(reply):
    assert "3,750円" in reply("それぞれの試験の補助額を全部教えて")
    assert "登録" in reply("このチャットで応募できますか")


# --- a course named in an existence question -------------------------------------------------------
def test_a_course_asked_about_by_its_tool_gets_its_overview(reply):
    answered = reply("UiPathみたいなロボットの使い方を教わる研修ってありますか")
    assert "RPA活用研修" in answered and "2026年12月16日" in answered


def test_a_format_word_in_kana_is_not_a_keyword_inside_it(reply):
    answered = reply("えーあいおーしーあーるのけんしゅうって　おんらいん？")
    assert "オンライン" in answered and "SNS" not in answered


# --- the exam's organiser, site and own application -------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("応用情報はどこが実施している試験？", "IPA"),
        ("G検定のホームページを知りたい", "jdla.org"),
        ("データベーススペシャリストの受験申込はどうやるの", "ipa.go.jp"),
    ],
)
def test_who_runs_an_exam_and_where_to_apply_for_it(reply, text, expected):
    assert expected in reply(text)


def test_applying_for_the_subsidy_is_not_the_exams_application(reply):
    assert "電子申請" in reply("ITパスポートの補助の申し込み方法は？")


# --- how to apply, with facts told ------------------------------------------------------------------
def test_how_to_apply_after_a_pass_is_the_procedure_with_its_conditions(reply):
    answered = reply("応用情報に合格できたので補助の手続きを知りたいです")
    assert "電子申請" in answered and "正規職員" in answered and "任用形態を教えて" not in answered


def test_facts_that_rule_it_out_come_first(reply):
    answered = reply("会計年度任用職員です。基本情報に受かったので申請の流れを教えて")
    assert "対象外" in answered


def test_an_amount_and_the_procedure_together(reply):
    answered = reply("同僚（正規）が応用情報に受かりました。補助の金額と手続きを教えてあげたい")
    assert "3,750円" in answered and "電子申請" in answered


# --- periods: after a day, the month after a month, an empty month ----------------------------------
def test_after_a_day_named(reply):
    answered = reply("12月16日より後のRPA研修はある？")
    assert "12月16日（水） 10:00" not in answered.split("\n")[0]


def test_the_month_after_a_month_named(reply):
    assert "2027年2月" in reply("1月の翌月の研修を教えて")


def test_a_month_with_nothing_points_to_the_next_session(reply):
    answered = reply("今月まだ何か研修ある？")
    assert "次の研修は" in answered and "12月9日" in answered


# --- courses by venue; one fact of every course -----------------------------------------------------
def test_courses_held_at_a_venue(reply):
    answered = reply("大会議室でやる研修を教えて")
    assert "SNS広報発信力向上研修" in answered and "AI勉強会" not in answered


def test_one_fact_of_every_course(reply):
    answered = reply("事前の申込がいらない研修はどれ？")
    assert "RPA活用研修：Teamsの会議リンクから参加できます。事前申込は不要です。" in answered


# --- subsidy rules asked by themselves --------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("補助率", "半額"),
        ("端数", "切り捨て"),
        ("合格発表から1か月半なら、まだ申請は間に合う？", "3か月以内なので申請できます"),
        ("合格発表から数えて何日以内に申請すればいい？", "3か月以内"),
        ("資格の補助ってありますか？会計年度任用職員で、G検定に合格済みです", "対象外"),
    ],
)
def test_rules_and_the_deadline_from_the_rule_rows(reply, text, expected):
    assert expected in reply(text)


def test_a_fail_told_of_someone_else(reply):
    assert "対象外" in reply("係のメンバーがITパスに落ちちゃったんだけど、補助は出ないよね？")


# --- exams listed; study advice for no exam ---------------------------------------------------------
def test_the_list_of_exams(reply):
    answered = reply("対象試験の一覧をください")
    assert "ITパスポート試験" in answered and "G検定" in answered


def test_study_advice_when_no_exam_is_named(reply):
    answered = reply("働きながら資格勉強を続けるコツってある？")
    assert "15〜30分" in answered


def test_a_negating_prefix_is_another_word(reply):
    answered = reply("不勉強で恐縮ですが、こちらの研修の一覧をいただけますか")
    assert "RPA活用研修" in answered and "勉強法" not in answered


# --- two topics at once -----------------------------------------------------------------------------
def test_the_payment_and_the_office_together(reply):
    answered = reply("補助金はいつ振り込まれますか。あと担当の連絡先も")
    assert "翌月" in answered and "2345" in answered


# --- unfinished messages, keyword strings, everyday chat --------------------------------------------
@pytest.mark.parametrize("text", ["Excel講座の申込の", "リーダー研修のなんとか", "ほじょ けんてい にってい"])
def test_unfinished_or_keyword_strings_offer_the_closest_topics(reply, text):
    assert "もしかして" in reply(text)


def test_a_question_ending_in_no_is_not_unfinished(reply):
    assert "切り捨て" in reply("補助額の端数はどう処理されるの")


@pytest.mark.parametrize("text", ["週末どこに出かけようかな", "駅前のカフェってどう？"])
def test_a_sentence_with_nothing_of_ours_is_out_of_scope(reply, text):
    assert "このアシスタントではお答えできません" in reply(text)


def test_pointing_at_something_unnamed_is_unclear_not_out_of_scope(reply):
    assert "お答えできません" not in reply("金曜のあれ")


# --- the fee that names what is subsidised; a wish to register with a procedure asked ----------------
def test_the_fee_naming_the_subsidy_is_not_a_fee_question(reply):
    answered = reply("落ちちゃったけど、受験料への補助って何とかならないですか")
    assert "対象外" in answered and "13,200円" not in answered


def test_a_wish_to_register_with_how_is_started(converse):
    assert converse("リーダー研修への応募を希望します。手続きをお願いします").start == "registration"
