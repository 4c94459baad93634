"""Alias matching: exact beats fuzzy, longest wins, short Latin keys need word boundaries."""

import pytest

from bot.text.fuzzy import Alias, AliasMatcher, allowed_typos, max_distance

ALIASES = (
    [Alias("exam", "itpass", s) for s in ["ITパスポート試験", "ITパスポート", "iパス", "アイパス", "ITパス"]]
    + [Alias("exam", "fe", s) for s in ["基本情報技術者試験", "基本情報", "FE"]]
    + [Alias("exam", "ap", s) for s in ["応用情報技術者試験", "応用情報", "AP"]]
    + [Alias("exam", "g_kentei", s) for s in ["G検定", "G検", "ジーケン"]]
    + [Alias("course", "leader", s) for s in ["リーダー研修", "リーダーけんしゅう"]]
    + [Alias("course", "ai_study", s) for s in ["AI勉強会", "G検定対策勉強会"]]
    + [Alias("pass_status", "passed", s) for s in ["受かりました", "合格でした"]]
    + [Alias("pass_status", "not_passed", s) for s in ["不合格"]]
    + [Alias("employment_type", "regular", s) for s in ["正規", "正規職員"]]
    + [Alias("employment_type", "fiscal_year", s) for s in ["非常勤"]]
)


@pytest.fixture(scope="module")
def matcher():
    return AliasMatcher(ALIASES, fuzzy_kinds=("exam", "course"))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ITパスポートの補助は？", [("exam", "itpass", "ITパスポート")]),
        ("ｱｲﾊﾟｽの補助", [("exam", "itpass", "ｱｲﾊﾟｽ")]),
        ("あいぱすのほじょ", [("exam", "itpass", "あいぱす")]),
        ("ITパスポードの勉強法", [("exam", "itpass", "ITパスポード")]),  # one typo
        ("AI勉強怪はいつ", [("course", "ai_study", "AI勉強怪")]),
        ("G検定対策勉強会はいつ", [("course", "ai_study", "G検定対策勉強会")]),  # longest wins over G検定
        ("応用情報技術者試験", [("exam", "ap", "応用情報技術者試験")]),
        ("APの補助", [("exam", "ap", "AP")]),
        ("ＦＥ", [("exam", "fe", "ＦＥ")]),
        ("Power Appsを学べる？", []),  # "ap" inside a word is not 応用情報
        ("cafeで勉強", []),
        ("基本情報とG検定", [("exam", "fe", "基本情報"), ("exam", "g_kentei", "G検定")]),
        ("助かりました", []),  # no fuzzy matching for answers
        ("ITスキルを上げたい", []),  # a fuzzy match may not cut a word
        ("ITパスポードを受けます", [("exam", "itpass", "ITパスポード")]),
        # A four-kana name is matched exactly only: one syllable off is another word (受験, だーけん).
        ("じーけんの補助", [("exam", "g_kentei", "じーけん")]),
        ("あいぱすのじゅけんりょう", [("exam", "itpass", "あいぱす")]),
        ("りーだーけんしゅうの定員", [("course", "leader", "りーだーけんしゅう")]),
        ("りーだーけんしゅーってなにするの", [("course", "leader", "りーだーけんしゅー")]),
        # after a negating prefix a name is not mentioned: the negative word wins
        ("不合格でした", [("pass_status", "not_passed", "不合格")]),
        ("合格でした", [("pass_status", "passed", "合格でした")]),
        ("非正規です", []),
        ("非常勤です", [("employment_type", "fiscal_year", "非常勤")]),
        ("正規職員です", [("employment_type", "regular", "正規職員")]),
    ],
)
def test_find(matcher, text, expected):
    assert [(m.kind, m.target, m.text) for m in matcher.find(text)] == expected


def test_exact_matches_have_full_confidence(matcher):
    (exact,) = matcher.find("ITパスポート")
    (fuzzy,) = matcher.find("ITパスポード")
    assert exact.confidence == 1.0 and exact.distance == 0
    assert fuzzy.distance == 1 and 0.5 <= fuzzy.confidence < 1.0


def test_best_prefers_the_exact_match(matcher):
    assert matcher.best("G検", "exam").target == "g_kentei"
    assert matcher.best("研修の話", "exam") is None


def test_kinds_filter(matcher):
    assert matcher.find("G検定対策勉強会", kinds=["exam"])[0].target == "g_kentei"


@pytest.mark.parametrize("length, allowed", [(2, 0), (3, 0), (4, 1), (8, 1), (9, 2)])
def test_typo_budget_grows_with_length(length, allowed):
    assert max_distance(length) == allowed


@pytest.mark.parametrize(
    "key, allowed",
    [
        ("アイパス", 0),
        ("ジーケン", 0),  # kana only: four syllables are too short to guess at
        ("アイパスポ", 1),
        ("itパス", 1),
        ("g検定ab", 1),
    ],
)
def test_kana_only_keys_need_five_characters_for_a_typo(key, allowed):
    assert allowed_typos(key) == allowed
