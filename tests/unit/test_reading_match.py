"""Matching catalogue names by reading: kana and IME slips match, ordinary words do not."""

import pytest

from bot.text.fuzzy import Alias
from bot.text.reading_match import ReadingMatcher, ReadingToken

ALIASES = [
    (Alias("course", "leader", "リーダー研修"), "リーダーケンシュウ"),
    (Alias("exam", "ap", "応用情報"), "オウヨウジョウホウ"),
    (Alias("department", "shimin", "市民課"), "シミンカ"),
    (Alias("employment_type", "regular", "正規"), "セイキ"),
    (Alias("recommendation", "self", "自薦"), "ジセン"),
    (Alias("exam", "g_kentei", "G検"), "グラムケン"),
    (Alias("exam", "xx", "AB"), "エービー"),
    (Alias("course", "yy", "AB講座"), "エービーコウザ"),
    (Alias("exam", "one", "一"), "イチ"),  # too short to match by reading
    (Alias("department", "a", "同音課"), "ドウオンカ"),  # the same reading for two targets: never used
    (Alias("department", "b", "道恩課"), "ドウオンカ"),
]


def tokens(*pairs):
    """ReadingTokens from (surface, reading) pairs laid end to end."""
    result, position = [], 0
    for surface, reading in pairs:
        result.append(ReadingToken(reading, position, position + len(surface)))
        position += len(surface)
    return "".join(surface for surface, _ in pairs), result


@pytest.fixture(scope="module")
def matcher():
    return ReadingMatcher(ALIASES)


@pytest.mark.parametrize(
    "pairs, expected",
    [
        # all hiragana, and Sudachi's 「しゅうっ|て」 split: the trailing small tsu is allowed
        (
            [("り", "リ"), ("ー", "ー"), ("だー", "ダー"), ("けん", "ケン"), ("しゅうっ", "シュウッ"), ("て", "テ")],
            [("course", "leader", "りーだーけんしゅう")],
        ),
        ([("応用", "オウヨウ"), ("上方", "ジョウホウ"), ("の", "ノ")], [("exam", "ap", "応用上方")]),
        ([("市民", "シミン"), ("か", "カ"), ("の", "ノ")], [("department", "shimin", "市民か")]),
        ([("じせ", "ジセ"), ("ん", "ン"), ("で", "デ")], [("recommendation", "self", "じせん")]),
        ([("G", "グラム"), ("県", "ケン")], [("exam", "g_kentei", "G県")]),
        # must start and end on token boundaries: 請求 (セイキュウ) is not 正規 (セイキ)
        ([("請求", "セイキュウ"), ("書", "ショ")], []),
        ([("再", "サイ"), ("正規", "セイキ")], [("employment_type", "regular", "正規")]),
        ([("一", "イチ")], []),
        # a long reading may end inside a kana token (Sudachi: けんしゅういつ → ケン・シュウイ・ツ) …
        (
            [("り", "リ"), ("ー", "ー"), ("だー", "ダー"), ("けん", "ケン"), ("しゅうい", "シュウイ"), ("つ", "ツ")],
            [("course", "leader", "りーだーけんしゅう")],
        ),
        # … but not inside a kanji token, and a short one never: 市民会館 is not 市民課
        ([("リーダー", "リーダー"), ("研修医", "ケンシュウイ")], []),
        ([("しみんか", "シミンカ"), ("いかん", "イカン")], [("department", "shimin", "しみんか")]),
        ([("しみんかい", "シミンカイ")], []),
        ([("どうおん", "ドウオン"), ("か", "カ")], []),
        # the longest reading wins
        ([("AB", "エービー"), ("講座", "コウザ")], [("course", "yy", "AB講座")]),
    ],
)
def test_find(matcher, pairs, expected):
    text, readings = tokens(*pairs)
    assert [(m.kind, m.target, m.text) for m in matcher.find(text, readings)] == expected


def test_reading_matches_are_not_exact(matcher):
    text, readings = tokens(("市民", "シミン"), ("か", "カ"))
    (match,) = matcher.find(text, readings)
    assert match.distance == 1 and match.confidence < 1.0


def test_kinds_filter(matcher):
    text, readings = tokens(("市民", "シミン"), ("か", "カ"))
    assert matcher.find(text, readings, kinds=["exam"]) == []
