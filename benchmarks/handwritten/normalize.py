"""FROZEN COPY of bot/text/normalize.py as of commit 42d9d0e (before jaconv and the plain-run
fast path), the baseline that benchmarks.libraries compares the current normaliser with.

The one Japanese text normaliser, shared by NLU training, NLU at run time and the actions.

Two levels:

* :func:`normalize` — what the NLU sees: NFKC (full/half width: ｱｲﾊﾟｽ → アイパス, ＩＴ → IT),
  dash-like characters after kana become the long-vowel mark (パスポ-ト → パスポート), wave dashes
  unified, whitespace collapsed. Case and kana type are kept, because they carry meaning for the
  classifier.
* :func:`match_key` — what catalogue names are compared on: the normalised text, lower-cased,
  hiragana folded to katakana (あいぱす → アイパス), ヴ-row and ヂ/ヅ folded to their common spellings,
  and separators (spaces, ・, -, /) dropped, so 「AI-OCR」「ai ocr」「ＡＩ・ＯＣＲ」 compare equal.

Both come in an ``*_with_offsets`` form that maps every output character back to its span in the
original text, so entity offsets always refer to what the user typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

Span = tuple[int, int]

_DASHES = set("-‐‑‒–—―−ｰー─━")
_WAVES = set("~〜～")
_SEPARATORS = set(" ・･-/_.,'\"")
_COMBINING_VOICE_MARKS = set("\u3099\u309a\uff9e\uff9f")
# ヴ-row spellings are folded to the plain b-row; ヂ/ヅ to ジ/ズ (common input variants).
_KANA_VARIANTS = {
    "ヴァ": "バ",
    "ヴィ": "ビ",
    "ヴェ": "ベ",
    "ヴォ": "ボ",
    "ヴ": "ブ",
    "ヂ": "ジ",
    "ヅ": "ズ",
    "ヵ": "カ",
    "ヶ": "ケ",
}
_HIRAGANA_TO_KATAKANA_OFFSET = ord("ァ") - ord("ぁ")


@dataclass(frozen=True)
class MappedText:
    """A transformed string with, for each of its characters, the span in the original text."""

    text: str
    spans: tuple[Span, ...]

    def original_span(self, start: int, end: int) -> Span:
        """Span in the original text covered by ``self.text[start:end]``."""
        if start >= end:
            raise ValueError("empty span")
        return self.spans[start][0], self.spans[end - 1][1]


def is_kana(char: str) -> bool:
    """Hiragana, katakana or the long-vowel mark ー."""
    return "ぁ" <= char <= "ゖ" or "ァ" <= char <= "ヺ" or char == "ー"


def _graphemes(text: str) -> list[tuple[str, Span]]:
    """Split into units NFKC can treat independently (a base char plus its voicing marks)."""
    units: list[tuple[str, Span]] = []
    for index, char in enumerate(text):
        attaches = char in _COMBINING_VOICE_MARKS or unicodedata.combining(char)
        if units and attaches:
            previous, (start, _) = units[-1]
            units[-1] = (previous + char, (start, index + 1))
        else:
            units.append((char, (index, index + 1)))
    return units


def normalize_with_offsets(text: str) -> MappedText:
    """:func:`normalize`, keeping the original span of every output character."""
    chars: list[str] = []
    spans: list[Span] = []
    for unit, span in _graphemes(text or ""):
        for char in unicodedata.normalize("NFKC", unit):
            if char in _DASHES and chars and is_kana(chars[-1]):
                char = "ー"
            elif char in _WAVES:
                char = "〜"
            elif char.isspace():
                if not chars or chars[-1] == " ":
                    continue
                char = " "
            chars.append(char)
            spans.append(span)
    while chars and chars[-1] == " ":
        chars.pop()
        spans.pop()
    return MappedText("".join(chars), tuple(spans))


def normalize(text: str) -> str:
    """Normalise user or training text for the NLU (see module docstring)."""
    return normalize_with_offsets(text).text


_KATAKANA_TO_HIRAGANA = {code: code - _HIRAGANA_TO_KATAKANA_OFFSET for code in range(ord("ァ"), ord("ヶ") + 1)}


def fold_katakana(text: str) -> str:
    """Katakana → hiragana (キャンセル → きゃんせる); everything else unchanged."""
    return text.translate(_KATAKANA_TO_HIRAGANA)


def _to_katakana(char: str) -> str:
    if "ぁ" <= char <= "ゖ":
        return chr(ord(char) + _HIRAGANA_TO_KATAKANA_OFFSET)
    return char


def match_key_with_offsets(text: str) -> MappedText:
    """:func:`match_key`, keeping the original span of every output character."""
    normalised = normalize_with_offsets(text)
    chars: list[str] = []
    spans: list[Span] = []
    for char, span in zip(normalised.text, normalised.spans):
        if char in _SEPARATORS:
            continue
        chars.append(_to_katakana(char.lower()))
        spans.append(span)
    return _fold_variants(chars, spans)


def _fold_variants(chars: list[str], spans: list[Span]) -> MappedText:
    out_chars: list[str] = []
    out_spans: list[Span] = []
    index = 0
    while index < len(chars):
        pair = "".join(chars[index : index + 2])
        if len(pair) == 2 and pair in _KANA_VARIANTS:
            out_chars.append(_KANA_VARIANTS[pair])
            out_spans.append((spans[index][0], spans[index + 1][1]))
            index += 2
            continue
        out_chars.append(_KANA_VARIANTS.get(chars[index], chars[index]))
        out_spans.append(spans[index])
        index += 1
    return MappedText("".join(out_chars), tuple(out_spans))


def match_key(text: str) -> str:
    """Comparison key for catalogue names and aliases (see module docstring)."""
    return match_key_with_offsets(text).text


_ASCII_WORD = re.compile(r"^[a-z0-9]+$")


def is_ascii_word(key: str) -> bool:
    """True for keys such as ``fe`` or ``jdla`` that must match on word boundaries only."""
    return bool(_ASCII_WORD.match(key))
