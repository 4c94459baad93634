"""Reading a person's name and 所属 from how they introduce themselves (bot/registrations/introduction.py)."""

from __future__ import annotations

import pytest

from bot.registrations.introduction import Introduction, is_department_name, read_introduction, split_department
from bot.text.readings import tokens


@pytest.mark.parametrize(
    "text, name, department",
    [
        # a marker that says a name follows or precedes: any name-shaped words
        ("リーダー研修に応募したい。名前は山田太郎です", "山田太郎", None),
        ("氏名は佐藤花子、所属は市民課です", "佐藤花子", "市民課"),
        ("氏名：高橋 健", "高橋 健", None),
        ("名前はやまだ はなこです", "やまだ はなこ", None),
        ("私の名前は伊集院光です", "伊集院光", None),
        ("名前はキム ミンジュンです", "キム ミンジュン", None),  # not in the dictionary: the marker is enough
        ("名前は山田太郎で、所属は福祉課です", "山田太郎", "福祉政策課"),
        ("名前は山田太郎でリーダー研修に応募したい", "山田太郎", None),  # the name words, not the sentence
        ("山田太郎と申します。よろしくお願いします", "山田太郎", None),
        ("リーダー研修に応募したい山田太郎と申します", "山田太郎", None),
        ("所属は環境保全課、名前は小林です", "小林", "環境保全課"),
        # a plain です: only a dictionary name, after 私は or the person's 所属 and の
        ("市民課の田中一郎です。リーダー研修に申し込みたい", "田中一郎", "市民課"),
        ("私は阿部です。応募します", "阿部", None),
        ("総務部総務課の佐藤です", "佐藤", "総務部総務課"),
        ("福祉課から来ました。市民課の鈴木です", "鈴木", "市民課"),  # two named: the one before the name
        ("ＩＴ推進室の渡邉翔太です", "渡邉翔太", "IT推進室"),
    ],
)
def test_a_name_and_department_given_as_ones_own_are_read(catalogue, text, name, department):
    assert read_introduction(text, catalogue) == Introduction(name, department)


@pytest.mark.parametrize(
    "text",
    [
        "リーダー研修に応募したい",
        "応募希望です",
        "新人です。リーダー研修に応募したい",
        "リーダー研修です",
        "市民課の件です",
        "田中一郎課長です",  # a title is not part of the name: the form asks (and reads it as typed)
        "リーダーです",  # a dictionary word, not a name
        "デジタル推進です",
        "名前はまだありません",
    ],
)
def test_words_that_only_look_like_an_introduction_give_no_name(catalogue, text):
    assert read_introduction(text, catalogue).name is None


@pytest.mark.parametrize(
    "text, department",
    [
        ("市民課です", "市民課"),
        ("市民課と税務課の研修はある？", None),  # two departments, neither the writer's
        ("所属は税務課です。市民課の研修に出たい", "税務課"),
        ("リーダー研修に応募したい", None),
    ],
)
def test_the_department_is_the_writers(catalogue, text, department):
    assert read_introduction(text, catalogue).department == department


def test_splitting_and_recognising_a_department(catalogue):
    assert split_department("市民課の山田です", catalogue) == ("市民課", "山田です")
    assert split_department("福祉課の山田です", catalogue) == ("福祉政策課", "山田です")
    assert split_department("山田です", catalogue) == (None, "山田です")
    assert is_department_name("市民課", catalogue) and not is_department_name("阿部", catalogue)


def test_tokens_tell_person_names():
    assert [(t.surface, t.person_name) for t in tokens("山田太郎の研修")] == [
        ("山田", True),
        ("太郎", True),
        ("の", False),
        ("研修", False),
    ]
