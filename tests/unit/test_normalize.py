"""The one normaliser: NFKC, width, long-vowel and kana variants, with offsets kept."""

import pytest

from bot.text.normalize import is_ascii_word, match_key, normalize, normalize_with_offsets


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ｱｲﾊﾟｽ", "アイパス"),  # half-width katakana with a combining mark
        ("ＩＴパスポート", "ITパスポート"),  # full-width Latin
        ("１月の研修", "1月の研修"),  # full-width digits
        ("ITパスポ-ト", "ITパスポート"),  # ASCII hyphen after kana = long vowel
        ("ITパスポ－ト", "ITパスポート"),  # full-width hyphen too
        ("AI-OCR", "AI-OCR"),  # but a hyphen between Latin letters stays
        ("研修　一覧", "研修 一覧"),  # ideographic space
        ("  来月の   研修は？ ", "来月の 研修は?"),  # collapsed and trimmed
        ("10時〜12時", "10時〜12時"),
        ("10時～12時", "10時〜12時"),  # wave dash variants unified
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "a, b",
    [
        ("あいぱす", "アイパス"),
        ("ｱｲﾊﾟｽ", "アイパス"),
        ("ＡＩ・ＯＣＲ", "ai-ocr"),
        ("ヴェンダー", "ベンダー"),
        ("G検定", "ｇ検定"),
    ],
)
def test_match_keys_fold_spelling_variants(a, b):
    assert match_key(a) == match_key(b)


def test_offsets_point_into_the_original_text():
    raw = "ｱｲﾊﾟｽの補助"
    mapped = normalize_with_offsets(raw)
    assert mapped.text == "アイパスの補助"
    start, end = mapped.original_span(0, 4)
    assert raw[start:end] == "ｱｲﾊﾟｽ"
    assert raw[slice(*mapped.original_span(5, 7))] == "補助"


def test_normalize_handles_empty_and_none():
    assert normalize("") == ""
    assert normalize(None) == ""


def test_ascii_word():
    assert is_ascii_word("fe") and is_ascii_word("jdla")
    assert not is_ascii_word("g検") and not is_ascii_word("ai-ocr")
