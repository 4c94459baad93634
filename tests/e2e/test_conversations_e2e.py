"""Real conversations over HTTP with both servers running: the replies carry the catalogue facts.

Today is pinned to 2026-11-24 (tests/support/servers.py).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence

import pytest

from bot.devtools.servers import ManabiServers

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[ManabiServers]:
    with ManabiServers(tmp_path_factory.mktemp("conversations-e2e")) as running:
        yield running


class Conversation:
    """One user's conversation; each turn asserts fragments of the reply."""

    def __init__(self, servers: ManabiServers):
        self.servers = servers
        self.sender = f"e2e-{uuid.uuid4().hex[:8]}"

    def say(self, text: str, *expected: str, absent: Sequence[str] = ()) -> str:
        reply = self.servers.say(self.sender, text)
        for fragment in expected:
            assert fragment in reply, f"{text!r} → {reply!r}: missing {fragment!r}\n{self.servers.log_tail()}"
        for fragment in absent:
            assert fragment not in reply, f"{text!r} → {reply!r}: unexpected {fragment!r}"
        return reply


@pytest.fixture
def user(servers) -> Conversation:
    return Conversation(servers)


def test_greeting_help_identity_thanks(user):
    user.say("こんにちは", "まなびアシスタント")
    user.say("何ができますか", "研修の日程", "受験料補助", "勉強法", "応募")
    user.say("あなたは誰ですか", "チャットボット", "デジタル行政戦略課")
    user.say("ありがとうございました", "どういたしまして")


def test_next_month_and_a_named_month(user):
    user.say(
        "来月の研修は？",
        "2026年12月の研修は2件です",
        "12月9日（水） 15:00〜17:00 AI勉強会",
        "12月16日（水） 10:00〜11:30 RPA活用研修",
    )
    user.say(
        "1月の研修を教えて",
        "1月13日（水）",
        "1月15日（金） 13:30〜16:30 Excelを利用したデータ分析体験講座",
        "1月20日（水） 13:30〜16:00 SNS広報発信力向上研修",
        "1月21日（木） 10:00〜11:30 AI-OCR活用研修",
        "1月28日（木） 14:00〜16:00 管理職向けデジタル研修",
    )
    user.say("2月の研修は？", "2月3日（水） 10:00〜11:00 AI議事録活用研修", "2月10日（水）", "2月19日（金）")


def test_next_session_of_a_course_with_typos_and_width(user):
    user.say("RPA研修はいつですか", "2026年12月16日（水） 10:00〜11:30", "オンライン", "ハンズオン")
    user.say("ｴｸｾﾙ講座の日程", "2027年1月15日（金） 13:30〜16:30", "2027年2月19日（金）")
    user.say("AI勉強会の次回は？", "2026年12月9日（水） 15:00〜17:00", "2027年1月13日（水）")
    user.say("基礎研修はいつまで受けられますか", "2027年3月31日（水）まで", "いつでも受講できます")


def test_leader_programme_details(user):
    user.say(
        "リーダー研修の内容を教えてください",
        "デジタル行政推進リーダー育成研修",
        "約200時間",
        "20名",
        "概ね30代",
        "自薦",
        "所属長推薦",
        "講義",
        "Power Apps",
        "Power BI",
        "Power Automate",
        "kintone",
        "課題解決プロジェクト",
        "80〜100時間",
        "政策提案",
        "2027年3月31日（水）",
    )
    user.say("いつから始まりますか", "第7期（令和9年度）は2027年5月〜2027年11月")


def test_what_training_is_there(user):
    user.say(
        "どんな研修がありますか",
        "デジタル行政推進リーダー育成研修",
        "全職員向けデジタル基礎研修",
        "管理職向けデジタル研修",
        "AI勉強会",
        "RPA活用研修",
        "AI-OCR活用研修",
        "AI議事録活用研修",
        "SNS広報発信力向上研修",
        "Excelを利用したデータ分析体験講座",
    )


@pytest.mark.parametrize(
    "question, fee, amount",
    [
        ("ITパスポートの補助はいくら？", "7,500円", "3,750円"),
        ("ｱｲﾊﾟｽの補助額は？", "7,500円", "3,750円"),
        ("あいぱすのほじょはいくら", "7,500円", "3,750円"),
        ("ITパスポードの受験料補助", "7,500円", "3,750円"),
        ("基本情報の補助は？", "7,500円", "3,750円"),
        ("APの受験料補助はいくらですか", "7,500円", "3,750円"),
        ("DBスペシャリストの補助額", "7,500円", "3,750円"),
        ("G検の補助はいくら出ますか", "13,200円", "6,600円"),
    ],
)
def test_subsidy_amounts(user, question, fee, amount):
    user.say(question, fee, amount)


def test_context_carries_to_the_next_question(user):
    user.say("ITパスポートの補助は？", "3,750円")
    user.say("それの勉強法は？", "ITパスポート試験", "学習時間の目安", "シラバス", "過去問題")


def test_g_kentei_study_tips_recommend_the_study_group(user):
    user.say("G検定の勉強方法を教えて", "公式テキスト", "シラバス", "AI勉強会", "2026年12月9日（水）")


def test_eligible_regular_staff(user):
    user.say("ITパスポートの補助の対象になりますか", "任用形態")
    user.say("正規職員です", "ITパスポート試験にはもう合格していますか")
    user.say(
        "はい",
        "補助の対象です",
        "3,750円",
        "判定の根拠",
        "受験票の写し",
        "合格証書（合格通知）の写し",
        "領収書",
        "3か月以内",
        "1人1回",
        "電子申請",
    )


