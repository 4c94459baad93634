"""Japanese tokens with their katakana readings, from SudachiPy: the one tokenizer of the project.

The NLU tokenizer (:mod:`bot.nlu.tokenizer`), the catalogue build (readings of names and keywords)
and the action server's understanding step (names typed in kana: 「こうほう」 is 広報) all split text
here, so a reading computed at build time matches one computed for a live message.

Text is normalised first (:func:`bot.text.normalize.normalize_with_offsets`); every token keeps its
span in the text as typed. Only SudachiPy's dictionary is loaded (no spaCy pipeline): about 70 MB
and a fraction of a millisecond per message.

>>> [(t.surface, t.reading) for t in tokens("広報の研修")]
[('広報', 'コウホウ'), ('の', 'ノ'), ('研修', 'ケンシュウ')]
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.text.normalize import normalize_with_offsets

_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}
_SYMBOL_READING = "キゴウ"  # Sudachi's reading for symbols: it means nothing here


@dataclass(frozen=True)
class Token:
    """One token: its normalised surface, katakana reading, part of speech and span in the original."""

    surface: str
    reading: str
    pos: str  # Sudachi's first two part-of-speech levels, e.g. 「名詞-普通名詞」
    start: int
    end: int
    person_name: bool = False  # a surname or given name in Sudachi's dictionary (固有名詞-人名: 山田, 花子)

    @property
    def is_content_word(self) -> bool:
        """A noun or a word in Latin letters: what names and keywords are made of."""
        return self.pos.startswith("名詞") or (self.surface.isascii() and self.surface.isalnum())


_lock = threading.Lock()


@lru_cache(maxsize=4)
def _tokenizer(split_mode: str) -> Any:
    from sudachipy import dictionary
    from sudachipy import tokenizer as sudachi

    mode = {"A": sudachi.Tokenizer.SplitMode.A, "B": sudachi.Tokenizer.SplitMode.B}.get(
        split_mode, sudachi.Tokenizer.SplitMode.C
    )
    return dictionary.Dictionary().create(mode)


def tokens(text: str, split_mode: str = "A") -> list[Token]:
    """The tokens of ``text`` (spaces dropped); offsets index ``text`` as given."""
    mapped = normalize_with_offsets(text or "")
    if not mapped.text:
        return []
    with _lock:  # a Sudachi tokenizer object is not safe to share between threads
        morphemes = list(_tokenizer(split_mode).tokenize(mapped.text))
    found = []
    for morpheme in morphemes:
        surface = morpheme.surface()
        if not surface.strip():
            continue
        begin, end = morpheme.begin(), morpheme.end()
        start, stop = mapped.original_span(begin, end)
        levels = morpheme.part_of_speech()
        pos = "-".join(part for part in levels[:2] if part != "*")
        person = levels[1] == "固有名詞" and levels[2] == "人名"
        found.append(Token(surface, _reading(surface, morpheme.reading_form()), pos, start, stop, person))
    return found


def reading_of(text: str) -> str:
    """The katakana reading of a whole phrase (「広報研修」 → コウホウケンシュウ)."""
    return "".join(token.reading for token in tokens(text))


def _reading(surface: str, reading: str) -> str:
    """Katakana reading, falling back to the (kana-folded, lower-cased) surface."""
    if not reading or reading == _SYMBOL_READING:
        reading = surface
    return reading.translate(_HIRAGANA_TO_KATAKANA).lower()
