"""The one normaliser: NFKC, width, long-vowel and kana variants, with offsets kept."""

import random

import pytest

from bot.text.normalize import (
    _normalize_units,
    fold_katakana,
    is_ascii_word,
    match_key,
    match_key_with_offsets,
    normalize,
    normalize_with_offsets,
)


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


# Characters every rule of the normaliser reacts to, for random texts.
TRICKY = "あいアイｱｲﾊﾟﾞﾟ\u3099\u309aか研修ー-－‐~〜～ 　\t・/.ＡｃITパスİΣゝゞヽヾヴァヂヅヵヶ①…、。「」"


def unit_by_unit(text):
    """Reference: every unit through the rules one at a time (what the plain-run copy must equal)."""
    chars, spans = [], []
    _normalize_units(text, 0, chars, spans)
    while chars and chars[-1] == " ":
        chars.pop()
        spans.pop()
    return "".join(chars), tuple(spans)


def test_copying_plain_runs_changes_nothing():
    rng = random.Random(15)
    for _ in range(5000):
        text = "".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 16)))
        mapped = normalize_with_offsets(text)
        assert (mapped.text, mapped.spans) == unit_by_unit(text), text


def test_match_key_offsets_fit_every_character():
    for raw in ["İstanbul研修", "ｱｲﾊﾟｽ・ＯＣＲ", "ヴァイオリン", "ΑΣ"]:
        mapped = match_key_with_offsets(raw)
        assert len(mapped.spans) == len(mapped.text)
    assert match_key("ΑΣ") == "ασ"  # lowered letter by letter, as before
    mapped = match_key_with_offsets("ヴァ・ジ")
    assert mapped.text == "バジ" and mapped.original_span(0, 1) == (0, 2)


def test_kana_folding_includes_the_iteration_marks():
    assert fold_katakana("キャンセル") == "きゃんせる"
    assert fold_katakana("ヽヾ") == "ゝゞ"
    assert match_key("こゝろ") == match_key("コヽロ")
