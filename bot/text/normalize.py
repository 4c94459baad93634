"""The one Japanese text normaliser, shared by NLU training, NLU at run time and the actions.

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
from collections.abc import Callable
from dataclasses import dataclass

import jaconv

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


def _attaches(char: str) -> bool:
    """True for a voicing or other combining mark, which belongs to the character before it."""
    return char in _COMBINING_VOICE_MARKS or bool(unicodedata.combining(char))


def _graphemes(text: str, offset: int = 0) -> list[tuple[str, Span]]:
    """Split into units NFKC can treat independently (a base char plus its voicing marks); spans are
    shifted by ``offset`` (the position of ``text`` in the whole message)."""
    units: list[tuple[str, Span]] = []
    for index, char in enumerate(text, offset):
        if units and _attaches(char):
            previous, (start, _) = units[-1]
            units[-1] = (previous + char, (start, index + 1))
        else:
            units.append((char, (index, index + 1)))
    return units


# Characters that NFKC leaves as they are, one by one, and that no rule below changes: kanji, kana
# (ー included: after kana it stays ー), 、。「」『』々 and printable ASCII except space, '-' and '~'. Runs of them,
# most of any message, are copied in one step; everything else goes through the rules one unit at a
# time. The result is the same as treating every unit alone, only cheaper on long messages.
_PLAIN_RUN = re.compile(
    "[\u4e00-\u9fff\u3001\u3002\u3005\u300c-\u300f\u3041-\u3096\u30a1-\u30fa\u30fc\x21-\x2c\x2e-\x7d]+"
)


def normalize_with_offsets(text: str) -> MappedText:
    """:func:`normalize`, keeping the original span of every output character."""
    text = text or ""
    chars: list[str] = []
    spans: list[Span] = []
    done = 0
    for run in _PLAIN_RUN.finditer(text):
        start, end = run.span()
        if end < len(text) and _attaches(text[end]):
            end -= 1  # the mark after the run belongs to its last character: that unit takes the rules
        if start >= end:
            continue
        _normalize_units(text[done:start], done, chars, spans)
        chars.extend(text[start:end])
        spans.extend(zip(range(start, end), range(start + 1, end + 1)))
        done = end
    _normalize_units(text[done:], done, chars, spans)
    while chars and chars[-1] == " ":
        chars.pop()
        spans.pop()
    return MappedText("".join(chars), tuple(spans))


def _normalize_units(text: str, offset: int, chars: list[str], spans: list[Span]) -> None:
    """Appends the normalised units of ``text`` (which starts at ``offset``) to ``chars``/``spans``."""
    for unit, span in _graphemes(text, offset):
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


def normalize(text: str) -> str:
    """Normalise user or training text for the NLU (see module docstring)."""
    return normalize_with_offsets(text).text


def fold_katakana(text: str) -> str:
    """Katakana → hiragana (キャンセル → きゃんせる); everything else unchanged."""
    return jaconv.kata2hira(text)


_SEPARATOR_RUN = re.compile("[" + re.escape("".join(sorted(_SEPARATORS))) + "]+")
_KANA_VARIANT = re.compile("|".join(sorted(_KANA_VARIANTS, key=len, reverse=True)))


def match_key_with_offsets(text: str) -> MappedText:
    """:func:`match_key`, keeping the original span of every output character."""
    normalised = normalize_with_offsets(text)
    # Lower-cased letter by letter (Python lowers a word-final Σ differently when it sees the word).
    lowered = "".join(map(str.lower, normalised.text))
    spans = normalised.spans
    if len(lowered) != len(normalised.text):  # a letter that lowers to two (İ → i̇): both keep its span
        spans = tuple(span for char, span in zip(normalised.text, spans) for _ in char.lower())
    katakana = jaconv.hira2kata(lowered)  # あいぱす → アイパス; one character for one, so spans still fit
    without_separators = _replace(katakana, spans, _SEPARATOR_RUN, lambda separators: "")
    return _replace(without_separators.text, without_separators.spans, _KANA_VARIANT, _KANA_VARIANTS.__getitem__)


def _replace(text: str, spans: tuple[Span, ...], pattern: re.Pattern, replacement: Callable[[str], str]) -> MappedText:
    """Every match of ``pattern`` replaced by ``replacement(match)`` (at most one character, which
    spans the whole match); the text between matches is copied with its spans."""
    chars: list[str] = []
    kept: list[Span] = []
    done = 0
    for found in pattern.finditer(text):
        start, end = found.span()
        chars.append(text[done:start])
        kept.extend(spans[done:start])
        new = replacement(found.group())
        if new:
            chars.append(new)
            kept.append((spans[start][0], spans[end - 1][1]))
        done = end
    chars.append(text[done:])
    kept.extend(spans[done:])
    return MappedText("".join(chars), tuple(kept))


def match_key(text: str) -> str:
    """Comparison key for catalogue names and aliases (see module docstring)."""
    return match_key_with_offsets(text).text


_ASCII_WORD = re.compile(r"^[a-z0-9]+$")


def is_ascii_word(key: str) -> bool:
    """True for keys such as ``fe`` or ``jdla`` that must match on word boundaries only."""
    return bool(_ASCII_WORD.match(key))
