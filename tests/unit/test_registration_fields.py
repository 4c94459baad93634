"""Reading the registration form's answers: names, 所属, 職員番号 (setting, full width), 志望動機."""

from __future__ import annotations

import pytest

from bot.registrations import fields


@pytest.mark.parametrize(
    "text, value",
    [
        ("山田太郎です", "山田太郎"),
        ("名前は高橋美咲です。", "高橋美咲"),
        ("伊藤 さくら", "伊藤 さくら"),
        ("佐藤ゆかと申します", "佐藤ゆか"),
        ("ＹＡＭＡＤＡ", "YAMADA"),
        ("私の名前は中村優子です", "中村優子"),
    ],
)
def test_names(text, value):
    assert fields.check_name(text).value == value


@pytest.mark.parametrize(
    "text", ["はい", "いいえ", "来月の研修は？", "給与明細を見たい", "山田123", "", "あ" * 41, "所属長推薦", "自薦で"]
)
def test_not_names(text):
    result = fields.check_name(text)
    assert not result.ok and result.problem


@pytest.mark.parametrize(
    "text, value",
    [
        ("環境保全課です", "環境保全課"),
        ("市民課に所属しています", "市民課"),
        ("所属は税務課です", "税務課"),
        ("総務部総務課", "総務部総務課"),
        ("中央図書館です", "中央図書館"),
        ("北消防署", "北消防署"),
        ("教育委員会事務局", "教育委員会事務局"),
        ("子育て支援グループ", "子育て支援グループ"),
    ],
)
def test_departments(text, value):
    assert fields.check_department(text).value == value


@pytest.mark.parametrize("text", ["小林", "小林です", "わかりません", "123", "デジタル"])
def test_a_department_must_name_a_unit(text):
    result = fields.check_department(text)
    assert result.value is None and "所属" in result.problem


@pytest.mark.parametrize(
    "text, value",
    [
        ("204518", "204518"),
        ("２０４５１８", "204518"),
        ("職員番号は０９９３２１です", "099321"),
        ("職員番号：381207", "381207"),
        ("204-518", "204518"),
    ],
)
def test_staff_numbers(text, value):
    assert fields.check_staff_number(text).value == value


@pytest.mark.parametrize("text", ["12345", "1234567", "A12345", "やまだ"])
def test_wrong_staff_numbers_say_the_format(text):
    assert fields.check_staff_number(text).problem == "職員番号は6桁の数字で入力してください（6桁の数字、例：204518）。"


def test_the_staff_number_format_is_a_setting():
    fmt = fields.staff_number_format(
        {
            "MANABI_STAFF_NUMBER_PATTERN": "[A-Z][0-9]{5}",
            "MANABI_STAFF_NUMBER_DESCRIPTION": "英大文字1字と数字5桁",
            "MANABI_STAFF_NUMBER_EXAMPLE": "K12345",
        }
    )
    assert fields.check_staff_number("Ｋ１２３４５", fmt).value == "K12345"
    assert "英大文字1字と数字5桁" in fields.check_staff_number("204518", fmt).problem
    assert fields.staff_number_format({}) == fields.StaffNumberFormat()


def test_motivation_length_limits():
    short = fields.check_motivation("がんばる")
    assert not short.ok and f"{fields.MOTIVATION_MIN_CHARS}文字以上" in short.problem and "4文字" in short.problem
    long = fields.check_motivation("あ" * (fields.MOTIVATION_MAX_CHARS + 1))
    assert not long.ok and f"{fields.MOTIVATION_MAX_CHARS}文字以内" in long.problem
    assert fields.check_motivation("  窓口業務を効率化したいです  ").value == "窓口業務を効率化したいです"


def test_recommendations_and_confirmations():
    assert fields.check_recommendation("manager").value == "manager"
    assert not fields.check_recommendation("boss").ok
    assert [fields.read_confirmation(t) for t in ("はい。", "ＯＫ", "いいえ", "たぶん")] == ["yes", "yes", "no", None]


@pytest.mark.parametrize(
    "text, question",
    [
        ("来月の研修は？", True),
        ("いつですか", True),
        ("補助はいくら", True),
        ("山田太郎です", False),
        ("佐藤ゆか", False),
        ("業務を効率化したい", False),
    ],
)
def test_questions_are_told_from_answers(text, question):
    assert fields.looks_like_question(text) is question


def test_a_department_without_its_unit_is_asked_with_the_unit():
    assert "「人事」なら「人事課」のように" in fields.check_department("人事").problem