def test_fiscal_year_staff_are_told_why_not(user):
    user.say(
        "会計年度任用職員ですがG検定の受験料補助は受けられますか",
        "補助の対象外",
        "任用形態",
        "会計年度任用職員は補助の対象外",
        "内線 2345",
        absent=["合格していますか"],
    )


def test_db_specialist_asks_for_the_department(user):
    user.say("DBスペシャリストの補助対象か知りたい", "任用形態")
    user.say("正規職員", "合格していますか")
    user.say("合格しました", "所属")
    user.say("市民課です", "補助の対象外", "情報部門")


def test_db_specialist_in_the_information_department(user):
    user.say(
        "データベーススペシャリスト試験に合格しました。デジタル行政戦略課の正規職員ですが補助の対象になりますか",
        "補助の対象です",
        "3,750円",
    )


def test_procedure_and_contact(user):
    user.say("補助の申請方法を教えてください", "電子申請", "受験票の写し", "3か月以内", "内線 2345")
    user.say("問い合わせ先は？", "デジタル行政戦略課（内線 2345）")


def test_stop_in_the_middle_of_a_check(user):
    user.say("補助の対象になるか確認したい", "どの試験")
    user.say("やめます", "中断しました")
    user.say("RPA研修はいつ？", "2026年12月16日（水）")


def test_out_of_scope_is_answered_politely_and_logged(user, servers):
    reply = user.say("今日の天気を教えて", "お答えできません", "デジタル行政戦略課（内線 2345）")
    assert "Traceback" not in reply
    conn = sqlite3.connect(servers.settings.state_db)
    rows = conn.execute("SELECT text, reason FROM unanswered_questions WHERE sender_id = ?", (user.sender,)).fetchall()
    assert rows == [("今日の天気を教えて", "out_of_scope")]


def test_gibberish_gets_a_polite_answer(user):
    user.say("ああああ？？？", "内線 2345", absent=["Traceback", "Error"])


def test_an_answer_the_check_cannot_use_keeps_the_conversation_alive(user, servers):
    """QA 2026-11-23: such an answer used to trip Rasa's circuit breaker (10 apologies in one turn),
    after which every message got an empty reply."""
    user.say("G検定の補助の対象になる？", "任用形態")
    reply = user.say("嘱託職員です", "読み取れませんでした", "やめる")
    assert reply.count("読み取れませんでした") == 1
    user.say("正規職員です", "合格していますか")
    user.say("合格です", "補助の対象です", "6,600円")
    user.say("こんにちは", "まなびアシスタント")
    conn = sqlite3.connect(servers.settings.state_db)
    rows = conn.execute("SELECT text, reason FROM unanswered_questions WHERE sender_id = ?", (user.sender,)).fetchall()
    assert rows == [("嘱託職員です", "not_understood")]


def test_a_department_that_decides_the_db_check(user):
    user.say("DBスペシャリストの補助の対象になりますか", "任用形態")
    user.say("正規職員", "合格していますか")
    user.say("はい", "所属")
    user.say("総務課です", "補助の対象外", "情報部門")
    user.say("来月の研修は？", "2026年12月の研修")


def test_blank_and_unknown_exam(user):
    user.say("　", "メッセージが空", absent=["Traceback"])
    user.say("ITパスポートの勉強法", "ITパスポート試験")
    user.say("英検の受験料は？", "「英検」は受験料補助の対象外です", absent=["7,500円"])


def test_short_follow_ups_use_what_was_talked_about(user):
    """「締め切りは？」「場所は？」「その次の月は？」 carry no topic of their own."""
    user.say("リーダー研修について教えて", "デジタル行政推進リーダー育成研修")
    user.say("締め切りは？", "第7期の受講希望の登録締切は**2027年3月31日（水）**")
    user.say("エクセル講座はいつ？", "2027年1月15日（金）")
    user.say("場所は？", "集合・本庁舎 5階 研修室", absent=["カリキュラム"])
    user.say("1月の研修は？", "2027年1月の研修は")
    user.say("その次の月は？", "2027年2月の研修は")
    user.say("補助の申請方法は？", "必要書類", "**支給**")
    user.say("期限はいつまで？", "合格発表日から3か月以内")


def test_two_exams_and_new_date_words(user):
    user.say(
        "G検定とFEの補助額を両方教えて",
        "G検定：受験料13,200円 → 補助6,600円",
        "基本情報技術者試験：受験料7,500円 → 補助3,750円",
        absent=["応用情報"],
    )
    user.say("らいげつのけんしゅうは？", "2026年12月の研修は2件です")
    user.say("来年度の研修は？", "令和9年度（2027年4月〜2028年3月）")
    user.say("G検定の次の試験日は？", "日本ディープラーニング協会", absent=["勉強法です"])


def test_denials_are_not_read_as_what_they_deny(user):
    """QA round 2: 「不合格でした」 and 「正規職員ではありません」 gave 「補助の対象です」."""
    user.say("ITパスポートの補助の対象になりますか？", "任用形態")
    user.say("正規職員ではありません", "任用形態", absent=["補助の対象です"])
    user.say("正規職員です", "合格していますか")
    user.say("不合格でした", "補助の対象外", absent=["補助の対象です"])


def test_a_name_alone_continues_the_previous_answer(user):
    user.say("iパスの勉強方法は？", "ITパスポート試験**の勉強法です")
    user.say("G検は？", "G検定**の勉強法です", absent=["試験日程"])
    user.say("補助の申請方法は？", "必要書類")
    user.say("期限はいつまで？", "合格発表日から3か月以内")
    user.say("どこに出せばいい？", "電子申請システム")
